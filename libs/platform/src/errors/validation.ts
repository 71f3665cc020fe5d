import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { ValidationFailedError, type FieldError } from './domain-error.js';

/** Flattens class-validator's tree into one entry per failing field, named by its path. */
export function toFieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field =
      parent === ''
        ? error.property
        : /^\d+$/.test(error.property)
          ? `${parent}[${error.property}]`
          : `${parent}.${error.property}`;
    for (const message of Object.values(error.constraints ?? {})) {
      out.push({ field, message });
    }
    if (error.children && error.children.length > 0) out.push(...toFieldErrors(error.children, field));
  }
  return out;
}

/** Query strings remembered per DTO class; past it that class's memo starts afresh. */
const QUERIES_PER_CLASS = 1000;

/**
 * ValidationPipe, remembering the query strings it validated: a query's DTO depends on the
 * query's text and the class's decorators only (no validator here reads anything else), and a
 * dashboard or a poll asks the same few again and again, so each is converted and validated
 * once (class-transformer and class-validator are a large part of a cheap read's CPU). Bodies
 * and route parameters go through as always, and so does every query that failed (it is
 * validated again, and refused again, each time).
 */
class QueryRememberingValidationPipe extends ValidationPipe {
  private readonly queries = new WeakMap<object, Map<string, object>>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const type = metadata.metatype;
    if (metadata.type !== 'query' || !type || typeof value !== 'object' || value === null)
      return super.transform(value, metadata);
    const key = JSON.stringify(value);
    let memo = this.queries.get(type);
    const known = memo?.get(key);
    // A copy each time: a handler that changed its DTO must not change the next request's.
    if (known) return copyOf(known);
    const dto: unknown = await super.transform(value, metadata);
    if (typeof dto !== 'object' || dto === null) return dto;
    if (!memo || memo.size >= QUERIES_PER_CLASS) this.queries.set(type, (memo = new Map<string, object>()));
    memo.set(key, copyOf(dto));
    return dto;
  }
}

function copyOf(dto: object): object {
  return Object.assign(Object.create(Object.getPrototypeOf(dto) as object | null) as object, dto);
}

/**
 * The global pipe: unknown fields are refused (not silently dropped), so a client that
 * sends `roles` where it may not learns so; input is converted to the DTO's types.
 */
export function createValidationPipe(): ValidationPipe {
  return new QueryRememberingValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationFailedError(toFieldErrors(errors)),
  });
}
