import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from '@jest/globals';
import { requestIdFor } from './request-id.js';

const req = (id?: string | string[]) =>
  ({ headers: id === undefined ? {} : { 'x-request-id': id } }) as unknown as IncomingMessage;

describe('requestIdFor', () => {
  it('keeps a sane caller id and writes it back on the request', () => {
    const r = req('abc.DEF-123:4');
    expect(requestIdFor(r)).toBe('abc.DEF-123:4');
    expect(r.headers['x-request-id']).toBe('abc.DEF-123:4');
  });
  it('replaces a missing, unsafe or oversized id with a UUID', () => {
    for (const id of [undefined, 'has space', '<script>', 'x'.repeat(129)]) {
      expect(requestIdFor(req(id))).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
  });
});
