import { Controller, Get, type Type } from '@nestjs/common';
import { describe, expect, it } from '@jest/globals';
import { API_CONTROLLERS } from '../api.module.js';
import { declaredRoutes } from './route-policies.js';

describe('access policies', () => {
  it('are declared on every route of the API (deny by default)', () => {
    const routes = declaredRoutes(API_CONTROLLERS as Type[]);
    expect(routes.length).toBeGreaterThan(10);
    const missing = routes.filter((r) => !r.policy).map((r) => `${r.method} ${r.path} (${r.handler})`);
    expect(missing).toEqual([]);
  });

  it('the check notices a route without one', () => {
    @Controller('x')
    class Careless {
      @Get()
      open() {}
    }
    expect(declaredRoutes([Careless]).filter((r) => !r.policy)).toHaveLength(1);
  });

  it('keep write routes away from anonymous callers', () => {
    const publicWrites = declaredRoutes(API_CONTROLLERS as Type[]).filter(
      (r) => r.policy?.kind === 'public' && r.method !== 'GET',
    );
    // Signing in, and the browser session's routes: their credential is the refresh cookie, not a bearer token.
    expect(publicWrites.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      'DELETE /auth/session',
      'POST /auth/session',
      'POST /auth/session/refresh',
      'POST /auth/token',
    ]);
  });
});
