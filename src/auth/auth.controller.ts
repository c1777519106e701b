import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse, ApiBadRequestResponse } from '@nestjs/swagger';
import { Authenticated } from '../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import type { Principal } from '../common/auth/principal';
import { Public } from '../common/auth/public.decorator';
import { ErrorResponseDto } from '../common/filters/error-body';
import { AuthService } from './auth.service';
import { LoginDto, MeResponseDto, RegisterDto, RegistrationAcceptedResponseDto, TerminalSessionResponseDto, TerminalTokenDto, UserSessionResponseDto } from './dto/auth.dto';

@ApiTags('auth')
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid body; `details` names the fields' })
@Controller('api/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('register')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Create a cardholder account (and its custodial Sui wallet); then log in',
    description:
      'The same answer whether or not the email (compared case-insensitively) already has an account, so registering cannot tell who has one; a taken email\'s account is left unchanged. The answer carries no token: log in with the same email and password.',
  })
  @ApiAcceptedResponse({ type: RegistrationAcceptedResponseDto })
  register(@Body() dto: RegisterDto): Promise<RegistrationAcceptedResponseDto> {
    return this.auth.register(dto);
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in a cardholder or admin' })
  @ApiOkResponse({ type: UserSessionResponseDto })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Unknown email or wrong password (one message for both)' })
  @ApiTooManyRequestsResponse({
    type: ErrorResponseDto,
    description: 'Five failures lock the email for the calling address (15 min); many failures from everywhere make it back off for addresses it never logged in from',
  })
  login(@Body() dto: LoginDto, @Ip() address: string): Promise<UserSessionResponseDto> {
    return this.auth.login(dto, address);
  }

  @Public()
  @Post('terminal/token')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a terminal id and secret for a terminal access token' })
  @ApiOkResponse({ type: TerminalSessionResponseDto })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Unknown, disabled or wrong terminal credentials' })
  terminalToken(@Body() dto: TerminalTokenDto): Promise<TerminalSessionResponseDto> {
    return this.auth.terminalToken(dto);
  }

  @Get('me')
  @Authenticated()
  @ApiOperation({ summary: 'Who the token belongs to' })
  @ApiOkResponse({ type: MeResponseDto })
  me(@CurrentPrincipal() principal: Principal): Promise<MeResponseDto> {
    return this.auth.me(principal);
  }
}
