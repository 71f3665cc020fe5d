import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import {
  beginTransaction,
  createDataSource,
  OutboxService,
  withTransaction,
  withTransactionWhenNeeded,
} from '#libs/platform';
import { SCHEMA } from '#libs/schema';
import { testConfig } from '../support/apps.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

describe('withTransaction on real PostgreSQL', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = createDataSource(testConfig(db.url), SCHEMA);
    await ds.initialize();
    await db.query(`CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL)`);
    await db.query(`INSERT INTO counters VALUES (1, 0), (2, 0)`);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('runs the work again after a deadlock, and both sides commit', async () => {
    let attempts = 0;
    // Two transactions lock the same two rows in opposite order: PostgreSQL kills one.
    const barrier = (() => {
      let arrived = 0;
      let release!: () => void;
      const all = new Promise<void>((r) => (release = r));
      return async () => {
        if (++arrived === 2) release();
        await Promise.race([all, new Promise((r) => setTimeout(r, 500))]);
      };
    })();
    const work = (first: number, second: number) =>
      withTransaction(ds, async (m) => {
        attempts++;
        await m.query(`UPDATE counters SET n = n + 1 WHERE id = $1`, [first]);
        await barrier();
        await m.query(`UPDATE counters SET n = n + 1 WHERE id = $1`, [second]);
      });
    await Promise.all([work(1, 2), work(2, 1)]);
    expect(attempts).toBe(3);
    expect(await db.query(`SELECT id, n FROM counters ORDER BY id`)).toEqual([
      { id: 1, n: 2 },
      { id: 2, n: 2 },
    ]);
  });

  it('does not retry other errors, and rolls everything back', async () => {
    let attempts = 0;
    await expect(
      withTransaction(ds, async (m) => {
        attempts++;
        await m.query(`UPDATE counters SET n = 100 WHERE id = 1`);
        await m.query(`SELECT 1/0`);
      }),
    ).rejects.toThrow(/division by zero/);
    expect(attempts).toBe(1);
    expect((await db.query(`SELECT n FROM counters WHERE id = 1`))[0].n).toBe(2);
  });

  it('withTransactionWhenNeeded: each statement commits alone until the work begins the transaction', async () => {
    // In a transaction block now() is the block's start; a statement alone is its own transaction.
    const alone = async (m: import('typeorm').EntityManager) => {
      await m.query(`SELECT pg_sleep(0.02)`);
      return (await m.query(`SELECT now() = statement_timestamp() AS alone`))[0].alone as boolean;
    };
    expect(await withTransactionWhenNeeded(ds, (m) => alone(m))).toBe(true);
    expect(await withTransaction(ds, (m) => alone(m))).toBe(false);
    expect(
      await withTransactionWhenNeeded(ds, async (m) => {
        await beginTransaction(m);
        return alone(m);
      }),
    ).toBe(false);
  });

  it('withTransactionWhenNeeded: what follows beginTransaction commits together or not at all', async () => {
    await db.query(`UPDATE counters SET n = 0`);
    await expect(
      withTransactionWhenNeeded(ds, async (m) => {
        await m.query(`UPDATE counters SET n = 10 WHERE id = 1`);
        await beginTransaction(m);
        await m.query(`UPDATE counters SET n = 20 WHERE id = 2`);
        await m.query(`SELECT 1/0`);
      }),
    ).rejects.toThrow(/division by zero/);
    // The statement before the transaction had committed on its own; the one inside is gone.
    expect(await db.query(`SELECT id, n FROM counters ORDER BY id`)).toEqual([
      { id: 1, n: 10 },
      { id: 2, n: 0 },
    ]);
    await withTransactionWhenNeeded(ds, async (m) => {
      await beginTransaction(m);
      await m.query(`UPDATE counters SET n = 30 WHERE id = 2`);
    });
    expect((await db.query(`SELECT n FROM counters WHERE id = 2`))[0].n).toBe(30);
  });

  it('refuses to write an outbox row outside a transaction', async () => {
    await expect(new OutboxService().enqueue(ds.manager, 'system.probe', { probeId: 'x' })).rejects.toThrow(
      /inside a transaction/,
    );
  });
});
