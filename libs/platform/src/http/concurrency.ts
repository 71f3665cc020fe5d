import { DomainError } from '../errors/domain-error.js';

/**
 * Optimistic concurrency over HTTP: a single resource goes out with `ETag: "<version>"`,
 * and a change must come back with `If-Match` naming the version it was based on.
 * The update itself is `WHERE id = $1 AND version = $2` with the row count checked
 * (TypeORM's @VersionColumn does not guard updates, typeorm#2848).
 */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/** The version an If-Match header names: 428 without one, 412 for one we cannot read. */
export function versionFromIfMatch(header: string | string[] | undefined): number {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') {
    throw new DomainError('PRECONDITION_REQUIRED', 'Send If-Match with the ETag of the version you are changing');
  }
  const match = /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(value);
  if (!match) throw new DomainError('VERSION_CONFLICT', 'If-Match does not name a version of this resource');
  return Number.parseInt(match[1], 10);
}

export class VersionConflictError extends DomainError {
  constructor(currentVersion?: number) {
    super(
      'VERSION_CONFLICT',
      'The resource has changed since you read it; read it again and reapply your change',
      [],
      currentVersion === undefined ? {} : { currentVersion },
    );
  }
}
