import type {} from '@fastify/cookie';
import { Body, Controller, Delete, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  AccessTokenResponse,
  BrowserSessionsService,
  SessionEndedError,
  SignInDto,
  type BrowserSession,
  type RequestOrigin,
} from '#libs/identity';
import { AppConfig } from '#libs/platform';
import { Access } from '../access/access.decorator.js';
import { Origin } from '../access/current-principal.decorator.js';

export const REFRESH_COOKIE = 'kaikaku_refresh';
/** The cookie goes only to the session routes: no other request carries it. */
export const REFRESH_COOKIE_PATH = '/api/v1/auth/session';

function refreshCookieOptions(config: AppConfig, req: FastifyRequest) {
  const secure = config.PUBLIC_BASE_URL.startsWith('https:') || req.protocol === 'https';
  return { httpOnly: true, sameSite: 'strict' as const, secure, path: REFRESH_COOKIE_PATH };
}

/** Gives the browser its session's refresh cookie (also after a sign-in through the OpenID provider). */
export function setRefreshCookie(
  config: AppConfig,
  req: FastifyRequest,
  reply: FastifyReply,
  session: BrowserSession,
): void {
  const maxAge = Math.max(0, Math.floor((session.expiresAt.getTime() - Date.now()) / 1000));
  reply.setCookie(REFRESH_COOKIE, session.refreshToken, {
    ...refreshCookieOptions(config, req),
    maxAge,
    expires: session.expiresAt,
  });
  // Tokens are never cached by the browser or a proxy.
  reply.header('cache-control', 'no-store');
}

/**
 * Sessions for the web application. The access token is answered in the JSON body (the page
 * keeps it in memory only); the refresh token lives in an httpOnly cookie that scripts cannot
 * read, scoped to these routes.
 *
 * CSRF: the cookie is SameSite=Strict, so a browser never sends it with a request started
 * from another site; and the refresh route answers its token only in the JSON body, which a
 * page of another origin cannot read (no CORS here). A forged cross-site refresh therefore
 * neither carries the cookie nor learns anything; no CSRF token is needed.
 */
@ApiTags('auth')
@Controller('auth/session')
export class SessionController {
  constructor(
    private readonly sessions: BrowserSessionsService,
    private readonly config: AppConfig,
  ) {}

  @Post()
  @HttpCode(200)
  @Access.public()
  @ApiOperation({
    summary: 'Sign in from a browser: answers an access token and sets the refresh cookie',
    description: `Same limits and security log as POST /auth/token. Sets \`${REFRESH_COOKIE}\` (HttpOnly, SameSite=Strict, Path=${REFRESH_COOKIE_PATH}).`,
  })
  @ApiOkResponse({
    type: AccessTokenResponse,
    headers: {
      'Set-Cookie': {
        description: `${REFRESH_COOKIE}=…; HttpOnly; SameSite=Strict; Path=${REFRESH_COOKIE_PATH}`,
        schema: { type: 'string' },
      },
    },
  })
  @ApiUnauthorizedResponse({ description: 'wrong username or password, or a disabled account (UNAUTHENTICATED)' })
  @ApiTooManyRequestsResponse({
    description: 'too many attempts for this username or address (RATE_LIMITED, Retry-After)',
  })
  async start(
    @Body() dto: SignInDto,
    @Origin() origin: RequestOrigin,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AccessTokenResponse> {
    return this.answer(req, reply, await this.sessions.start(dto.username, dto.password, origin));
  }

  @Post('refresh')
  @HttpCode(200)
  @Access.public()
  @ApiOperation({
    summary: 'A new access token for the browser session (no body: the refresh cookie); the cookie is rotated',
    description: `Reads the \`${REFRESH_COOKIE}\` cookie that the browser sends by itself. Presenting a refresh token that was already rotated revokes the whole session (every token of that sign-in) and is logged as session.reuse_detected.`,
  })
  @ApiOkResponse({
    type: AccessTokenResponse,
    headers: { 'Set-Cookie': { description: `a new ${REFRESH_COOKIE}`, schema: { type: 'string' } } },
  })
  @ApiUnauthorizedResponse({
    description:
      'no cookie, or the session expired, was signed out, revoked, reused or its user disabled (UNAUTHENTICATED)',
  })
  async refresh(
    @Origin() origin: RequestOrigin,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AccessTokenResponse> {
    try {
      return this.answer(req, reply, await this.sessions.refresh(req.cookies[REFRESH_COOKIE], origin));
    } catch (error) {
      // An ended session's cookie goes; a passing outage (503) keeps it for the next try.
      if (error instanceof SessionEndedError) this.clearCookie(req, reply);
      throw error;
    }
  }

  @Delete()
  @HttpCode(204)
  @Access.public()
  @ApiOperation({
    summary: 'Sign out of the browser session: revokes it and clears the refresh cookie',
    description: `Reads the \`${REFRESH_COOKIE}\` cookie.`,
  })
  @ApiNoContentResponse({ description: 'signed out (also when there was no session)' })
  async end(
    @Origin() origin: RequestOrigin,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.sessions.end(req.cookies[REFRESH_COOKIE], origin);
    this.clearCookie(req, reply);
  }

  private answer(req: FastifyRequest, reply: FastifyReply, session: BrowserSession): AccessTokenResponse {
    setRefreshCookie(this.config, req, reply, session);
    return { access_token: session.access.token, token_type: 'Bearer', expires_in: session.access.expiresIn };
  }

  private clearCookie(req: FastifyRequest, reply: FastifyReply): void {
    reply.clearCookie(REFRESH_COOKIE, refreshCookieOptions(this.config, req));
    reply.header('cache-control', 'no-store');
  }
}
