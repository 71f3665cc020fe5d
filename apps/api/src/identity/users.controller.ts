import { Body, Controller, Get, Headers, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  CreateUserDto,
  UpdateUserDto,
  UserQuery,
  UserResponse,
  UsersService,
  type Principal,
  type RequestOrigin,
  type UserView,
} from '#libs/identity';
import { etagOf, ParseIdPipe, versionFromIfMatch, type Page } from '#libs/platform';
import { Access } from '../access/access.decorator.js';
import { CurrentPrincipal, Origin } from '../access/current-principal.decorator.js';
import { ApiIfMatch, ApiPage } from '../openapi/api-docs.js';

/** User accounts and their role grants: administrators only. */
@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Access.roles(['admin'])
  @ApiOperation({ summary: 'Users, filtered by unit, role, active or a search text' })
  @ApiPage(UserResponse)
  list(@Query() query: UserQuery): Promise<Page<UserView>> {
    return this.users.list(query);
  }

  @Get(':id')
  @Access.roles(['admin'])
  @ApiOperation({ summary: 'One user with their grants (with ETag)' })
  @ApiOkResponse({ type: UserResponse })
  async get(@Param('id', ParseIdPipe) id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<UserView> {
    const user = await this.users.get(id);
    reply.header('etag', etagOf(user.version));
    return user;
  }

  @Post()
  @Access.roles(['admin'])
  @ApiOperation({ summary: 'Create a user with their unit and grants' })
  @ApiCreatedResponse({ type: UserResponse })
  async create(
    @Body() dto: CreateUserDto,
    @CurrentPrincipal() actor: Principal,
    @Origin() origin: RequestOrigin,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UserView> {
    const user = await this.users.create(dto, actor, origin);
    reply.header('etag', etagOf(user.version));
    return user;
  }

  @Patch(':id')
  @Access.roles(['admin'])
  @ApiOperation({ summary: 'Change a user: name, unit, password, grants (replaced whole), or disable them' })
  @ApiIfMatch()
  @ApiOkResponse({ type: UserResponse })
  async update(
    @Param('id', ParseIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: UpdateUserDto,
    @CurrentPrincipal() actor: Principal,
    @Origin() origin: RequestOrigin,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UserView> {
    const user = await this.users.update(id, versionFromIfMatch(ifMatch), dto, actor, origin);
    reply.header('etag', etagOf(user.version));
    return user;
  }
}
