import { useQuery } from '@tanstack/react-query';
import { answer, api } from '../api/client';
import type { components } from '../api/schema';

export type User = components['schemas']['UserResponse'];
export type Role = components['schemas']['Role'];
export type OrgUnitKind = components['schemas']['OrgUnitKind'];
export type Unit = components['schemas']['OrgUnitResponse'];
export type ApiToken = components['schemas']['ApiTokenResponse'];
export type SecurityEvent = components['schemas']['SecurityEventResponse'];
export type SecurityEventKind = components['schemas']['SecurityEventKind'];
export type WorkflowSubject = components['schemas']['WorkflowSubject'];

/** The roles an administrator grants, in the order people think of them. */
export const ROLES: Role[] = [
  'secretariat',
  'bureau_editor',
  'bureau_approver',
  'committee_reviewer',
  'hq_member',
  'viewer',
  'admin',
];

export const UNIT_KIND_LABELS: Record<OrgUnitKind, string> = { city: '市', bureau: '局', ward: '区', division: '課' };

export const SUBJECT_LABELS: Record<WorkflowSubject, string> = {
  proposal: '取組提案',
  inquiry: '全庁照会',
  'progress-report': '進捗報告',
};

/**
 * Every unit, active or not (the organisation page shows the whole tree; the other pages'
 * pickers use `useOrgUnits`, active only). About twenty in a city; 100 is the API's page.
 */
export function useAllOrgUnits() {
  return useQuery({
    queryKey: ['org-units', 'all'],
    queryFn: () => answer(api.GET('/api/v1/org-units', { params: { query: { pageSize: 100 } } })),
    select: (page) => page.items as Unit[],
  });
}

const KIND_ORDER: Record<OrgUnitKind, number> = { city: 0, bureau: 1, ward: 2, division: 3 };

/** Siblings as the city lists them: bureaus, then wards, then divisions, each by code. */
export const byKindThenCode = (a: Unit, b: Unit) =>
  KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.code.localeCompare(b.code);

/** Units in tree order (parent before children, siblings by code), each with its depth. */
export function treeOrder(units: Unit[]): Array<{ unit: Unit; depth: number }> {
  const children = new Map<string | null, Unit[]>();
  const ids = new Set(units.map((u) => u.id));
  for (const u of units) {
    const parent = u.parent && ids.has(u.parent.id) ? u.parent.id : null;
    children.set(parent, [...(children.get(parent) ?? []), u]);
  }
  const out: Array<{ unit: Unit; depth: number }> = [];
  const walk = (parent: string | null, depth: number) => {
    for (const u of (children.get(parent) ?? []).sort(byKindThenCode)) {
      out.push({ unit: u, depth });
      walk(u.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

/** A unit as a picker shows it: indented under its parent, with its kind. */
export const unitOptionLabel = (unit: Unit, depth: number) =>
  `${'\u3000'.repeat(depth)}${unit.nameJa}（${UNIT_KIND_LABELS[unit.kind]}）${unit.active ? '' : '【廃止】'}`;
