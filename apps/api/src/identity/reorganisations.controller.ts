import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CreateReorganisationDto,
  ReorganisationResponse,
  ReorganisationsService,
  type Principal,
  type RequestOrigin,
} from '#libs/identity';
import { Access } from '../access/access.decorator.js';
import { CurrentPrincipal, Origin } from '../access/current-principal.decorator.js';

/** 機構改革: renames, merges and splits of units, entered ahead of their day. Administrators only. */
@ApiTags('reorganisations')
@Controller('reorganisations')
export class ReorganisationsController {
  constructor(private readonly reorganisations: ReorganisationsService) {}

  @Get()
  @Access.roles(['admin'])
  @ApiOperation({ summary: 'Reorganisations entered, scheduled and applied' })
  @ApiOkResponse({ type: [ReorganisationResponse] })
  list() {
    return this.reorganisations.list();
  }

  @Post()
  @Access.roles(['admin'])
  @ApiOperation({ summary: 'Enter a rename, merge or split, in force from 00:00 JST of effectiveOn' })
  @ApiCreatedResponse({ type: ReorganisationResponse })
  create(@Body() dto: CreateReorganisationDto, @CurrentPrincipal() me: Principal, @Origin() origin: RequestOrigin) {
    return this.reorganisations.schedule(dto, me, origin);
  }
}
