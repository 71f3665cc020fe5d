import { ApiToken, OrgUnit, RoleGrant, SecurityEvent, User } from '#libs/identity';
import { OutboxMessage, SystemProbe } from '#libs/platform';
import { MIGRATIONS } from '../../../migrations/index.js';

/**
 * The whole database schema as TypeORM sees it: every entity of every library and every
 * migration. It sits above the feature libraries so that none of them has to know the
 * others, and it is what the apps, the CLI and the migration tooling all connect with.
 */
export const ENTITIES = [OutboxMessage, SystemProbe, OrgUnit, User, RoleGrant, ApiToken, SecurityEvent];

export const SCHEMA = { entities: ENTITIES, migrations: MIGRATIONS };

export { MIGRATIONS };
