import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { withTransaction } from '#libs/platform';
import { DirectoryAccountsService } from '../directory/directory-accounts.service.js';
import { LdapDirectory } from '../directory/ldap-directory.js';
import { SignInFailedError, SignInRateLimitedError } from '../identity.errors.js';
import { SecurityEventsService, type RequestOrigin } from '../security-events.service.js';
import { LoginThrottle } from './login-throttle.js';
import { PasswordHasher } from './password-hasher.js';
import { TokenService, type AccessToken } from './token.service.js';

/** Sign-in with username and password (a local one, or the city directory's over LDAP), limited, and logged whatever its outcome. */
@Injectable()
export class AuthService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly throttle: LoginThrottle,
    private readonly events: SecurityEventsService,
    private readonly ldap: LdapDirectory,
    private readonly directoryAccounts: DirectoryAccountsService,
  ) {}

  async signIn(username: string, password: string, origin: RequestOrigin): Promise<AccessToken> {
    return this.tokens.issueAccessToken(await this.verifyCredentials(username, password, origin));
  }

  /**
   * Checks a username and password (limited and logged like a sign-in) and answers the
   * user's id; for sign-in, and for HTTP Basic on the queue dashboard.
   */
  async verifyCredentials(username: string, password: string, origin: RequestOrigin): Promise<string> {
    const address = origin.address ?? 'unknown';
    try {
      await this.throttle.attempt(username, address);
    } catch (error) {
      if (error instanceof SignInRateLimitedError) await this.failed(username, null, 'rate_limited', origin);
      throw error;
    }
    const [user]: Array<{ id: string; password_hash: string | null; active: boolean; directory: string | null }> =
      await this.dataSource.query(`SELECT id, password_hash, active, directory FROM app_user WHERE username = $1`, [
        username,
      ]);
    // Local accounts keep their passwords; everyone else is the directory's to vouch for.
    if (this.ldap.enabled && (!user || user.directory === 'ldap'))
      return this.viaLdap(username, password, address, origin);
    const passwordOk = await this.hasher.verify(user?.password_hash, password);
    if (!user || !passwordOk || !user.active) {
      await this.failed(
        username,
        user?.id ?? null,
        !user ? 'unknown_user' : !passwordOk ? 'wrong_password' : 'disabled',
        origin,
      );
      throw new SignInFailedError();
    }
    await this.throttle.succeeded(username, address);
    await withTransaction(this.dataSource, (m) =>
      this.events.record(
        m,
        { kind: 'signin.succeeded', actorUserId: user.id, subjectUserId: user.id, username },
        origin,
      ),
    );
    return user.id;
  }

  private async viaLdap(username: string, password: string, address: string, origin: RequestOrigin): Promise<string> {
    const outcome = await this.ldap.authenticate(username, password);
    switch (outcome.kind) {
      case 'ok': {
        const userId = await this.directoryAccounts.signedIn(outcome.profile, origin);
        await this.throttle.succeeded(username, address);
        return userId;
      }
      case 'disabled':
        return this.directoryAccounts.disabled('ldap', outcome.subject, username, origin);
      case 'unknown':
      case 'wrong_password':
        await this.failed(username, null, outcome.kind === 'unknown' ? 'unknown_user' : 'wrong_password', origin);
        throw new SignInFailedError();
    }
  }

  private failed(username: string, userId: string | null, reason: string, origin: RequestOrigin): Promise<void> {
    return withTransaction(this.dataSource, (m) =>
      this.events.record(
        m,
        { kind: 'signin.failed', subjectUserId: userId, username: username.slice(0, 64), details: { reason } },
        origin,
      ),
    );
  }
}
