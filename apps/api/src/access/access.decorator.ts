import { applyDecorators, SetMetadata } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiSecurity,
  ApiUnauthorizedResponse,
  ApiExtension,
} from '@nestjs/swagger';
import type { Role } from '#libs/identity';
import { ApiProblem } from '../openapi/api-docs.js';

export const ACCESS_POLICY = 'kaikaku:access-policy';

/**
 * How the object named by a route's `:id` relates to the caller, which the service
 * enforces in its query (not found = not visible):
 * - `own`: it belongs to the caller (their API token);
 * - `unit`: it belongs to a unit within the caller's grants of the route's roles;
 * - `proposal`: the proposal visibility rule (libs/review proposal-visibility.ts: owners see
 *   drafts, reviewers once it left its bureau, everyone once reported);
 * - `any`: every caller allowed on the route may reach every object.
 */
export type ObjectRule = 'own' | 'unit' | 'proposal' | 'any';

export type AccessPolicy =
  | { kind: 'public' }
  | { kind: 'operators' }
  | { kind: 'signed-in'; object: ObjectRule }
  | { kind: 'roles'; roles: readonly Role[]; object: ObjectRule; deputies?: boolean };

function describe(policy: AccessPolicy): string {
  switch (policy.kind) {
    case 'public':
      return 'Anyone, without signing in.';
    case 'operators':
      return 'Operators: the bearer METRICS_TOKEN when one is configured, else loopback callers only; not a signed-in user.';
    case 'signed-in':
      return `Anyone signed in${policy.object === 'own' ? ', on their own objects only' : ''}.`;
    case 'roles':
      return `Roles: ${policy.roles.join(', ')}${policy.deputies ? ', held or exercised as a deputy (代決) for someone absent' : ''}${policy.object === 'unit' ? ' (objects of their own units only)' : policy.object === 'proposal' ? ' (proposals they may see)' : ''}.`;
  }
}

function decorate(policy: AccessPolicy): MethodDecorator & ClassDecorator {
  const docs =
    policy.kind === 'public'
      ? [ApiSecurity({})]
      : policy.kind === 'operators'
        ? [
            ApiBearerAuth('metrics'),
            ApiProblem(401, 'a metrics token is configured and the request does not present it (UNAUTHENTICATED)'),
            ApiProblem(403, 'no metrics token is configured and the caller is not on loopback (FORBIDDEN)'),
          ]
        : [
            ApiBearerAuth('bearer'),
            ApiUnauthorizedResponse({ description: 'not signed in, or the token is not valid (UNAUTHENTICATED)' }),
            ...(policy.kind === 'roles'
              ? [ApiForbiddenResponse({ description: 'the caller lacks the role (FORBIDDEN)' })]
              : []),
            ...(policy.object !== 'any'
              ? [ApiNotFoundResponse({ description: 'does not exist or is not visible to the caller (NOT_FOUND)' })]
              : []),
          ];
  return applyDecorators(
    SetMetadata(ACCESS_POLICY, policy),
    ApiExtension('x-access', { ...policy, who: describe(policy) }),
    ...docs,
  );
}

/**
 * THE access declaration of a route; every route has exactly one (a unit test enumerates
 * them, and the guard refuses a route without one). Deny by default.
 */
export const Access = {
  /** No sign-in: health probes, sign-in itself. */
  public: () => decorate({ kind: 'public' }),
  /** Monitoring, not people: the metrics token (METRICS_TOKEN), or loopback when none is set. */
  operators: () => decorate({ kind: 'operators' }),
  /** Any signed-in caller. */
  signedIn: (options: { object?: ObjectRule } = {}) => decorate({ kind: 'signed-in', object: options.object ?? 'any' }),
  /**
   * Callers holding at least one of `roles` on some unit; with `deputies`, also a deputy (代決)
   * exercising one of them for an absent person during the period (workflow steps only).
   */
  roles: (roles: readonly Role[], options: { object?: ObjectRule; deputies?: boolean } = {}) =>
    decorate({
      kind: 'roles',
      roles,
      object: options.object ?? 'any',
      ...(options.deputies ? { deputies: true } : {}),
    }),
};
