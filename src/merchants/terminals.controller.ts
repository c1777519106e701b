import { OfflinePolicyService } from './offline/offline-policy';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import type { Principal } from '../common/auth/principal';
import { Public } from '../common/auth/public.decorator';
import { ApiErrorResponses } from '../common/docs/api-error-responses';
import { RateLimit } from '../common/throttling/rate-limit.decorator';
import { TerminalResponseDto } from './dto/merchant.dto';
import { HeartbeatDto, HeartbeatResponseDto, PairedTerminalResponseDto, PairTerminalDto, TerminalKeyDto } from './dto/pairing.dto';
import { TerminalKeysService } from './terminal-keys.service';
import { TerminalPairingService } from './terminal-pairing.service';
import { TerminalPresence } from './terminal-presence';

@ApiTags('terminals')
@ApiErrorResponses({ status: 400, description: 'Invalid body; `details` names the fields' }, 413, 415, 503)
@Controller('api/terminals')
export class TerminalsController {
  constructor(
    private readonly pairing: TerminalPairingService,
    private readonly keys: TerminalKeysService,
    private readonly presence: TerminalPresence,
    private readonly offlinePolicies: OfflinePolicyService,
  ) {}

  @Post('pair')
  @Public()
  @RateLimit({ kind: 'credentials' })
  @ApiOperation({
    summary: 'Pair a device: a pairing code and the public key it will sign with make it a terminal of the merchant',
    description:
      'The device generates an Ed25519 key pair and keeps the private key. From the answer on it signs every request (RFC 9421, see the `httpSignature` security scheme) with `keyid` = terminalId. No secret is ever issued.',
  })
  @ApiCreatedResponse({ type: PairedTerminalResponseDto, description: 'Paired: the terminal exists and is active' })
  @ApiErrorResponses(
    { status: 401, description: 'Unknown, expired, used or burned (5 wrong tries) code', message: 'Invalid, expired or already used pairing code' },
    { status: 429, description: 'Too many calls from this IP; retry after Retry-After seconds', message: 'Rate limit "auth-ip" exceeded (30 per 60 s); retry in 12 s' },
  )
  pair(@Body() dto: PairTerminalDto): Promise<PairedTerminalResponseDto> {
    return this.pairing.pair(dto);
  }

  @Post('keys')
  @Authenticated({ roles: ['terminal'] })
  @ApiOperation({
    summary: "Bind a device key to a terminal made with a secret (once, under its bearer token), or rotate the key (signed with the current one)",
    description:
      'Either way every earlier token of the terminal stops working and its sockets are dropped; after a binding the terminal signs every request and a bearer token alone is refused; after a rotation signatures by the old key are refused.',
  })
  @ApiCreatedResponse({ type: TerminalResponseDto, description: 'The terminal with its new key' })
  @ApiErrorResponses(
    { status: 409, description: 'The key was already bound (rotate it with a signed request), or another rotation won', message: 'This terminal already bound a key; rotate it with a request signed by that key' },
    429,
  )
  async setKey(@CurrentPrincipal() principal: Principal, @Body() dto: TerminalKeyDto): Promise<TerminalResponseDto> {
    return { success: true, terminal: await this.keys.setKey(principal, dto.publicKey) };
  }

  @Post('heartbeat')
  @HttpCode(200)
  @Authenticated({ roles: ['terminal'] })
  @ApiOperation({ summary: "A terminal's sign of life: the merchant's terminal list shows it online, with lastSeenAt", description: 'Send one at least every TERMINAL_OFFLINE_AFTER_SECONDS (120 by default).' })
  @ApiOkResponse({ type: HeartbeatResponseDto, description: "Recorded; the server's time, for the device's clock" })
  @ApiErrorResponses(429)
  async heartbeat(@CurrentPrincipal() principal: Principal, @Body() dto: HeartbeatDto): Promise<HeartbeatResponseDto> {
    const serverTime = new Date();
    await this.presence.record(principal.id, { ...(dto.appVersion !== undefined && { appVersion: dto.appVersion }), ...(dto.offlineQueued !== undefined && { offlineQueued: dto.offlineQueued }) }, serverTime);
    return { success: true, serverTime, offlinePolicy: await this.offlinePolicies.effective(principal.merchantId!, principal.id) };
  }
}
