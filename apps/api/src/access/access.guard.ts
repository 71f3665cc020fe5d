import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Authenticator, NotAllowedError, NotSignedInError } from '#libs/identity';
import { AppConfig, checkMetricsAccess, DomainError } from '#libs/platform';
import { ACCESS_POLICY, type AccessPolicy } from './access.decorator.js';
import type { AuthenticatedRequest } from './current-principal.decorator.js';

/**
 * Global guard: reads the route's one @Access policy, authenticates the caller (access
 * token or API token, user re-read from the database), and checks roles. Object-level
 * rules are enforced by the services' scoped queries. A route without a policy is refused.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger(AccessGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const policy = this.reflector.getAllAndOverride<AccessPolicy | undefined>(ACCESS_POLICY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!policy) {
      this.logger.error(
        { handler: `${context.getClass().name}.${context.getHandler().name}` },
        'route has no access policy; refused',
      );
      throw new DomainError('FORBIDDEN', 'This route declares no access policy');
    }
    if (policy.kind === 'public') return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (policy.kind === 'operators') {
      // request.ip honours TRUST_PROXY (X-Forwarded-For), so a proxied caller is not loopback.
      const refused = checkMetricsAccess(this.config.METRICS_TOKEN, request.ip, request.headers.authorization);
      if (refused) throw refused;
      return true;
    }
    const principal = await this.authenticator.authenticate(request.headers.authorization);
    if (!principal) throw new NotSignedInError();
    request.principal = principal;
    if (
      policy.kind === 'roles' &&
      !(policy.deputies ? principal.mayActAs(...policy.roles) : principal.hasRole(...policy.roles))
    )
      throw new NotAllowedError();
    return true;
  }
}
