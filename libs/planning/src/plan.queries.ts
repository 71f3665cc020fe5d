import type { EntityManager } from 'typeorm';

/** The plan with this code, if any (plan codes are unique). */
export async function planIdByCode(m: EntityManager, code: string): Promise<string | undefined> {
  const [plan] = await m.query<Array<{ id: string }>>(`SELECT id FROM plan WHERE code = $1`, [code]);
  return plan?.id;
}
