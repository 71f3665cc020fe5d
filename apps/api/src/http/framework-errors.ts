import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, problemFor, sendProblem, DomainError, type ErrorCode } from '#libs/platform';

/**
 * Fastify options that route its own refusals, raised before Nest sees a request, through
 * the one problem+json mapping: a path segment over `maxParamLength` (414), a URL that
 * does not decode (400), and HTTP the parser cannot read (431 for oversized headers, 400
 * otherwise). Without them Fastify answers these with its own plain JSON.
 */
/** Longest path parameter (ids, codes, file names); longer is a 414, not a lookup. */
export const MAX_PATH_SEGMENT_LENGTH = 200;

export function frameworkErrorOptions() {
  return {
    maxParamLength: MAX_PATH_SEGMENT_LENGTH,
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => sendProblem(request, reply, error),
    clientErrorHandler: answerClientError,
  };
}

/** What Node's HTTP parser failed on, as our code and a sentence. */
function clientProblem(error: NodeJS.ErrnoException): DomainError {
  const [code, detail]: [ErrorCode, string] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? ['HEADERS_TOO_LARGE', 'The request line and headers exceed the server limit']
      : ['MALFORMED_REQUEST', 'The request is not well-formed HTTP/1.1'];
  return new DomainError(code, detail);
}

function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  // Nothing can be answered on a socket the client has already dropped, or a request timeout.
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const { status, body } = problemFor(clientProblem(error), undefined);
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${body.title}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}
