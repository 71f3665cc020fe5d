import { ValidationPipe, type ArgumentMetadata, type Type, type ValidationError } from '@nestjs/common';
import { plainToInstance, type ClassTransformOptions } from 'class-transformer';
import { getMetadataStorage, ValidationTypes, type ValidationArguments } from 'class-validator';
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

/** One constraint of a property, as class-validator would run it: the registered validator and its arguments. */
export interface PlannedCheck {
  validate(value: unknown, args: ValidationArguments): unknown;
  constraints: unknown[];
}

/** What class-validator checks of one property of a DTO without groups, nesting or promises. */
export interface PlannedProperty {
  name: string;
  /** `@IsOptional` and the like: when one says no, the property's other checks are skipped. */
  conditions: Array<(object: object, value: unknown) => boolean>;
  /** `@IsDefined`: checked even where a condition skips the others. */
  defined: PlannedCheck[];
  checks: PlannedCheck[];
}

/**
 * A DTO's validation rules read once from class-validator's metadata, to decide quickly
 * that an object passes. Only a "yes" is answered from it: anything it cannot tell, and
 * every failure, goes through class-validator itself, so refusals (their codes, fields and
 * messages) are class-validator's own.
 */
export interface ValidationPlan {
  properties: PlannedProperty[];
  allowed: Set<string>;
}

const TRANSFORM_OPTIONS: ClassTransformOptions = { enableImplicitConversion: false };

/**
 * The plan of a class, or null when its rules use what the quick check does not model
 * (nested DTOs, promises, `each`, `validateIf`, async validators, groups): those always take
 * class-validator's full path.
 */
export function validationPlanOf(metatype: Type): ValidationPlan | null {
  const storage = getMetadataStorage();
  // The same selection class-validator's executor makes without groups or `always`.
  const metadatas = storage.getTargetValidationMetadatas(metatype, '', false, false, undefined);
  // None at all is forbidUnknownValues' refusal: class-validator answers it.
  if (metadatas.length === 0) return null;
  const properties: PlannedProperty[] = [];
  for (const [name, list] of Object.entries(storage.groupByPropertyName(metadatas))) {
    const property: PlannedProperty = { name, conditions: [], defined: [], checks: [] };
    for (const metadata of list) {
      if (metadata.each || metadata.validateIf || (metadata.groups && metadata.groups.length > 0)) return null;
      switch (metadata.type) {
        case ValidationTypes.WHITELIST:
          break;
        case ValidationTypes.CONDITIONAL_VALIDATION:
          property.conditions.push(metadata.constraints[0] as (object: object, value: unknown) => boolean);
          break;
        case ValidationTypes.IS_DEFINED:
        case ValidationTypes.CUSTOM_VALIDATION: {
          const target = metadata.type === ValidationTypes.IS_DEFINED ? property.defined : property.checks;
          for (const constraint of storage.getTargetValidatorConstraints(metadata.constraintCls)) {
            if (constraint.async) return null;
            const instance = constraint.instance as PlannedCheck;
            target.push({
              validate: (value, args) => instance.validate(value, args),
              constraints: metadata.constraints,
            });
          }
          break;
        }
        default:
          return null;
      }
    }
    properties.push(property);
  }
  return { properties, allowed: new Set(properties.map((p) => p.name)) };
}

function isPrimitive(value: unknown): boolean {
  return value === null || (typeof value !== 'object' && typeof value !== 'function');
}

/** A plain object (a parsed JSON body or query) whose values are all primitives, without prototype keys. */
function isFlatPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key in value) {
    // Nest's pipe deletes these keys from the input itself: left to it, so the input ends up the same.
    if (key === '__proto__' || key === 'constructor') return false;
    if (!isPrimitive((value as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/** Whether class-validator, run with the pipe's options, would find nothing wrong with `entity`. */
function passes(plan: ValidationPlan, entity: Record<string, unknown>): boolean {
  // whitelist + forbidNonWhitelisted: a property without rules is refused.
  for (const key of Object.keys(entity)) {
    if (!plan.allowed.has(key) || !isPrimitive(entity[key])) return false;
  }
  for (const property of plan.properties) {
    const value = entity[property.name];
    const args = (constraints: unknown[]): ValidationArguments => ({
      targetName: entity.constructor.name,
      property: property.name,
      object: entity,
      value,
      constraints,
    });
    // In class-validator's order: a condition that says no skips the property, `@IsDefined` included.
    if (!property.conditions.every((condition) => condition(entity, value))) continue;
    for (const check of property.defined) if (check.validate(value, args(check.constraints)) !== true) return false;
    for (const check of property.checks) if (check.validate(value, args(check.constraints)) !== true) return false;
  }
  return true;
}

/**
 * Nest's ValidationPipe with a quick "yes": a flat body or query of a DTO whose rules are
 * plain checks is turned into its class by class-transformer as before, and checked with
 * the DTO's own registered validators, without class-validator's per-call metadata lookup,
 * error tree and promise. On anything else, and on every failure, the full pipe runs on
 * the untouched input, so its answers — the refusals above all — are exactly the pipe's.
 */
export class PlannedValidationPipe extends ValidationPipe {
  private readonly plans = new Map<Type, ValidationPlan | null>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const metatype = metadata.metatype;
    if (metatype && this.toValidate(metadata) && isFlatPlainObject(value)) {
      let plan = this.plans.get(metatype);
      if (plan === undefined) {
        plan = validationPlanOf(metatype);
        this.plans.set(metatype, plan);
      }
      if (plan) {
        const entity = plainToInstance(metatype, value, TRANSFORM_OPTIONS) as unknown;
        if (
          typeof entity === 'object' &&
          entity !== null &&
          entity.constructor === metatype &&
          passes(plan, entity as Record<string, unknown>)
        )
          return entity;
      }
    }
    return super.transform(value, metadata);
  }
}

/** Query strings remembered per DTO class; past it that class's memo starts afresh. */
const QUERIES_PER_CLASS = 1000;

/**
 * The planned pipe, remembering the query strings it validated: a query's DTO depends on the
 * query's text and the class's decorators only (no validator here reads anything else), and a
 * dashboard or a poll asks the same few again and again, so each is converted and validated
 * once (class-transformer is a large part of a cheap read's CPU even after the quick "yes").
 * Bodies and route parameters go through as always, and so does every query that failed (it
 * is validated again, and refused again, each time).
 */
export class QueryRememberingValidationPipe extends PlannedValidationPipe {
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
    transformOptions: TRANSFORM_OPTIONS,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationFailedError(toFieldErrors(errors)),
  });
}
