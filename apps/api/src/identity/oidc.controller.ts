import type {} from '@fastify/cookie';
import { Controller, Get, Redirect, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  OidcSignInService,
  SignInFailedError,
  SignInMethodsResponse,
  type OidcFlow,
  type RequestOrigin,
} from '#libs/identity';
import { AppConfig, DomainError } from '#libs/platform';
import { Access } from '../access/access.decorator.js';
import { Origin } from '../access/current-principal.decorator.js';
import { setRefreshCookie } from './session.controller.js';

const FLOW_COOKIE = 'kaikaku_oidc';
const FLOW_COOKIE_PATH = '/api/v1/auth/oidc';
/** Long enough to sign in at the provider, short enough that a forgotten tab's flow is gone. */
const FLOW_SECONDS = 600;

function readFlow(value: string | undefined): OidcFlow | null {
  if (!value || value.length > 1000) return null;
  try {
    const flow: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (typeof flow !== 'object' || flow === null) return null;
    const { state, nonce, verifier } = flow as Record<string, unknown>;
    return typeof state === 'string' && typeof nonce === 'string' && typeof verifier === 'string'
      ? { state, nonce, verifier }
      : null;
  } catch {
    return null;
  }
}

interface RedirectAnswer {
  url: string;
  statusCode: number;
}

/**
 * Sign-in through the city's OpenID Connect provider, for browsers: the sign-in page links to
 * GET /auth/oidc, which sends the browser to the provider; the provider sends it back to the
 * callback, which starts a browser session (the same refresh cookie as a password sign-in) and
 * returns to the web app. These two are browser navigations, not API calls, so they are left out
 * of the OpenAPI document.
 *
 * The flow cookie is SameSite=Lax, not Strict: the provider's redirect back is a navigation
 * started from the provider's site, and a Strict cookie would not come with it. It holds only
 * this attempt's state, nonce and PKCE verifier, and the callback checks the provider's answer
 * against them (a forged callback carries no matching state).
 */
@ApiTags('auth')
@Controller('auth')
export class OidcController {
  constructor(
    private readonly oidc: OidcSignInService,
    private readonly config: AppConfig,
  ) {}

  @Get('methods')
  @Access.public()
  @ApiOperation({
    summary: 'How people may sign in here (the sign-in page offers the city’s provider when it is configured)',
  })
  @ApiOkResponse({ type: SignInMethodsResponse })
  methods(): SignInMethodsResponse {
    return { password: true, oidc: this.oidc.enabled };
  }

  @Get('oidc')
  @Access.public()
  @Redirect()
  @ApiExcludeEndpoint()
  async begin(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<RedirectAnswer> {
    const { url, flow } = await this.oidc.begin();
    reply.setCookie(FLOW_COOKIE, Buffer.from(JSON.stringify(flow), 'utf8').toString('base64url'), {
      ...this.flowCookie(req),
      maxAge: FLOW_SECONDS,
    });
    reply.header('cache-control', 'no-store');
    return { url, statusCode: 303 };
  }

  @Get('oidc/callback')
  @Access.public()
  @Redirect()
  @ApiExcludeEndpoint()
  async callback(
    @Origin() origin: RequestOrigin,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RedirectAnswer> {
    const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
    const flow = readFlow(req.cookies[FLOW_COOKIE]);
    // One attempt, one callback: the flow goes whatever the outcome.
    reply.clearCookie(FLOW_COOKIE, this.flowCookie(req));
    reply.header('cache-control', 'no-store');
    try {
      setRefreshCookie(this.config, req, reply, await this.oidc.complete(query, flow, origin));
      return { url: '/', statusCode: 303 };
    } catch (error) {
      // Back to the sign-in page, which says what happened in Japanese.
      if (error instanceof SignInFailedError) return { url: '/?signin=oidc_refused', statusCode: 303 };
      if (error instanceof DomainError && error.code === 'SERVICE_UNAVAILABLE')
        return { url: '/?signin=oidc_unavailable', statusCode: 303 };
      throw error;
    }
  }

  private flowCookie(req: FastifyRequest) {
    const secure = this.config.PUBLIC_BASE_URL.startsWith('https:') || req.protocol === 'https';
    return { httpOnly: true, sameSite: 'lax' as const, secure, path: FLOW_COOKIE_PATH };
  }
}
