import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiTokenResponse,
  ApiTokensService,
  ChangePasswordDto,
  CreateApiTokenDto,
  CreatedApiTokenResponse,
  MeResponse,
  UpdateMeDto,
  UserResponse,
  UsersService,
  type ApiTokenView,
  type Principal,
  type RequestOrigin,
  type UserView,
} from '#libs/identity';
import { ParseIdPipe } from '#libs/platform';
import { Access } from '../access/access.decorator.js';
import { CurrentPrincipal, Origin } from '../access/current-principal.decorator.js';

/** The caller's own account: who they are, their password and their API tokens. */
@ApiTags('me')
@Controller('me')
export class MeController {
  constructor(
    private readonly users: UsersService,
    private readonly apiTokens: ApiTokensService,
  ) {}

  @Get()
  @Access.signedIn()
  @ApiOperation({ summary: 'The signed-in user, their unit and their roles' })
  @ApiOkResponse({ type: MeResponse })
  me(@CurrentPrincipal() me: Principal): Promise<UserView & { via: Principal['via'] }> {
    return this.users.get(me.id).then((u) => ({ ...u, via: me.via }));
  }

  @Patch()
  @Access.signedIn()
  @ApiOperation({ summary: 'Change your display name or e-mail (roles and unit are changed by an admin)' })
  @ApiOkResponse({ type: UserResponse })
  update(
    @CurrentPrincipal() me: Principal,
    @Body() dto: UpdateMeDto,
    @Origin() origin: RequestOrigin,
  ): Promise<UserView> {
    return this.users.updateMe(me, dto, origin);
  }

  @Post('password')
  @HttpCode(204)
  @Access.signedIn()
  @ApiOperation({ summary: 'Change your password' })
  @ApiNoContentResponse()
  async changePassword(
    @CurrentPrincipal() me: Principal,
    @Body() dto: ChangePasswordDto,
    @Origin() origin: RequestOrigin,
  ): Promise<void> {
    await this.users.changePassword(me, dto, origin);
  }

  @Get('api-tokens')
  @Access.signedIn()
  @ApiOperation({ summary: 'Your personal API tokens (never the secrets)' })
  @ApiOkResponse({ type: [ApiTokenResponse] })
  listTokens(@CurrentPrincipal() me: Principal): Promise<ApiTokenView[]> {
    return this.apiTokens.list(me);
  }

  @Post('api-tokens')
  @Access.signedIn()
  @ApiOperation({ summary: 'Create a personal API token for an integration; the token is shown only in this answer' })
  @ApiCreatedResponse({
    type: CreatedApiTokenResponse,
    description: '`token` holds the secret: store it now, it cannot be shown again',
  })
  createToken(@CurrentPrincipal() me: Principal, @Body() dto: CreateApiTokenDto, @Origin() origin: RequestOrigin) {
    return this.apiTokens.create(me, dto, origin);
  }

  @Delete('api-tokens/:id')
  @HttpCode(204)
  @Access.signedIn({ object: 'own' })
  @ApiOperation({ summary: 'Revoke one of your API tokens; it stops working at once' })
  @ApiNoContentResponse()
  async revokeToken(
    @CurrentPrincipal() me: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Origin() origin: RequestOrigin,
  ): Promise<void> {
    await this.apiTokens.revoke(me, id, origin);
  }
}
