import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig, withTransaction } from '#libs/platform';
import { PrincipalLoader } from '../access/principal.loader.js';
import { SignInFailedError } from '../identity.errors.js';
import { SecurityEventsService, type RequestOrigin } from '../security-events.service.js';
import { revokeBrowserSessionsOf } from '../sessions/revoke-sessions.js';
import { UsersService } from '../users.service.js';
import { grantsFor, parseRoleMap, type RoleMap } from './role-map.js';

export type DirectoryKind = 'ldap' | 'oidc';

/** A person as the city's directory describes them at sign-in. */
export interface DirectoryProfile {
  directory: DirectoryKind;
  /** The directory's stable name for them: the LDAP entry's DN, the OIDC `sub`. */
  subject: string;
  username: string;
  displayName: string;
  email: string | null;
  employeeNumber: string | null;
  /** A unit code or name, or null. */
  unit: string | null;
  groups: string[];
}

const USERNAME = /^[a-z0-9][a-z0-9_.-]{1,63}$/;

interface UnitRef {
  id: string;
  code: string;
}

/**
 * Directory users: created at their first sign-in, brought up to date at each one (name, e-mail,
 * 職員番号, unit, and — with DIRECTORY_ROLE_MAP — their roles from their groups), and disabled here
 * when the directory says they are, which also ends their browser sessions. All in the security log.
 */
@Injectable()
export class DirectoryAccountsService {
  private readonly roleMap: RoleMap;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly events: SecurityEventsService,
    private readonly principals: PrincipalLoader,
  ) {
    try {
      this.roleMap = parseRoleMap(config.DIRECTORY_ROLE_MAP);
    } catch (error) {
      throw new Error(`DIRECTORY_ROLE_MAP ${(error as Error).message}`);
    }
  }

  /** The directory vouched for this person: their account here, created or updated; answers its id. */
  async signedIn(profile: DirectoryProfile, origin: RequestOrigin): Promise<string> {
    const username = profile.username.normalize('NFKC').trim().toLowerCase();
    const via = { via: profile.directory };
    const outcome = await this.principals.changing(() =>
      withTransaction(this.dataSource, async (m): Promise<string | null> => {
        // A refusal commits its log entry (null), then answers 401.
        const refuse = async (reason: string, userId: string | null = null): Promise<null> => {
          await this.events.record(
            m,
            {
              kind: 'signin.failed',
              subjectUserId: userId,
              username: username.slice(0, 64),
              details: { reason, ...via },
            },
            origin,
          );
          return null;
        };
        if (!USERNAME.test(username)) return refuse('directory_username_unusable');
        const [unit] = await m.query<UnitRef[]>(
          `SELECT id, code FROM org_unit WHERE active AND (code = $1 OR name_ja = $1) ORDER BY code LIMIT 1`,
          [profile.unit ?? ''],
        );
        const [fallback] = unit
          ? [unit]
          : await m.query<UnitRef[]>(`SELECT id, code FROM org_unit WHERE code = $1`, [
              this.config.DIRECTORY_DEFAULT_UNIT,
            ]);
        if (!fallback) return refuse('directory_unit_unknown');
        const grants = grantsFor(this.roleMap, profile.groups, fallback.code).map((g) => ({
          role: g.role,
          orgUnit: g.unit,
        }));

        const [known]: Array<{ id: string; active: boolean; directory: string | null; subject: string | null }> =
          await m.query(
            `SELECT id, active, directory, directory_subject AS subject FROM app_user
            WHERE (directory = $1 AND directory_subject = $2) OR username = $3 ORDER BY (directory = $1 AND directory_subject = $2) DESC LIMIT 1`,
            [profile.directory, profile.subject, username],
          );
        let userId: string;
        if (!known) {
          [{ id: userId }] = await m.query<Array<{ id: string }>>(
            `INSERT INTO app_user (username, display_name, email, employee_number, org_unit_id, directory, directory_subject) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
            [
              username,
              profile.displayName || username,
              profile.email,
              profile.employeeNumber,
              fallback.id,
              profile.directory,
              profile.subject,
            ],
          );
          await this.users.replaceGrants(m, userId, grants);
          await this.events.record(
            m,
            {
              kind: 'user.created',
              subjectUserId: userId,
              username,
              details: { ...via, unit: fallback.code, grants: grants.map((g) => `${g.role}@${g.orgUnit}`) },
            },
            origin,
          );
        } else {
          // A local account of the same name is not taken over by a directory entry.
          if (known.directory !== profile.directory || known.subject !== profile.subject)
            return refuse('username_taken_locally', known.id);
          // Disabled here (by an admin, or earlier by the directory): an admin enables it again.
          if (!known.active) return refuse('disabled', known.id);
          userId = known.id;
          await m.query(
            `UPDATE app_user SET username = $2, display_name = $3, email = $4, employee_number = coalesce($5, employee_number), version = version + 1, updated_at = now() WHERE id = $1`,
            [userId, username, profile.displayName || username, profile.email, profile.employeeNumber],
          );
          if (this.roleMap.size > 0) {
            const before = (await this.users.get(userId, m)).grants.map((g) => `${g.role}@${g.orgUnit.code}`).sort();
            const after = grants.map((g) => `${g.role}@${g.orgUnit}`).sort();
            if (before.join() !== after.join()) {
              await this.users.replaceGrants(m, userId, grants);
              await this.events.record(
                m,
                { kind: 'grants.changed', subjectUserId: userId, username, details: { before, after, ...via } },
                origin,
              );
            }
          }
        }
        await this.events.record(
          m,
          { kind: 'signin.succeeded', actorUserId: userId, subjectUserId: userId, username, details: via },
          origin,
        );
        return userId;
      }),
    );
    if (outcome === null) throw new SignInFailedError();
    return outcome;
  }

  /** The directory says this person is disabled: so are they here, and their sessions end. Always a refusal. */
  async disabled(directory: DirectoryKind, subject: string, username: string, origin: RequestOrigin): Promise<never> {
    await this.principals.changing(() =>
      withTransaction(this.dataSource, async (m) => {
        const [user]: Array<{ id: string; active: boolean }> = await m.query(
          `SELECT id, active FROM app_user WHERE directory = $1 AND directory_subject = $2`,
          [directory, subject],
        );
        if (user?.active) {
          await m.query(`UPDATE app_user SET active = false, version = version + 1, updated_at = now() WHERE id = $1`, [
            user.id,
          ]);
          const sessionsRevoked = await revokeBrowserSessionsOf(m, user.id, 'user_disabled');
          await this.events.record(
            m,
            { kind: 'user.disabled', subjectUserId: user.id, username, details: { by: directory, sessionsRevoked } },
            origin,
          );
        }
        await this.events.record(
          m,
          {
            kind: 'signin.failed',
            subjectUserId: user?.id ?? null,
            username: username.slice(0, 64),
            details: { reason: 'directory_disabled', via: directory },
          },
          origin,
        );
      }),
    );
    throw new SignInFailedError();
  }
}
