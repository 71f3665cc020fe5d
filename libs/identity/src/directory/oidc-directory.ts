import { Injectable, Logger } from '@nestjs/common';
import * as oidc from 'openid-client';
import { AppConfig, DomainError } from '#libs/platform';
import type { DirectoryProfile } from './directory-accounts.service.js';

/**
 * What one sign-in through the provider must remember between leaving for the provider and
 * coming back: the PKCE verifier (RFC 7636), the state (against login CSRF) and the nonce
 * (binding the ID token to this attempt). The browser keeps it in a short-lived cookie.
 */
export interface OidcFlow {
  state: string;
  nonce: string;
  verifier: string;
}

export type OidcOutcome =
  | { kind: 'ok'; profile: DirectoryProfile }
  | { kind: 'disabled'; subject: string; username: string }
  /** The provider said no (the person cancelled, or is not allowed), or the answer does not check out. */
  | { kind: 'refused'; reason: string };

function claimText(claims: Record<string, unknown>, name: string): string | null {
  if (!name) return null;
  const value = claims[name];
  if (typeof value === 'string' && value.trim()) return value.trim();
  if (typeof value === 'number') return String(value);
  return null;
}

function claimList(claims: Record<string, unknown>, name: string): string[] {
  const value = claims[name];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' && value ? [value] : [];
}

/** A claim saying the account is disabled: true, "true" or "1". */
function claimTrue(claims: Record<string, unknown>, name: string): boolean {
  if (!name) return false;
  const value = claims[name];
  return value === true || value === 'true' || value === 1 || value === '1';
}

/**
 * Sign-in through the city's OpenID Connect provider (authorization code with PKCE). The
 * provider's metadata comes from discovery, asked once and kept; a provider that cannot be
 * reached is a 503, never a refusal. Claims of the ID token and of userinfo together describe
 * the person, named by the OIDC_*_CLAIM settings.
 */
@Injectable()
export class OidcDirectory {
  private readonly logger = new Logger(OidcDirectory.name);
  private discovered: Promise<oidc.Configuration> | null = null;

  constructor(private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.config.OIDC_ISSUER !== '' && this.config.OIDC_CLIENT_ID !== '';
  }

  /** Where the provider sends the browser back: registered with the provider as the client's redirect URI. */
  get redirectUri(): string {
    return `${this.config.PUBLIC_BASE_URL}/api/v1/auth/oidc/callback`;
  }

  /** A new attempt: the provider's authorization URL to send the browser to, and what to remember. */
  async begin(): Promise<{ url: string; flow: OidcFlow }> {
    const configuration = await this.configuration();
    const flow: OidcFlow = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      verifier: oidc.randomPKCECodeVerifier(),
    };
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.redirectUri,
      scope: this.config.OIDC_SCOPES,
      response_type: 'code',
      state: flow.state,
      nonce: flow.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
      code_challenge_method: 'S256',
    });
    return { url: url.href, flow };
  }

  /**
   * The browser came back to the callback with `query` (code and state, or an error): the code
   * is exchanged for tokens and the person read from their claims.
   */
  async complete(query: string, flow: OidcFlow | null): Promise<OidcOutcome> {
    if (!flow) return { kind: 'refused', reason: 'oidc_flow_missing' };
    const configuration = await this.configuration();
    const current = new URL(`${this.redirectUri}?${query}`);
    const error = current.searchParams.get('error');
    if (error) return { kind: 'refused', reason: `oidc_${error}`.slice(0, 64) };
    let claims: Record<string, unknown>;
    try {
      const tokens = await oidc.authorizationCodeGrant(configuration, current, {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      const idClaims = tokens.claims();
      if (!idClaims) return { kind: 'refused', reason: 'oidc_no_id_token' };
      claims = { ...idClaims };
      // Providers put the profile in userinfo rather than in the ID token (as the code flow asks): both are read.
      if (configuration.serverMetadata().userinfo_endpoint) {
        const userinfo = await oidc.fetchUserInfo(configuration, tokens.access_token, idClaims.sub);
        claims = { ...userinfo, ...idClaims };
      }
    } catch (error) {
      if (error instanceof oidc.ResponseBodyError || error instanceof oidc.AuthorizationResponseError) {
        return { kind: 'refused', reason: `oidc_${error.error}`.slice(0, 64) };
      }
      // A state, nonce, issuer or signature that does not check out: not this attempt's answer.
      if (
        error instanceof Error &&
        'code' in error &&
        typeof error.code === 'string' &&
        error.code.startsWith('OAUTH_')
      ) {
        this.logger.warn({ err: error }, 'the OpenID provider’s answer did not check out');
        return { kind: 'refused', reason: 'oidc_answer_invalid' };
      }
      this.unavailable(error);
    }
    const c = this.config;
    const subject = String(claims.sub);
    const username = claimText(claims, c.OIDC_USERNAME_CLAIM) ?? '';
    if (claimTrue(claims, c.OIDC_DISABLED_CLAIM)) return { kind: 'disabled', subject, username };
    return {
      kind: 'ok',
      profile: {
        directory: 'oidc',
        subject,
        username,
        displayName: claimText(claims, c.OIDC_DISPLAY_NAME_CLAIM) ?? username,
        email: claimText(claims, c.OIDC_EMAIL_CLAIM),
        employeeNumber: claimText(claims, c.OIDC_EMPLOYEE_NUMBER_CLAIM),
        unit: claimText(claims, c.OIDC_UNIT_CLAIM),
        groups: claimList(claims, c.OIDC_GROUPS_CLAIM),
      },
    };
  }

  private configuration(): Promise<oidc.Configuration> {
    this.discovered ??= (async () => {
      const c = this.config;
      const auth = c.OIDC_CLIENT_SECRET ? oidc.ClientSecretBasic(c.OIDC_CLIENT_SECRET) : oidc.None();
      // Plain http is for a provider on loopback in tests and rehearsals; production refuses it at boot.
      const insecure = c.OIDC_ISSUER.startsWith('http:') ? { execute: [oidc.allowInsecureRequests] } : undefined;
      return oidc.discovery(new URL(c.OIDC_ISSUER), c.OIDC_CLIENT_ID, undefined, auth, { ...insecure, timeout: 10 });
    })();
    return this.discovered.catch((error: unknown) => {
      // The next attempt asks the provider again.
      this.discovered = null;
      return this.unavailable(error);
    });
  }

  private unavailable(error: unknown): never {
    this.logger.warn({ err: error }, 'the OpenID provider could not be asked');
    throw new DomainError('SERVICE_UNAVAILABLE', 'The city’s sign-in provider cannot be reached; try again shortly');
  }
}
