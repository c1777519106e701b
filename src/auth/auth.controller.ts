import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import type { Principal } from '../common/auth/principal';
import { Public } from '../common/auth/public.decorator';
import { ApiErrorResponses } from '../common/docs/api-error-responses';
import { RateLimit } from '../common/throttling/rate-limit.decorator';
import { AuthService } from './auth.service';
import { StaffService } from './staff/staff.service';
import { AcceptInviteDto, LoginDto, MeResponseDto, RegisterDto, RegistrationAcceptedResponseDto, TerminalSessionResponseDto, TerminalTokenDto, UserSessionResponseDto } from './dto/auth.dto';

@ApiTags('auth')
@ApiErrorResponses(503)
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly staff: StaffService,
  ) {}

  @Public()
  @RateLimit({ kind: 'credentials' })
  @Post('register')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Create a cardholder account (and its custodial Sui wallet); then log in',
    description:
      'The same answer whether or not the email (compared case-insensitively) already has an account, so registering cannot tell who has one; a taken email\'s account is left unchanged. The answer carries no token: log in with the same email and password.',
  })
  @ApiAcceptedResponse({ type: RegistrationAcceptedResponseDto, description: 'Registered (or the email already had an account): log in next' })
  @ApiErrorResponses(400, 413, 415, { status: 429, description: 'Too many calls from this IP; retry after Retry-After seconds', message: 'Rate limit "auth-ip" exceeded (30 per 60 s); retry in 12 s' })
  register(@Body() dto: RegisterDto): Promise<RegistrationAcceptedResponseDto> {
    return this.auth.register(dto);
  }

  @Public()
  @RateLimit({ kind: 'credentials', accountField: 'email' })
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in a cardholder, admin or merchant staff member' })
  @ApiOkResponse({ type: UserSessionResponseDto, description: 'Logged in; the answer carries an access token' })
  @ApiErrorResponses(
    400,
    { status: 401, description: 'Unknown email or wrong password (one message for both)', message: 'Invalid email or password' },
    { status: 403, description: "A merchant staff member whose merchant is suspended", message: 'Your merchant is suspended' },
    413,
    415,
    {
      status: 429,
      description: 'Five failures lock the email for the calling address (15 min); many failures from everywhere make it back off for addresses it never logged in from; or too many calls (Retry-After header)',
      message: 'Too many failed logins; try again later',
    },
  )
  login(@Body() dto: LoginDto, @Ip() address: string): Promise<UserSessionResponseDto> {
    return this.auth.login(dto, address);
  }

  @Public()
  @RateLimit({ kind: 'credentials' })
  @Post('invites/accept')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Accept a merchant staff invite: set a password and name, get a token',
    description: 'The invite token works once and for 7 days; afterwards the staff member logs in at POST /api/auth/login.',
  })
  @ApiOkResponse({ type: UserSessionResponseDto, description: 'Accepted; the answer carries an access token' })
  @ApiErrorResponses(
    400,
    { status: 401, description: 'Unknown, wrong, expired or already used invite token (one message for all)', message: 'Invalid, expired or already used invite' },
    { status: 403, description: "The staff member's merchant is suspended", message: 'Your merchant is suspended' },
    413,
    415,
    { status: 429, description: 'Too many calls from this IP; retry after Retry-After seconds', message: 'Rate limit "auth-ip" exceeded (30 per 60 s); retry in 12 s' },
  )
  acceptInvite(@Body() dto: AcceptInviteDto): Promise<UserSessionResponseDto> {
    return this.staff.accept(dto);
  }

  @Public()
  @RateLimit({ kind: 'credentials', accountField: 'terminalId' })
  @Post('terminal/token')
  @HttpCode(200)
  @ApiSecurity('httpSignature')
  @ApiOperation({
    summary: 'Exchange a terminal id and secret for a terminal access token; or, signed by a device key with body {}, get a 5-minute socket token',
    description:
      'A terminal that signs its requests (RFC 9421) cannot use a bearer token on HTTP; for the Socket.IO handshake it sends this request signed, with body `{}`, and gets a token the socket accepts (and HTTP refuses), good for 300 s.',
  })
  @ApiOkResponse({ type: TerminalSessionResponseDto, description: 'The terminal access token (or socket token)' })
  @ApiErrorResponses(
    400,
    { status: 401, description: 'Unknown, disabled or wrong terminal credentials, or a signature that does not verify', message: 'Invalid terminal credentials' },
    413,
    415,
    { status: 429, description: 'Too many calls from this IP or for this terminal; retry after Retry-After seconds', message: 'Rate limit "auth-account" exceeded (10 per 60 s); retry in 12 s' },
  )
  terminalToken(@Body() dto: TerminalTokenDto, @CurrentPrincipal() signer: Principal | undefined): Promise<TerminalSessionResponseDto> {
    return this.auth.terminalToken(dto, signer);
  }

  @Get('me')
  @Authenticated()
  @ApiOperation({ summary: 'Who the token belongs to' })
  @ApiOkResponse({ type: MeResponseDto, description: 'The user (cardholder or admin) or the terminal' })
  @ApiErrorResponses(429)
  me(@CurrentPrincipal() principal: Principal): Promise<MeResponseDto> {
    return this.auth.me(principal);
  }
}
