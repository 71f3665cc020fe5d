import { DomainError } from '#libs/platform';

/** The bytes are of no allowed type, or the name contradicts them (a renamed executable). */
export class AttachmentTypeNotAllowedError extends DomainError {
  constructor(reason: string) {
    super('ATTACHMENT_TYPE_NOT_ALLOWED', `Not attached: ${reason}`, [{ field: 'file', message: reason }]);
  }
}

export class AttachmentTooLargeError extends DomainError {
  constructor(limit: number) {
    super(
      'PAYLOAD_TOO_LARGE',
      `An attachment may have at most ${limit} bytes (${(limit / 1024 / 1024).toFixed(0)} MB)`,
      [],
      { limitBytes: limit },
    );
  }
}

export class MultipartTruncatedError extends DomainError {
  constructor() {
    super('MULTIPART_TRUNCATED', 'The upload ended before the file was complete; nothing was stored');
  }
}
