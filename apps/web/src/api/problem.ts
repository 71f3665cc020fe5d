/**
 * What went wrong, as the server said it (RFC 9457 problem+json with a stable `code`).
 * Pages decide what to show from `code` and `status`, never from the English `detail`.
 */
export interface FieldProblem {
  field: string;
  message: string;
}

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors: FieldProblem[],
    /** Seconds to wait (429: the Retry-After header or `retryAfterSeconds`). */
    readonly retryAfter: number | null,
  ) {
    super(`${status} ${code}: ${detail}`);
    this.name = 'ApiProblem';
  }

  /** The server's message for one field (`schedule[0].step` also matches `schedule`). */
  fieldError(field: string): string | undefined {
    const hit = this.errors.find((e) => e.field === field || e.field.startsWith(`${field}.`) || e.field.startsWith(`${field}[`));
    return hit?.message;
  }

  get isConflict(): boolean {
    return this.status === 409 && this.code !== 'TRANSITION_NOT_ALLOWED' && this.code !== 'DECIDED_IMMUTABLE' ? true : this.status === 412;
  }

  static async from(response: Response, body: unknown): Promise<ApiProblem> {
    const doc = (typeof body === 'object' && body ? body : {}) as Record<string, unknown>;
    const header = Number(response.headers.get('retry-after'));
    const ext = Number(doc['retryAfterSeconds']);
    const retryAfter = Number.isFinite(header) && header > 0 ? header : Number.isFinite(ext) && ext > 0 ? ext : null;
    const errors = Array.isArray(doc['errors']) ? (doc['errors'] as FieldProblem[]) : [];
    return new ApiProblem(response.status, String(doc['code'] ?? `HTTP_${response.status}`), String(doc['detail'] ?? response.statusText), errors, retryAfter);
  }
}

/** A field's error from the last failed write, for the `<Field error>` next to it. */
export function fieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiProblem ? error.fieldError(field) : undefined;
}
