import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DomainError } from '#libs/platform';

/**
 * JSON bodies are checked for nesting depth before they are parsed, so that a small body
 * of a few thousand `[` never reaches a recursive step (JSON.parse, class-transformer,
 * class-validator) and overflows its stack: it is a 400 BODY_TOO_DEEP naming the limit.
 * The size limit is Fastify's own `bodyLimit` (413), applied while the body streams in.
 */
export function installJsonBodyLimits(
  app: NestFastifyApplication,
  limits: { maxDepth: number; maxBytes: number },
): void {
  const { maxDepth, maxBytes } = limits;
  // Fastify's own parser keeps its protection against __proto__ and constructor poisoning.
  const parseJson = app.getHttpAdapter().getInstance().getDefaultJsonParser('error', 'error');
  app.useBodyParser('application/json', { bodyLimit: maxBytes }, (request, body, done) => {
    if (jsonDepthExceeds(body, maxDepth)) {
      done(
        new DomainError('BODY_TOO_DEEP', `The JSON body nests objects and arrays deeper than ${maxDepth} levels`, [], {
          maxDepth,
        }),
        undefined,
      );
      return;
    }
    // The default parser is the callback form: it answers through `done` and returns nothing (its
    // type is the union of the callback and the promise forms).
    void parseJson(request as Parameters<typeof parseJson>[0], body.toString('utf8'), done);
  });
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether `text` opens more than `maxDepth` objects or arrays inside one another. A single
 * pass over the bytes that ignores brackets inside strings; malformed JSON is left
 * to the parser, which reports it as such.
 */
export function jsonDepthExceeds(bytes: Uint8Array, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  // UTF-8: every byte of a multi-byte character is >= 0x80, so never one of these.
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}
