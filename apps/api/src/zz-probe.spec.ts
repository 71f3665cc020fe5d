import { it, expect } from '@jest/globals';
it('loads', async () => {
  const b = await import('@bull-board/fastify');
  expect(b.FastifyAdapter).toBeTruthy();
  new b.FastifyAdapter();
});
