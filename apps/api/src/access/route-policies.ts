import { RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ACCESS_POLICY, type AccessPolicy } from './access.decorator.js';

export interface DeclaredRoute {
  method: string;
  /** Path as declared, with `:params`, without the global prefix. */
  path: string;
  handler: string;
  policy: AccessPolicy | undefined;
}

const join = (...parts: string[]) =>
  `/${parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/')}`;

/** Every route of these controllers with the policy it declares: for the policy check and the access matrix. */
export function declaredRoutes(controllers: Type[]): DeclaredRoute[] {
  const routes: DeclaredRoute[] = [];
  for (const type of controllers) {
    const base = String(Reflect.getMetadata(PATH_METADATA, type) ?? '');
    const prototype = type.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      if (name === 'constructor') continue;
      const fn = prototype[name];
      if (typeof fn !== 'function') continue;
      const path = Reflect.getMetadata(PATH_METADATA, fn) as string | undefined;
      if (path === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, fn) as RequestMethod];
      const policy = (Reflect.getMetadata(ACCESS_POLICY, fn) ?? Reflect.getMetadata(ACCESS_POLICY, type)) as
        AccessPolicy | undefined;
      routes.push({ method, path: join(base, path), handler: `${type.name}.${name}`, policy });
    }
  }
  return routes;
}
