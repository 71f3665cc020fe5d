import { ValidationPipe, type ArgumentMetadata, type Type } from '@nestjs/common';
import { describe, expect, it } from '@jest/globals';
import { Transform, Type as NestedType } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { DomainError } from './domain-error.js';
import { createValidationPipe, toFieldErrors, validationPlanOf } from './validation.js';

class Transition {
  @Matches(/^[a-z][a-z0-9_]{0,63}$/)
  action!: string;

  @IsOptional()
  @IsString()
  @MaxLength(10)
  comment?: string;

  @IsOptional()
  @IsUUID()
  targetId?: string;
}

class Listing {
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? Number(value) : value))
  @IsInt()
  @Min(1)
  page?: number;

  @IsOptional()
  @IsIn(['a', 'b'])
  kind?: string;
}

class Required {
  @IsDefined()
  @IsString()
  name!: string;
}

class Child {
  @IsString()
  label!: string;
}

class Parent {
  @ValidateNested()
  @NestedType(() => Child)
  child!: Child;
}

class Conditional {
  @ValidateIf((o: { kind?: string }) => o.kind === 'x')
  @IsString()
  detail?: string;

  @IsOptional()
  @IsString()
  kind?: string;
}

class NoRules {
  name?: string;
}

/** Nest's own pipe with the same options: the reference every answer is compared with. */
const reference = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  transform: true,
  transformOptions: { enableImplicitConversion: false },
  validationError: { target: false, value: false },
  exceptionFactory: (errors) => new DomainError('VALIDATION_FAILED', 'invalid', toFieldErrors(errors)),
});
const pipe = createValidationPipe();

type Outcome = { ok: true; value: unknown; type: unknown } | { ok: false; code: string; errors: unknown };

async function outcome(run: Promise<unknown>): Promise<Outcome> {
  try {
    const value = await run;
    return { ok: true, value, type: (value as object | null)?.constructor };
  } catch (error) {
    const e = error as DomainError;
    return { ok: false, code: e.code, errors: e.errors };
  }
}

const body = (metatype: Type): ArgumentMetadata => ({ type: 'body', metatype, data: undefined });

const cases: Array<[string, Type, unknown]> = [
  ['a valid action', Transition, { action: 'approve' }],
  [
    'every field valid',
    Transition,
    { action: 'return', comment: 'why', targetId: '0b9c2f4e-2c57-4f7e-9a43-54a3c7e4d2a1' },
  ],
  ['null optional fields', Transition, { action: 'approve', comment: null, targetId: null }],
  ['a bad action', Transition, { action: 'Approve!' }],
  ['no action', Transition, {}],
  ['an action of another type', Transition, { action: 7 }],
  ['an object for the action', Transition, { action: { $ne: 1 } }],
  ['an array for the action', Transition, { action: ['approve'] }],
  ['a comment too long', Transition, { action: 'approve', comment: 'x'.repeat(11) }],
  ['a bad uuid', Transition, { action: 'approve', targetId: 'nope' }],
  ['an unknown field', Transition, { action: 'approve', roles: 'admin' }],
  ['a constructor key', Transition, { action: 'approve', constructor: 'x' }],
  ['a __proto__ key', Transition, JSON.parse('{"action":"approve","__proto__":"x"}') as unknown],
  ['an array body', Transition, [{ action: 'approve' }]],
  ['a string body', Transition, 'approve'],
  ['a null body', Transition, null],
  ['no body', Transition, undefined],
  ['a transformed query', Listing, Object.assign(Object.create(null) as object, { page: '2', kind: 'a' })],
  ['a transformed query out of range', Listing, { page: '0' }],
  ['a query with a repeated key', Listing, { kind: ['a', 'b'] }],
  ['a value not in the list', Listing, { kind: 'c' }],
  ['a defined field', Required, { name: 'x' }],
  ['a missing defined field', Required, {}],
  ['a nested object', Parent, { child: { label: 'x' } }],
  ['a bad nested object', Parent, { child: { label: 1 } }],
  ['validateIf applying', Conditional, { kind: 'x', detail: 3 }],
  ['validateIf not applying', Conditional, { kind: 'y', detail: 3 }],
  ['a class without rules', NoRules, { name: 'x' }],
];

describe('the global validation pipe', () => {
  it.each(cases)('answers %s exactly as Nest’s ValidationPipe does', async (_name, metatype, input) => {
    // A fresh copy for each pipe (the full one may change its input), made in this realm as a parsed body is.
    const copy = (): unknown => {
      if (input === undefined || input === null) return input;
      const parsed = JSON.parse(JSON.stringify(input)) as unknown;
      return Object.getPrototypeOf(input) === null ? Object.assign(Object.create(null) as object, parsed) : parsed;
    };
    const [referenceInput, pipeInput] = [copy(), copy()];
    const expected = await outcome(reference.transform(referenceInput, body(metatype)));
    const actual = await outcome(pipe.transform(pipeInput, body(metatype)));
    expect(actual).toEqual(expected);
    // Nest's pipe changes some inputs in place (prototype keys, array gaps): the same, then.
    expect(pipeInput).toEqual(referenceInput);
  });

  it('leaves a body it refuses untouched for the full pipe', async () => {
    const input = { action: 'approve', extra: 1 };
    await expect(pipe.transform(input, body(Transition))).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'extra', message: 'property extra should not exist' }],
    });
    expect(input).toEqual({ action: 'approve', extra: 1 });
  });

  it('plans plain checks and conditions, and leaves nesting and classes without rules to class-validator', () => {
    expect(validationPlanOf(Transition)?.properties.map((p) => p.name)).toEqual(['action', 'comment', 'targetId']);
    expect(validationPlanOf(Listing)).not.toBeNull();
    expect(validationPlanOf(Parent)).toBeNull();
    expect(validationPlanOf(Conditional)?.properties.map((p) => p.conditions.length)).toEqual([1, 1]);
    expect(validationPlanOf(NoRules)).toBeNull();
  });

  it('passes primitives, headers and parameters through as Nest does', async () => {
    const meta: ArgumentMetadata = { type: 'param', metatype: String, data: 'id' };
    expect(await pipe.transform('abc', meta)).toBe(await reference.transform('abc', meta));
  });
});
