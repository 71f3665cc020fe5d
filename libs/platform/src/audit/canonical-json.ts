/**
 * JSON with object keys sorted at every level, no whitespace, dates as ISO strings: the
 * same value always gives the same bytes, which is what a hash of "the content" needs.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalise(value));
}

function normalise(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(normalise);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = normalise(v);
    }
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new Error('canonical JSON cannot hold NaN or Infinity');
  return value;
}
