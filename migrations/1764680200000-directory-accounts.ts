import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Accounts that come from the city's directory (LDAP / AD, or OpenID Connect) rather than a local password. */
export class DirectoryAccounts1764680200000 implements MigrationInterface {
  name = 'DirectoryAccounts1764680200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE app_user ADD COLUMN directory text CHECK (directory IN ('ldap', 'oidc')), ADD COLUMN directory_subject text,
                     ADD CHECK ((directory IS NULL) = (directory_subject IS NULL))`);
    await q.query(
      `CREATE UNIQUE INDEX app_user_directory_subject_key ON app_user (directory, directory_subject) WHERE directory IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX app_user_directory_subject_key`);
    await q.query(`ALTER TABLE app_user DROP COLUMN directory, DROP COLUMN directory_subject`);
  }
}
