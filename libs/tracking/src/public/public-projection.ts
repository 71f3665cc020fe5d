/**
 * What the public may see (公開する項目), in ONE place. Every answer of the citizens' pages and of
 * `/api/v1/public/…` passes through `publish()`, which copies the fields named here and nothing
 * else: a column added to a query, or a field added to a service's view, stays private until
 * someone adds it to this list on purpose. test/e2e/public-data checks every public answer's
 * fields against this list and against the names that must never be public.
 *
 * Only what was reported to the council or confirmed is fed in (initiatives exist once
 * reported or imported; progress only as confirmed annual or mid-year reports; roll-ups from the
 * roll-up table, which counts confirmed reports only). No draft, no comment, no person.
 */

/** A field kept as it is (string, number, boolean or null). */
export const SCALAR = 'scalar' as const;
/** A map from the plan's status codes to counts (its keys are data, not fields). */
export const COUNTS = 'counts' as const;

export type FieldSpec = typeof SCALAR | typeof COUNTS | ObjectSpec | readonly [ObjectSpec];
export interface ObjectSpec {
  readonly [field: string]: FieldSpec;
}

const scaleEntry = { code: SCALAR, labelJa: SCALAR, normalized: SCALAR, colour: SCALAR } as const;
const status = { code: SCALAR, labelJa: SCALAR, colour: SCALAR } as const;
const numbered = { number: SCALAR, title: SCALAR } as const;
const unit = { code: SCALAR, nameJa: SCALAR } as const;
const yearValue = { fiscalYear: SCALAR, label: SCALAR, value: SCALAR } as const;
const planRef = { code: SCALAR, name: SCALAR } as const;
const planSummary = {
  code: SCALAR,
  name: SCALAR,
  firstFiscalYear: SCALAR,
  lastFiscalYear: SCALAR,
  periodLabel: SCALAR,
} as const;

export const PUBLIC_ANSWERS = {
  plans: { items: [planSummary], total: SCALAR },
  plan: {
    ...planSummary,
    mission: SCALAR,
    vision: SCALAR,
    values: SCALAR,
    policies: [{ ...numbered, description: SCALAR, themes: [numbered] }],
    scale: [scaleEntry],
    years: [{ fiscalYear: SCALAR, fiscalYearLabel: SCALAR, totals: COUNTS, total: SCALAR }],
  },
  rollup: {
    plan: planRef,
    fiscalYear: SCALAR,
    fiscalYearLabel: SCALAR,
    scale: [scaleEntry],
    totals: COUNTS,
    total: SCALAR,
    byPolicy: [{ ...numbered, counts: COUNTS, total: SCALAR }],
    byUnit: [{ ...unit, counts: COUNTS, total: SCALAR }],
    refreshedAt: SCALAR,
  },
  initiatives: {
    plan: planRef,
    fiscalYear: SCALAR,
    fiscalYearLabel: SCALAR,
    items: [{ code: SCALAR, title: SCALAR, policy: numbered, theme: numbered, owningUnit: unit, status }],
    total: SCALAR,
    page: SCALAR,
    pageSize: SCALAR,
  },
  initiative: {
    plan: planRef,
    code: SCALAR,
    title: SCALAR,
    summary: SCALAR,
    policy: numbered,
    theme: numbered,
    owningUnit: unit,
    collaboratingUnits: [unit],
    schedule: [{ fiscalYear: SCALAR, fiscalYearLabel: SCALAR, step: SCALAR }],
    relatedIndicators: [{ code: SCALAR, name: SCALAR }],
    reportedAt: SCALAR,
    history: [
      {
        fiscalYear: SCALAR,
        fiscalYearLabel: SCALAR,
        period: SCALAR,
        status,
        reason: SCALAR,
        narrative: SCALAR,
        plannedAmount: SCALAR,
        actualAmount: SCALAR,
        confirmedAt: SCALAR,
      },
    ],
  },
  indicators: {
    plan: planRef,
    items: [
      {
        code: SCALAR,
        name: SCALAR,
        unit: SCALAR,
        decimals: SCALAR,
        direction: SCALAR,
        baseline: yearValue,
        target: yearValue,
        measurements: [yearValue],
        actual: yearValue,
        achievementRate: SCALAR,
        grade: SCALAR,
      },
    ],
    total: SCALAR,
  },
  openData: {
    licence: { name: SCALAR, url: SCALAR, notice: SCALAR },
    columns: [{ key: SCALAR, header: SCALAR, type: SCALAR, description: SCALAR }],
    plan: planRef,
    fiscalYear: SCALAR,
    fiscalYearLabel: SCALAR,
    rows: [
      {
        fiscalYear: SCALAR,
        fiscalYearLabel: SCALAR,
        code: SCALAR,
        title: SCALAR,
        policyNumber: SCALAR,
        policyTitle: SCALAR,
        themeTitle: SCALAR,
        unitName: SCALAR,
        statusCode: SCALAR,
        statusLabel: SCALAR,
        reason: SCALAR,
        narrative: SCALAR,
        plannedAmount: SCALAR,
        actualAmount: SCALAR,
      },
    ],
  },
} as const satisfies Record<string, ObjectSpec>;

export type PublicAnswerKind = keyof typeof PUBLIC_ANSWERS;

/**
 * Names that are never public, whatever the answer: people, internal ids, workflow internals,
 * notes and comments. The e2e test refuses an allow-list or an answer that carries one.
 */
export const NEVER_PUBLIC = [
  'id',
  'planId',
  'proposalId',
  'councilMeetingId',
  'meetingId',
  'createdBy',
  'recordedBy',
  'takenBy',
  'actor',
  'username',
  'displayName',
  'email',
  'note',
  'comment',
  'comments',
  'source',
  'state',
  'version',
  'workflowName',
  'workflowVersion',
  'submittedAt',
  'gradingBand',
] as const;

function copy(spec: FieldSpec, value: unknown, path: string): unknown {
  if (value === null || value === undefined) return null;
  if (spec === SCALAR) {
    if (typeof value === 'object') throw new Error(`public projection: ${path} is not a scalar`);
    return value;
  }
  if (spec === COUNTS) {
    const counts: Record<string, number> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) counts[k] = Number(v);
    return counts;
  }
  if (Array.isArray(spec)) {
    if (!Array.isArray(value)) throw new Error(`public projection: ${path} is not a list`);
    const [inner] = spec as readonly [ObjectSpec];
    return value.map((item, i) => copy(inner, item, `${path}[${i}]`));
  }
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [field, inner] of Object.entries(spec as ObjectSpec))
    out[field] = copy(inner, source[field], `${path}.${field}`);
  return out;
}

/** The public form of a view: the allow-listed fields of `kind`, nothing else. */
export function publish<K extends PublicAnswerKind>(kind: K, view: unknown): Record<string, unknown> {
  return copy(PUBLIC_ANSWERS[kind], view, kind) as Record<string, unknown>;
}

/** Every field path an answer of `kind` may carry (`items[].policy.number`), for the leak test. */
export function allowedPaths(kind: PublicAnswerKind): Set<string> {
  const paths = new Set<string>();
  const walk = (spec: FieldSpec, prefix: string) => {
    if (spec === SCALAR || spec === COUNTS) return;
    if (Array.isArray(spec)) return walk((spec as readonly [ObjectSpec])[0], `${prefix}[]`);
    for (const [field, inner] of Object.entries(spec as ObjectSpec)) {
      const p = prefix ? `${prefix}.${field}` : field;
      paths.add(inner === COUNTS ? `${p}{}` : p);
      walk(inner, p);
    }
  };
  walk(PUBLIC_ANSWERS[kind], '');
  return paths;
}
