import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Principal, RequestOrigin } from '#libs/identity';

export interface AuthenticatedRequest extends FastifyRequest {
  principal?: Principal;
}

/** The signed-in caller (set by AccessGuard). */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without a signed-in policy');
  return principal;
});

/** Where the request came from, for the security log. */
export const Origin = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestOrigin => {
  const req = ctx.switchToHttp().getRequest<FastifyRequest>();
  const agent = req.headers['user-agent'];
  return { address: req.ip, userAgent: typeof agent === 'string' ? agent : null, requestId: String(req.id) };
});
