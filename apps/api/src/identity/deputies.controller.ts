import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  DeputiesService,
  DeputyDecisionQuery,
  DeputyDecisionResponse,
  DeputyPeriodQuery,
  DeputyPeriodResponse,
  MyDeputyPeriodsResponse,
  NameDeputyDto,
  NameDeputyForDto,
  type Principal,
} from '#libs/identity';
import { ParseIdPipe } from '#libs/platform';
import { Access } from '../access/access.decorator.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';

/** 代決: the caller names a deputy for their absence, and reads what was decided for them (後閲). */
@ApiTags('deputies')
@Controller('me')
export class MyDeputiesController {
  constructor(private readonly deputies: DeputiesService) {}

  @Get('deputies')
  @Access.signedIn()
  @ApiOperation({
    summary: 'My deputy periods: who stands in for me, whom I stand in for, and what I exercise as a deputy now',
  })
  @ApiOkResponse({ type: MyDeputyPeriodsResponse })
  mine(@CurrentPrincipal() me: Principal) {
    return this.deputies.mine(me);
  }

  @Post('deputies')
  @Access.signedIn()
  @ApiOperation({
    summary: 'Name a deputy for a period of days (today or later; no overlap; a deputy cannot name a deputy)',
  })
  @ApiCreatedResponse({ type: DeputyPeriodResponse })
  name(@CurrentPrincipal() me: Principal, @Body() dto: NameDeputyDto) {
    return this.deputies.nameForMe(me, dto);
  }

  @Delete('deputies/:id')
  @Access.signedIn({ object: 'own' })
  @ApiOperation({ summary: 'Cancel one of my deputy periods (a running one ends now)' })
  @ApiOkResponse({ type: DeputyPeriodResponse })
  cancel(@CurrentPrincipal() me: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.deputies.cancel(me, id, { asAdmin: false });
  }

  @Get('deputy-decisions')
  @Access.signedIn()
  @ApiOperation({ summary: '後閲: the decisions deputies took for me, newest first' })
  @ApiOkResponse({ type: [DeputyDecisionResponse] })
  decisions(@CurrentPrincipal() me: Principal, @Query() query: DeputyDecisionQuery) {
    return this.deputies.decisionsForMe(me, query);
  }

  @Post('deputy-decisions/:id/seen')
  @HttpCode(204)
  @Access.signedIn({ object: 'own' })
  @ApiOperation({ summary: '後閲: mark a decision taken for me as seen' })
  @ApiNoContentResponse()
  async seen(@CurrentPrincipal() me: Principal, @Param('id', ParseIdPipe) id: string): Promise<void> {
    await this.deputies.markSeen(me, id);
  }
}

/** 代決 for anyone: administrators name and cancel deputies for others. */
@ApiTags('deputies')
@Controller('deputies')
export class DeputiesController {
  constructor(private readonly deputies: DeputiesService) {}

  @Get()
  @Access.roles(['admin'])
  @ApiOperation({ summary: 'Deputy periods not over yet, optionally of one person' })
  @ApiOkResponse({ type: [DeputyPeriodResponse] })
  list(@Query() query: DeputyPeriodQuery) {
    return this.deputies.list(query);
  }

  @Post()
  @Access.roles(['admin'])
  @ApiOperation({ summary: 'Name a deputy for someone (same rules as for oneself)' })
  @ApiCreatedResponse({ type: DeputyPeriodResponse })
  name(@CurrentPrincipal() me: Principal, @Body() dto: NameDeputyForDto) {
    return this.deputies.nameFor(me, dto.absentUsername, dto);
  }

  @Delete(':id')
  @Access.roles(['admin'])
  @ApiOperation({ summary: 'Cancel anyone’s deputy period' })
  @ApiOkResponse({ type: DeputyPeriodResponse })
  cancel(@CurrentPrincipal() me: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.deputies.cancel(me, id, { asAdmin: true });
  }
}
