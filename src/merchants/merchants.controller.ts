import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import type { Principal } from '../common/auth/principal';
import { ApiErrorResponses } from '../common/docs/api-error-responses';
import { ApiIdParams } from '../common/docs/api-id-params';
import { IdParamPipe } from '../common/validation/id-param.pipe';
import {
  CreateMerchantDto,
  CreateTerminalDto,
  MerchantListQueryDto,
  MerchantListResponseDto,
  MerchantResponseDto,
  MerchantWithSecretResponseDto,
  TerminalListResponseDto,
  TerminalResponseDto,
  TerminalWithSecretResponseDto,
  UpdateMerchantDto,
  UpdateMerchantStatusDto,
  UpdateMerchantWebhookDto,
  WebhookSecretResponseDto,
  UpdateMerchantCardPolicyDto,
} from './dto/merchant.dto';
import { CreatePairingCodeDto, PairingCodeResponseDto } from './dto/pairing.dto';
import { MerchantsService } from './merchants.service';
import { TerminalPairingService } from './terminal-pairing.service';

@ApiTags('merchants')
@ApiErrorResponses({ status: 400, description: 'Invalid body or id; `details` names the fields' }, 429, 503)
@Controller('api/merchants')
export class MerchantsController {
  constructor(
    private readonly merchants: MerchantsService,
    private readonly pairing: TerminalPairingService,
  ) {}

  @Post()
  @Authenticated({ roles: ['admin'] })
  @ApiOperation({
    summary: 'Register a merchant and its receiving Sui address',
    description: 'With a webhookUrl the answer carries `merchant.webhookSecret`, the signing secret, shown only this once.',
  })
  @ApiCreatedResponse({ type: MerchantWithSecretResponseDto, description: 'Registered, active' })
  @ApiErrorResponses({ status: 409, description: 'merchantId taken', message: 'A merchant with this merchantId already exists' }, 413, 415)
  async create(@Body() dto: CreateMerchantDto): Promise<MerchantWithSecretResponseDto> {
    return { success: true, merchant: await this.merchants.create(dto) };
  }

  @Get()
  @Authenticated({ roles: ['admin', 'merchant'] })
  @ApiOperation({
    summary: 'Merchants by merchantId, cursor-paginated (admins: every merchant; staff: their own)',
    description: 'Each merchant as GET /api/merchants/{merchantId} shows it: whether a webhook secret is set, never the secret itself.',
  })
  @ApiOkResponse({ type: MerchantListResponseDto, description: 'One page of merchants; nextCursor fetches the next' })
  @ApiErrorResponses({ status: 400, description: 'Invalid query; `details` names the parameters' }, { status: 403, description: 'Only for: admin, merchant staff' })
  async list(@Query() query: MerchantListQueryDto, @CurrentPrincipal() principal: Principal): Promise<MerchantListResponseDto> {
    return { success: true, ...(await this.merchants.list(query, principal)) };
  }

  @Get(':merchantId')
  @Authenticated({ roles: ['admin', 'terminal', 'merchant'] })
  @ApiOperation({ summary: 'A merchant (admins: any; terminals and staff: their own)' })
  @ApiIdParams('merchantId')
  @ApiOkResponse({ type: MerchantResponseDto, description: 'The merchant' })
  @ApiErrorResponses({ status: 404, description: 'No such merchant, or not yours', message: 'Merchant not found' })
  async get(@Param('merchantId', IdParamPipe) merchantId: string, @CurrentPrincipal() principal: Principal): Promise<MerchantResponseDto> {
    return { success: true, merchant: await this.merchants.get(merchantId, principal) };
  }

  @Patch(':merchantId')
  @Authenticated({ roles: ['admin'] })
  @ApiOperation({ summary: "Change a merchant's category code (mcc)", description: 'Card controls that allow or block categories see the new code from the next payment on.' })
  @ApiIdParams('merchantId')
  @ApiOkResponse({ type: MerchantResponseDto, description: 'The merchant with its new category' })
  @ApiErrorResponses({ status: 404, description: 'No such merchant', message: 'Merchant not found' }, 413, 415)
  async update(@Param('merchantId', IdParamPipe) merchantId: string, @Body() dto: UpdateMerchantDto): Promise<MerchantResponseDto> {
    return { success: true, merchant: await this.merchants.setMcc(merchantId, dto.mcc) };
  }

