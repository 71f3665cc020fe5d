import { Body, Controller, Get, Module, Param, Post } from '@nestjs/common';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, MaxLength, Min, ValidateNested } from 'class-validator';
import { DataSource } from 'typeorm';
import { Access } from '../../apps/api/src/access/access.decorator.js';

/**
 * A test-only endpoint behind the real global pipeline (filter, pipe, body parser), so that
 * input handling can be shown to stop bad requests before any handler or write.
 */
export const thingsCalls = { count: 0 };

class ThingItemDto {
  @IsString()
  @MaxLength(50)
  name!: string;
}

export class CreateThingDto {
  @IsString()
  @MaxLength(100)
  title!: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  holdMs?: number;

  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => ThingItemDto)
  items!: ThingItemDto[];
}

@Controller('test-things')
class ThingsController {
  constructor(private readonly dataSource: DataSource) {}

  @Post()
  @Access.public()
  async create(@Body() dto: CreateThingDto) {
    thingsCalls.count++;
    const [row] = await this.dataSource.query(`INSERT INTO system_probe (hold_ms) VALUES ($1) RETURNING id`, [
      dto.holdMs ?? 0,
    ]);
    return { id: row.id, title: dto.title, items: dto.items.length };
  }

  /** Holds a pooled connection for `ms` milliseconds: a slow request, for overload. */
  @Get('slow/:ms')
  @Access.public()
  async slow(@Param('ms') ms: string) {
    await this.dataSource.query('SELECT pg_sleep($1::int / 1000.0)', [Math.min(Number(ms) || 0, 5000)]);
    return { slept: Number(ms) };
  }

  /** A route with a path parameter, for the limits on path segments. */
  @Get(':code')
  @Access.public()
  show(@Param('code') code: string) {
    return { code };
  }
}

@Module({ controllers: [ThingsController] })
export class ThingsModule {}
