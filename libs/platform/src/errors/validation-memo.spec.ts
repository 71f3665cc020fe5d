import { describe, expect, it, jest } from '@jest/globals';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ValidationFailedError } from './domain-error.js';
import { createValidationPipe, PlannedValidationPipe } from './validation.js';

class YearQuery {
  @Type(() => Number) @IsInt() @Min(1989) @Max(2200) fiscalYear!: number;
  @IsOptional() @IsIn(['policy', 'orgUnit']) by?: string;
}

// The memo sits in front of the planned pipe: a call that reaches PlannedValidationPipe is a conversion.
describe('the global validation pipe: remembered queries', () => {
  const pipe = createValidationPipe();
  const asQuery = { type: 'query', metatype: YearQuery, data: undefined } as const;

  it('converts a query once, then hands out copies of what it remembered', async () => {
    const validated = jest.spyOn(PlannedValidationPipe.prototype, 'transform');
    try {
      const first = (await pipe.transform({ fiscalYear: '2022', by: 'policy' }, asQuery)) as YearQuery;
      expect(first).toBeInstanceOf(YearQuery);
      expect(first).toEqual({ fiscalYear: 2022, by: 'policy' });
      first.fiscalYear = 1999;
      const again = (await pipe.transform({ fiscalYear: '2022', by: 'policy' }, asQuery)) as YearQuery;
      expect(again).toBeInstanceOf(YearQuery);
      expect(again).toEqual({ fiscalYear: 2022, by: 'policy' });
      expect(validated).toHaveBeenCalledTimes(1);
      // Another query is another conversion.
      expect(await pipe.transform({ fiscalYear: '2023' }, asQuery)).toEqual({ fiscalYear: 2023 });
      expect(validated).toHaveBeenCalledTimes(2);
    } finally {
      validated.mockRestore();
    }
  });

  it('refuses a bad query every time, naming the field, and remembers nothing of it', async () => {
    for (let i = 0; i < 2; i++) {
      const refused: unknown = await pipe.transform({ fiscalYear: '令和4年' }, asQuery).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ValidationFailedError);
      expect(new Set((refused as ValidationFailedError).errors.map((e) => e.field))).toEqual(new Set(['fiscalYear']));
    }
    const unknown: unknown = await pipe
      .transform({ fiscalYear: '2022', roles: 'admin' }, asQuery)
      .catch((e: unknown) => e);
    expect((unknown as ValidationFailedError).errors.map((e) => e.field)).toEqual(['roles']);
  });

  it('validates bodies as always, without remembering them', async () => {
    const validated = jest.spyOn(PlannedValidationPipe.prototype, 'transform');
    try {
      const asBody = { type: 'body', metatype: YearQuery, data: undefined } as const;
      await pipe.transform({ fiscalYear: 2022 }, asBody);
      await pipe.transform({ fiscalYear: 2022 }, asBody);
      expect(validated).toHaveBeenCalledTimes(2);
    } finally {
      validated.mockRestore();
    }
  });
});