  @Patch(':merchantId/status')
  @Authenticated({ roles: ['admin'] })
  @ApiOperation({
    summary: 'Suspend or reactivate a merchant; takes effect on the next request',
    description: "Suspension ends every token of the merchant's terminals, for good: after a reactivation its active terminals log in again with their secrets.",
  })
  @ApiIdParams('merchantId')
  @ApiOkResponse({ type: MerchantResponseDto, description: 'The merchant with its new status' })
  @ApiErrorResponses({ status: 404, description: 'No such merchant', message: 'Merchant not found' }, 413, 415)
  async setStatus(@Param('merchantId', IdParamPipe) merchantId: string, @Body() dto: UpdateMerchantStatusDto): Promise<MerchantResponseDto> {
    return { success: true, merchant: await this.merchants.setStatus(merchantId, dto.status) };
  }

  @Patch(':merchantId/card-policy')
  @Authenticated({ roles: ['admin', 'merchant'] })
  @ApiOperation({ summary: "Whether this merchant takes taps naming only a cardUuid (no SUN proof); takes effect on the next payment (admins, the merchant's owner)" })
  @ApiIdParams('merchantId')
  @ApiOkResponse({ type: MerchantResponseDto, description: 'The merchant with its card policy' })
  @ApiErrorResponses(
    { status: 400, description: 'acceptUnauthenticatedCards is not a boolean' },
    { status: 403, description: "Staff who are not the merchant's owner", message: "Only an admin or the merchant's owner can change the card policy" },
    { status: 404, description: 'No such merchant', message: 'Merchant not found' },
    413,
    415,
  )
  async setCardPolicy(@Param('merchantId', IdParamPipe) merchantId: string, @Body() dto: UpdateMerchantCardPolicyDto, @CurrentPrincipal() principal: Principal): Promise<MerchantResponseDto> {
    return { success: true, merchant: await this.merchants.setCardPolicy(merchantId, dto.acceptUnauthenticatedCards, principal) };
  }

  @Patch(':merchantId/webhook')
  @Authenticated({ roles: ['admin', 'merchant'] })
  @ApiOperation({
    summary: "Set or remove (null) a merchant's webhook URL",
    description: 'https only in production; URLs resolving to loopback, private or link-local addresses are refused. The first URL also creates the signing secret, returned once as `merchant.webhookSecret`.',
  })
  @ApiIdParams('merchantId')
  @ApiOkResponse({ type: MerchantWithSecretResponseDto, description: 'The merchant; webhookSecret only when this call created it' })
  @ApiErrorResponses(
    { status: 404, description: 'No such merchant, or not yours', message: 'Merchant not found' },
    413,
    415,
    { status: 503, description: 'Webhook signing is not configured (WEBHOOK_SECRET_KEY), or MongoDB or Redis is unreachable', message: 'Webhook signing is not configured on this server (WEBHOOK_SECRET_KEY)' },
  )
  async setWebhook(@Param('merchantId', IdParamPipe) merchantId: string, @Body() dto: UpdateMerchantWebhookDto, @CurrentPrincipal() principal: Principal): Promise<MerchantWithSecretResponseDto> {
    return { success: true, merchant: await this.merchants.setWebhookUrl(merchantId, dto.webhookUrl, principal) };
  }

  @Post(':merchantId/webhook-secret/rotate')
  @HttpCode(200)
  @Authenticated({ roles: ['admin', 'merchant'] })
  @ApiOperation({
    summary: 'Issue a new webhook signing secret (shown only in this answer)',
    description: 'During WEBHOOK_SECRET_GRACE_HOURS deliveries carry two v1 signatures, one per secret, so receivers can switch without a gap.',
  })
  @ApiIdParams('merchantId')
  @ApiOkResponse({ type: WebhookSecretResponseDto, description: 'The new secret' })
  @ApiErrorResponses(
    { status: 404, description: 'No such merchant, or not yours', message: 'Merchant not found' },
    { status: 503, description: 'Webhook signing is not configured (WEBHOOK_SECRET_KEY), or MongoDB or Redis is unreachable', message: 'Webhook signing is not configured on this server (WEBHOOK_SECRET_KEY)' },
  )
  async rotateWebhookSecret(@Param('merchantId', IdParamPipe) merchantId: string, @CurrentPrincipal() principal: Principal): Promise<WebhookSecretResponseDto> {
    return { success: true, merchantId, ...(await this.merchants.rotateWebhookSecret(merchantId, principal)) };
  }

