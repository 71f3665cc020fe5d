import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change to who someone is or what they may do (users, grants, the unit tree) notifies
 * the API instances, which keep the callers' principals in memory and drop them on notice.
 * Statement-level: a change of many rows is one notice; the caches drop everything, since a
 * moved unit changes what every grant above it covers.
 */
export class IdentityNotify1764554400000 implements MigrationInterface {
  name = 'IdentityNotify1764554400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION identity_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('kaikaku_identity', TG_TABLE_NAME);
        RETURN NULL;
      END $$`);
    // Only the columns a principal is made of: a sign-in writing last_login_at drops nothing.
    await q.query(`
      CREATE TRIGGER app_user_identity_changed AFTER INSERT OR DELETE OR UPDATE OF active, username, display_name, org_unit_id ON app_user
      FOR EACH STATEMENT EXECUTE FUNCTION identity_changed()`);
    await q.query(
      `CREATE TRIGGER app_user_identity_truncated AFTER TRUNCATE ON app_user FOR EACH STATEMENT EXECUTE FUNCTION identity_changed()`,
    );
    for (const table of ['role_grant', 'org_unit']) {
      await q.query(
        `CREATE TRIGGER ${table}_identity_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION identity_changed()`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table, trigger] of [
      ['app_user', 'app_user_identity_changed'],
      ['app_user', 'app_user_identity_truncated'],
      ['role_grant', 'role_grant_identity_changed'],
      ['org_unit', 'org_unit_identity_changed'],
    ]) {
      await q.query(`DROP TRIGGER ${trigger} ON ${table}`);
    }
    await q.query(`DROP FUNCTION identity_changed()`);
  }
}
