import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError, withTransaction } from '#libs/platform';
import { SignInFailedError } from '../identity.errors.js';
import { SecurityEventsService, type RequestOrigin } from '../security-events.service.js';
import { BrowserSessionsService, type BrowserSession } from '../sessions/browser-sessions.service.js';
import { DirectoryAccountsService } from './directory-accounts.service.js';
import { OidcDirectory, type OidcFlow } from './oidc-directory.js';

export class OidcNotConfiguredError extends DomainError {
  constructor() {
    super('NOT_FOUND', 'Sign-in through the city’s OpenID provider is not configured here');
  }
}

/**
 * A browser's sign-in through the city's OpenID provider: sent there with a new flow, back at
 * the callback its answer makes (or refuses) the person's account here, as an LDAP sign-in does,
 * and starts a browser session. Every refusal is in the security log.
 */
@Injectable()
export class OidcSignInService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly oidc: OidcDirectory,
    private readonly accounts: DirectoryAccountsService,
    private readonly sessions: BrowserSessionsService,
    private readonly events: SecurityEventsService,
  ) {}

  get enabled(): boolean {
    return this.oidc.enabled;
  }

  begin(): Promise<{ url: string; flow: OidcFlow }> {
    if (!this.oidc.enabled) throw new OidcNotConfiguredError();
    return this.oidc.begin();
  }

  async complete(query: string, flow: OidcFlow | null, origin: RequestOrigin): Promise<BrowserSession> {
    if (!this.oidc.enabled) throw new OidcNotConfiguredError();
    const outcome = await this.oidc.complete(query, flow);
    switch (outcome.kind) {
      case 'ok':
        return this.sessions.startFor(await this.accounts.signedIn(outcome.profile, origin));
      case 'disabled':
        return this.accounts.disabled('oidc', outcome.subject, outcome.username, origin);
      case 'refused':
        await withTransaction(this.dataSource, (m) =>
          this.events.record(m, { kind: 'signin.failed', details: { reason: outcome.reason, via: 'oidc' } }, origin),
        );
        throw new SignInFailedError();
    }
  }
}
