import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig, Clock, prepared } from '#libs/platform';
import type { Role } from '../roles.js';
import { DEPUTISABLE_ROLES, Principal, type Deputyship, type PrincipalGrant } from './principal.js';

interface Row {
  id: string;
  username: string;
  display_name: string;
  org_unit_id: string;
  role: Role | null;
  grant_unit_id: string | null;
  grant_unit_code: string | null;
  city_wide: boolean | null;
  covered: string[] | null;
  next_change: Date | null;
  /** Whether the caller has a 代決 period not yet over (running or to come). */
  deputy_periods: boolean;
}

interface DeputyshipRow {
  id: string;
  starts_at: Date;
  ends_at: Date;
  absent_id: string;
  absent_username: string;
  absent_display_name: string;
}

interface AbsentGrantRow {
  user_id: string;
  role: Role;
  grant_unit_id: string;
  grant_unit_code: string;
  city_wide: boolean;
  covered: string[];
}

/**
 * The grants in force at `$2` of the users `users` picks (a predicate on `g.user_id`), each with
 * the units it covers — the one statement of this rule, for the caller and for those a deputy
 * (代決) stands in for: CTEs `grants`, `covered` and `per_grant` (user_id, role, root, covered).
 */
const grantsInForceSql = (users: string) => `grants AS (
         SELECT g.user_id, g.role, g.org_unit_id FROM role_grant g
          WHERE ${users} AND (g.valid_from IS NULL OR g.valid_from <= $2) AND (g.valid_until IS NULL OR g.valid_until > $2)
       ), covered(user_id, role, root, unit) AS (
         SELECT user_id, role, org_unit_id, org_unit_id FROM grants
         UNION
         -- The units below, and those a unit took over (機構改革) from the day it did: it covers their records too.
         SELECT c.user_id, c.role, c.root, n.id FROM covered c
           JOIN LATERAL (SELECT child.id FROM org_unit child WHERE child.parent_id = c.unit
                         UNION ALL
                         SELECT s.predecessor_id FROM org_unit_succession s WHERE s.successor_id = c.unit AND s.effective_at <= $2) n ON true
       ), per_grant AS (
         SELECT user_id, role, root, array_agg(unit::text) AS covered FROM covered GROUP BY user_id, role, root
       )`;

/** A grant change of `users` (a predicate on `g.user_id`) after `$2`: from then a loaded principal is stale. */
const nextGrantChangeSql = (
  users: string,
) => `SELECT g.valid_from FROM role_grant g WHERE ${users} AND g.valid_from > $2
                 UNION ALL SELECT g.valid_until FROM role_grant g WHERE ${users} AND g.valid_until > $2`;

/** Channel the identity tables' triggers notify on every change (migration IdentityNotify). */
export const IDENTITY_CHANNEL = 'kaikaku_identity';

/** Callers kept in memory at most; past it the cache starts afresh (a city has a few thousand staff). */
const MAX_CACHED = 20_000;

interface Loaded {
  user: Principal['user'];
  grants: readonly PrincipalGrant[];
  /**
   * When the next dated change (a grant's start or end, a transfer, a 代決 period's start or end,
   * a change of an absent person's grants) takes effect: the entry is stale from then.
   */
  until: number | null;
  /** The 代決 periods running when loaded. */
  deputyships: readonly Deputyship[];
}

const earliest = (...instants: Array<number | null>): number | null => {
  const known = instants.filter((t): t is number => t !== null);
  return known.length === 0 ? null : Math.min(...known);
};

/**
 * Loads the caller of a request: the user if active, and each grant with the units it covers
 * (the granted unit and all below it, by a recursive walk of the tree).
 *
 * Loaded callers are kept in memory while this process LISTENs for the identity tables'
 * notices; any change to users, grants or units drops them all, so a disabled user or a
 * removed grant applies at the next request on every instance. Without a live LISTEN
 * connection (starting, reconnecting) nothing is cached and every request reads the database.
 *
 * Grants and transfers are effective-dated: what a caller may do is read at the clock's now, and
 * a cached caller is kept only until the next dated change of theirs takes effect. So a 4月1日
 * transfer applies at 00:00 JST on every instance, with no notice and no job needed at that instant.
 */
