import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { AccessTokenResponse, AuthService, SignInDto, type RequestOrigin } from '#libs/identity';
import { Access } from '../access/access.decorator.js';
import { Origin } from '../access/current-principal.decorator.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('token')
  @HttpCode(200)
  @Access.public()
  @ApiOperation({ summary: 'Sign in with username and password; answers a short-lived access token' })
  @ApiOkResponse({ type: AccessTokenResponse })
  @ApiTooManyRequestsResponse({
    description: 'too many attempts for this username or address (RATE_LIMITED, Retry-After)',
  })
  async token(@Body() dto: SignInDto, @Origin() origin: RequestOrigin): Promise<AccessTokenResponse> {
    const { token, expiresIn } = await this.auth.signIn(dto.username, dto.password, origin);
    return { access_token: token, token_type: 'Bearer', expires_in: expiresIn };
  }
}
