/**
 * class-transformer `@Transform` functions shared by the request DTOs: what a field is made
 * into before it is validated. Anything but the expected type passes through unchanged,
 * so the validator names the field instead of a transform throwing.
 */
type TransformInput = { value: unknown };

/** Surrounding white space is not part of a name, code or title. */
export const trimmed = ({ value }: TransformInput) => (typeof value === 'string' ? value.trim() : value);

/** Usernames and unit codes compare without case. */
export const lowerCased = ({ value }: TransformInput) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;

/** A query string says `true` / `false`; other text is left for the validator to refuse. */
export const booleanFromQuery = ({ value }: TransformInput) =>
  value === 'true' ? true : value === 'false' ? false : value;
