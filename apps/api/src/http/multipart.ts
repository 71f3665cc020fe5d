import fastifyMultipart from '@fastify/multipart';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { DomainError, ValidationFailedError, type AppConfig } from '#libs/platform';
import { MultipartTruncatedError, type IncomingFile } from '#libs/papers';

/**
 * multipart/form-data for attachment uploads. The plugin adds a parser for that content type
 * only and leaves the body unread (no attachFieldsToBody), so JSON routes are untouched and
 * the upload route streams the file itself. The size limit is enforced while streaming
 * (AttachmentsService), from the parser's cut-off at ATTACHMENT_MAX_BYTES.
 */
export async function mountMultipart(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  await app.register(fastifyMultipart, {
    throwFileSizeLimit: false,
    limits: {
      fileSize: config.ATTACHMENT_MAX_BYTES,
      files: 1,
      fields: 5,
      fieldSize: 8 * 1024,
      parts: 6,
      headerPairs: 50,
    },
  });
}

interface MultipartFilePart {
  type: 'file';
  fieldname: string;
  filename: string;
  file: AsyncIterable<Uint8Array> & { truncated: boolean };
}
interface MultipartFieldPart {
  type: 'field';
  fieldname: string;
  value: unknown;
}
type MultipartRequest = FastifyRequest & {
  isMultipart(): boolean;
  parts(): AsyncIterableIterator<MultipartFilePart | MultipartFieldPart>;
};

/**
 * Reads an upload: the fields before the file (`reason`), then hands the file's stream to
 * `use` while it arrives, then drains what follows. A body that is not multipart is a 415;
 * one without a `file` part a 400 naming it; one cut off a 400 MULTIPART_TRUNCATED.
 */
export async function withUploadedFile<T>(
  request: FastifyRequest,
  use: (file: IncomingFile, fields: Record<string, string>) => Promise<T>,
): Promise<T> {
  const req = request as MultipartRequest;
  if (typeof req.isMultipart !== 'function' || !req.isMultipart())
    throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as multipart/form-data with a part named "file"');
  const fields: Record<string, string> = {};
  let result: { value: T } | null = null;
  // Stepped by hand, not with for-await: a refusal must not close the iterator, whose
  // remaining parts are still to be read off the connection (see drain).
  const parts = req.parts();
  let current: MultipartFilePart | null = null;
  try {
    for (let next = await parts.next(); !next.done; next = await parts.next()) {
      const part = next.value;
      if (part.type === 'field') {
        fields[part.fieldname] = String(part.value);
        continue;
      }
      current = part;
      if (part.fieldname !== 'file' || result)
        throw new ValidationFailedError([
          { field: part.fieldname, message: 'is not expected: send one part named "file"' },
        ]);
      const file = part.file;
      result = {
        value: await use({ fileName: part.filename ?? '', bytes: file, truncated: () => file.truncated }, fields),
      };
    }
  } catch (error) {
    if (!isParserError(error)) {
      await drain(parts, current);
      throw error;
    }
    throw new MultipartTruncatedError();
  }
  if (!result)
    throw new ValidationFailedError([{ field: 'file', message: 'is missing: send the file as a part named "file"' }]);
  return result.value;
}

/**
 * Reads the rest of a refused upload (a 404 record, a 415 type…) and drops it. Unread, the
 * parser holds the request paused by backpressure: the answer would go out but the
 * connection stays busy until the client gives up, and the server cannot close. The size
 * limit still holds while draining: the parser discards a file's bytes beyond it.
 */
async function drain(
  parts: AsyncIterator<MultipartFilePart | MultipartFieldPart>,
  current: MultipartFilePart | null,
): Promise<void> {
  try {
    if (current) await consume(current.file);
    for (let next = await parts.next(); !next.done; next = await parts.next()) {
      if (next.value.type === 'file') await consume(next.value.file);
    }
  } catch {
    // The body ended badly as well: nothing more to read.
  }
}

async function consume(bytes: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const chunk of bytes) void chunk;
}

/** The parser's (busboy's, the plugin's) errors about the body itself, as opposed to failures of the work. */
function isParserError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (
    /unexpected end of (form|multipart)|terminated early|malformed|premature close/i.test(error.message) ||
    (typeof code === 'string' && code.startsWith('FST_'))
  );
}
