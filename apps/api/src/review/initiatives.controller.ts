import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { PageQuery, ParseIdPipe } from '#libs/platform';
import { InitiativeResponse, InitiativesService } from '#libs/tracking';
import { Access } from '../access/access.decorator.js';
import { ApiPage } from '../openapi/api-docs.js';

class InitiativeQueryDto extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() planId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() policyId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() themeId?: string;
  @ApiPropertyOptional({ description: 'the owning unit (所管)' }) @IsOptional() @IsUUID() orgUnitId?: string;
}

@ApiTags('initiatives')
@Controller('initiatives')
export class InitiativesController {
  constructor(private readonly initiatives: InitiativesService) {}

  @Get()
  @Access.signedIn()
  @ApiOperation({ summary: 'Initiatives (取組): adopted proposals reported to the council, and imported ones' })
  @ApiPage(InitiativeResponse)
  list(@Query() query: InitiativeQueryDto) {
    return this.initiatives.list(query);
  }

  @Get(':id')
  @Access.signedIn()
  @ApiOperation({ summary: 'One initiative' })
  @ApiOkResponse({ type: InitiativeResponse })
  get(@Param('id', ParseIdPipe) id: string) {
    return this.initiatives.get(id);
  }
}
