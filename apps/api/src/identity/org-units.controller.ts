import { Body, Controller, Get, Headers, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  CreateOrgUnitDto,
  OrgUnitQuery,
  OrgUnitResponse,
  OrgUnitsService,
  UpdateOrgUnitDto,
  type OrgUnitView,
} from '#libs/identity';
import { etagOf, ParseIdPipe, versionFromIfMatch, type Page } from '#libs/platform';
import { Access } from '../access/access.decorator.js';
import { ApiIfMatch, ApiPage } from '../openapi/api-docs.js';

/** The organisation tree: city → bureaus and wards → divisions. */
@ApiTags('org-units')
@Controller('org-units')
export class OrgUnitsController {
  constructor(private readonly orgUnits: OrgUnitsService) {}

  @Get()
  @Access.signedIn()
  @ApiOperation({ summary: 'Organisation units, filtered by kind, parent or active' })
  @ApiPage(OrgUnitResponse)
  list(@Query() query: OrgUnitQuery): Promise<Page<OrgUnitView>> {
    return this.orgUnits.list(query);
  }

  @Get(':id')
  @Access.signedIn()
  @ApiOperation({ summary: 'One organisation unit (with ETag)' })
  @ApiOkResponse({ type: OrgUnitResponse })
  async get(
    @Param('id', ParseIdPipe) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrgUnitView> {
    const unit = await this.orgUnits.get(id);
    reply.header('etag', etagOf(unit.version));
    return unit;
  }

  @Post()
  @Access.roles(['admin'])
  @ApiOperation({ summary: 'Add a bureau, ward or division' })
  @ApiCreatedResponse({ type: OrgUnitResponse })
  async create(@Body() dto: CreateOrgUnitDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<OrgUnitView> {
    const unit = await this.orgUnits.create(dto);
    reply.header('etag', etagOf(unit.version));
    return unit;
  }

  @Patch(':id')
  @Access.roles(['admin'])
  @ApiOperation({ summary: 'Rename, move or deactivate a unit' })
  @ApiIfMatch()
  @ApiOkResponse({ type: OrgUnitResponse })
  async update(
    @Param('id', ParseIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: UpdateOrgUnitDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrgUnitView> {
    const unit = await this.orgUnits.update(id, versionFromIfMatch(ifMatch), dto);
    reply.header('etag', etagOf(unit.version));
    return unit;
  }
}