  @Get(':merchantId/terminals')
  @Authenticated({ roles: ['admin', 'terminal', 'merchant'] })
  @ApiOperation({ summary: "A merchant's terminals" })
  @ApiIdParams('merchantId')
  @ApiOkResponse({ type: TerminalListResponseDto, description: "The merchant's terminals" })
  @ApiErrorResponses({ status: 404, description: 'No such merchant, or not yours', message: 'Merchant not found' })
  async listTerminals(@Param('merchantId', IdParamPipe) merchantId: string, @CurrentPrincipal() principal: Principal): Promise<TerminalListResponseDto> {
    return { success: true, terminals: await this.merchants.listTerminals(merchantId, principal) };
  }

  @Post(':merchantId/terminals')
  @Authenticated({ roles: ['admin', 'merchant'] })
  @ApiOperation({ summary: 'Register a terminal; its secret is shown only in this answer' })
  @ApiIdParams('merchantId')
  @ApiCreatedResponse({ type: TerminalWithSecretResponseDto, description: 'Registered; terminalSecret is shown only here' })
  @ApiErrorResponses({ status: 404, description: 'No such merchant, or not yours', message: 'Merchant not found' }, { status: 409, description: 'terminalId taken', message: 'A terminal with this terminalId already exists' }, 413, 415)
  async createTerminal(@Param('merchantId', IdParamPipe) merchantId: string, @Body() dto: CreateTerminalDto, @CurrentPrincipal() principal: Principal): Promise<TerminalWithSecretResponseDto> {
    return { success: true, ...(await this.merchants.createTerminal(merchantId, dto.terminalId, principal)) };
  }

  @Post(':merchantId/terminals/:terminalId/disable')
  @HttpCode(200)
  @Authenticated({ roles: ['admin', 'merchant'] })
  @ApiOperation({ summary: 'Disable a terminal: its tokens stop working on the next request or socket handshake, its secret no longer logs in' })
  @ApiIdParams('merchantId', 'terminalId')
  @ApiOkResponse({ type: TerminalResponseDto, description: 'The terminal, disabled' })
  @ApiErrorResponses({ status: 404, description: 'No such merchant or terminal, or not yours', message: 'Terminal not found' })
  async disableTerminal(
    @Param('merchantId', IdParamPipe) merchantId: string,
    @Param('terminalId', IdParamPipe) terminalId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<TerminalResponseDto> {
    return { success: true, terminal: await this.merchants.disableTerminal(merchantId, terminalId, principal) };
  }

  @Post(':merchantId/terminals/:terminalId/rotate-secret')
  @HttpCode(200)
  @Authenticated({ roles: ['admin', 'merchant'] })
  @ApiOperation({ summary: 'Issue a new terminal secret; the old one, and every token issued under it, stop working at once' })
  @ApiIdParams('merchantId', 'terminalId')
  @ApiOkResponse({ type: TerminalWithSecretResponseDto, description: 'The new terminalSecret, shown only here' })
  @ApiErrorResponses({ status: 404, description: 'No such merchant or terminal, or not yours', message: 'Terminal not found' })
  async rotateSecret(
    @Param('merchantId', IdParamPipe) merchantId: string,
    @Param('terminalId', IdParamPipe) terminalId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<TerminalWithSecretResponseDto> {
    return { success: true, ...(await this.merchants.rotateTerminalSecret(merchantId, terminalId, principal)) };
  }

  @Post(':merchantId/pairing-codes')
  @Authenticated({ roles: ['admin', 'merchant'] })
  @ApiOperation({
    summary: 'Create a code that pairs one device with the merchant (10 minutes, single use)',
    description: 'The device sends it with its Ed25519 public key to POST /api/terminals/pair. Five wrong tries burn the code.',
  })
  @ApiIdParams('merchantId')
  @ApiCreatedResponse({ type: PairingCodeResponseDto, description: 'The code and when it expires' })
  @ApiErrorResponses({ status: 404, description: 'No such merchant', message: 'Merchant not found' }, 413, 415)
  createPairingCode(
    @Param('merchantId', IdParamPipe) merchantId: string,
    @Body() dto: CreatePairingCodeDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<PairingCodeResponseDto> {
    return this.pairing.createCode(merchantId, dto.label, principal);
  }
}