@Injectable()
export class PrincipalLoader implements OnApplicationShutdown {
  private readonly logger = new Logger(PrincipalLoader.name);
  private readonly cache = new Map<string, Loaded | null>();
  /** Bumped on every notice: a load that started before one must not be kept. */
  private generation = 0;
  private listener: pg.Client | null = null;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;
  private started = false;
  private readonly waiters: Array<() => void> = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.listener;
    this.forget();
    await client?.end().catch(() => undefined);
  }

  async load(userId: string, via: Principal['via']): Promise<Principal | null> {
    // Listening starts with the first caller, so processes that never load one (the CLI) hold no connection.
    if (!this.started && !this.stopped) {
      this.started = true;
      void this.listen();
    }
    const listening = this.listener !== null;
    const now = this.clock.now();
    if (listening && this.cache.has(userId)) {
      const hit = this.cache.get(userId);
      if (!hit || hit.until === null || hit.until > now.getTime())
        return hit ? new Principal(hit.user, hit.grants, via, hit.deputyships) : null;
    }
    const generation = this.generation;
    const loaded = await this.read(userId, now);
    if (listening && this.listener !== null && generation === this.generation) {
      if (this.cache.size >= MAX_CACHED) this.cache.clear();
      this.cache.set(userId, loaded);
    }
    return loaded ? new Principal(loaded.user, loaded.grants, via, loaded.deputyships) : null;
  }

  /**
   * Runs an identity change (its own transaction) and answers once this process has seen the
   * change's notice, so the writer's next request never meets its old self. The notice goes
   * to every instance at the same commit; waiting is bounded, and needless without a listener.
   */
  async changing<T>(work: () => Promise<T>): Promise<T> {
    const before = this.generation;
    const result = await work();
    if (this.listener === null || this.generation !== before) return result;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, 1000);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.waiters.push(done);
    });
    return result;
  }

  /** Drops every cached caller; later loads read the database. */
  private forget(): void {
    this.generation++;
    this.cache.clear();
    for (const wake of this.waiters.splice(0)) wake();
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({
      connectionString: this.config.DATABASE_URL,
      application_name: 'kaikaku-identity-listener',
    });
    let failed = false;
    const fail = () => {
      if (failed) return;
      failed = true;
      if (this.listener === client) this.listener = null;
      this.forget();
      client.removeAllListeners();
      client.on('error', () => undefined);
      client.end().catch(() => undefined);
      if (!this.stopped) this.retry = setTimeout(() => void this.listen(), 1000);
    };
    client.on('error', fail);
    client.on('end', fail);
    client.on('notification', () => this.forget());
    try {
      await client.connect();
      await client.query(`LISTEN ${IDENTITY_CHANNEL}`);
      // Changes made while nobody listened are unknown: start from an empty cache.
      this.forget();
      if (failed) return;
      if (this.stopped) {
        await client.end().catch(() => undefined);
        return;
      }
      this.listener = client;
    } catch (error) {
      this.logger.warn(
        { err: error },
        'identity notices unavailable; principals are read on every request until they are back',
      );
      fail();
    }
  }

  private async read(userId: string, at: Date): Promise<Loaded | null> {
    const { rows } = await prepared<Row>(
      this.dataSource.manager,
      `WITH RECURSIVE ${grantsInForceSql('g.user_id = $1')}
       SELECT u.id, u.username, u.display_name, org_unit_of_user_at(u.id, u.org_unit_id, $2) AS org_unit_id,
              pg.role, pg.root AS grant_unit_id, ou.code AS grant_unit_code, (ou.parent_id IS NULL) AS city_wide, pg.covered,
              (SELECT min(x) FROM (
                 ${nextGrantChangeSql('g.user_id = u.id')}
                 UNION ALL SELECT t.effective_at FROM personnel_transfer t WHERE t.user_id = u.id AND t.status = 'scheduled' AND t.effective_at > $2
                 UNION ALL SELECT d.starts_at FROM deputy_assignment d WHERE d.deputy_user_id = u.id AND d.cancelled_at IS NULL AND d.starts_at > $2
               ) AS changes(x)) AS next_change,
              EXISTS (SELECT 1 FROM deputy_assignment d WHERE d.deputy_user_id = u.id AND d.cancelled_at IS NULL AND d.ends_at > $2) AS deputy_periods
         FROM app_user u
         LEFT JOIN per_grant pg ON true
         LEFT JOIN org_unit ou ON ou.id = pg.root
        WHERE u.id = $1 AND u.active`,
      [userId, at],
    );
    if (rows.length === 0) return null;
    const first = rows[0];
    const grants: PrincipalGrant[] = rows
      .filter((r) => r.role !== null)
      .map((r) => ({
        role: r.role!,
        unitId: r.grant_unit_id!,
        unitCode: r.grant_unit_code!,
        cityWide: r.city_wide === true,
        coveredUnitIds: r.covered ?? [],
      }));
    const own = first.next_change ? new Date(first.next_change).getTime() : null;
    const deputyships = first.deputy_periods ? await this.readDeputyships(userId, at) : { running: [], until: null };
    return {
      user: { id: first.id, username: first.username, displayName: first.display_name, orgUnitId: first.org_unit_id },
      grants,
      until: earliest(own, deputyships.until),
      deputyships: deputyships.running,
    };
  }

  /**
   * The caller's 代決 periods running at `at` (the absent person active), each with the absent
   * person's workflow grants in force then, and when that answer next changes: a period's end,
   * or a grant of an absent person starting or ending.
   */
  private async readDeputyships(userId: string, at: Date): Promise<{ running: Deputyship[]; until: number | null }> {
    const { rows } = await prepared<DeputyshipRow>(
      this.dataSource.manager,
      `SELECT d.id, d.starts_at, d.ends_at, a.id AS absent_id, a.username AS absent_username, a.display_name AS absent_display_name
         FROM deputy_assignment d JOIN app_user a ON a.id = d.absent_user_id AND a.active
        WHERE d.deputy_user_id = $1 AND d.cancelled_at IS NULL AND d.starts_at <= $2 AND d.ends_at > $2
        ORDER BY d.starts_at, d.id`,
      [userId, at],
    );
    if (rows.length === 0) return { running: [], until: null };
    const absentIds = [...new Set(rows.map((r) => r.absent_id))];
    const { rows: grantRows } = await prepared<AbsentGrantRow>(
      this.dataSource.manager,
      `WITH RECURSIVE ${grantsInForceSql('g.user_id = ANY($1::uuid[])')}
       SELECT pg.user_id, pg.role, pg.root AS grant_unit_id, ou.code AS grant_unit_code, (ou.parent_id IS NULL) AS city_wide, pg.covered
         FROM per_grant pg JOIN org_unit ou ON ou.id = pg.root
        WHERE pg.role = ANY($3::text[])`,
      [absentIds, at, DEPUTISABLE_ROLES],
    );
    const { rows: changes } = await prepared<{ next: Date | null }>(
      this.dataSource.manager,
      `SELECT min(x) AS next FROM (${nextGrantChangeSql('g.user_id = ANY($1::uuid[])')}) AS changes(x)`,
      [absentIds, at],
    );
    const running = rows.map((r) => ({
      assignmentId: r.id,
      absent: { id: r.absent_id, username: r.absent_username, displayName: r.absent_display_name },
      startsAt: new Date(r.starts_at),
      endsAt: new Date(r.ends_at),
      grants: grantRows
        .filter((g) => g.user_id === r.absent_id)
        .map((g) => ({
          role: g.role,
          unitId: g.grant_unit_id,
          unitCode: g.grant_unit_code,
          cityWide: g.city_wide,
          coveredUnitIds: g.covered,
        })),
    }));
    const nextGrantChange = changes[0]?.next ? new Date(changes[0].next).getTime() : null;
    return { running, until: earliest(nextGrantChange, ...running.map((d) => d.endsAt.getTime())) };
  }
}
