import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import type { Principal } from '../common/auth/principal';
import { ErrorResponseDto } from '../common/filters/error-body';
import { IdParamPipe } from '../common/validation/id-param.pipe';
import {
  CreateMerchantDto,
  CreateTerminalDto,
  MerchantResponseDto,
  MerchantWithSecretResponseDto,
  TerminalListResponseDto,
  TerminalResponseDto,
  TerminalWithSecretResponseDto,
  UpdateMerchantStatusDto,
  UpdateMerchantWebhookDto,
  WebhookSecretResponseDto,
} from './dto/merchant.dto';
import { MerchantsService } from './merchants.service';

@ApiTags('merchants')
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid body or id; `details` names the fields' })
@ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such merchant or terminal (or not yours)' })
@Controller('api/merchants')
export class MerchantsController {
  constructor(private readonly merchants: MerchantsService) {}

  @Post()
  @Authenticated({ roles: ['admin'] })
  @ApiOperation({
    summary: 'Register a merchant and its receiving Sui address',
    description: 'With a webhookUrl the answer carries `merchant.webhookSecret`, the signing secret, shown only this once.',
  })
  @ApiCreatedResponse({ type: MerchantWithSecretResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'merchantId taken' })
  async create(@Body() dto: CreateMerchantDto): Promise<MerchantWithSecretResponseDto> {
    return { success: true, merchant: await this.merchants.create(dto) };
  }

  @Get(':merchantId')
  @Authenticated({ roles: ['admin', 'terminal'] })
  @ApiOperation({ summary: 'A merchant (admins: any; terminals: their own)' })
  @ApiOkResponse({ type: MerchantResponseDto })
  async get(@Param('merchantId', IdParamPipe) merchantId: string, @CurrentPrincipal() principal: Principal): Promise<MerchantResponseDto> {
    return { success: true, merchant: await this.merchants.get(merchantId, principal) };
  }

  @Patch(':merchantId/status')
  @Authenticated({ roles: ['admin'] })
  @ApiOperation({
    summary: 'Suspend or reactivate a merchant; takes effect on the next request',
    description: "Suspension ends every token of the merchant's terminals, for good: after a reactivation its active terminals log in again with their secrets.",
  })
  @ApiOkResponse({ type: MerchantResponseDto })
  async setStatus(@Param('merchantId', IdParamPipe) merchantId: string, @Body() dto: UpdateMerchantStatusDto): Promise<MerchantResponseDto> {
    return { success: true, merchant: await this.merchants.setStatus(merchantId, dto.status) };
  }

  @Patch(':merchantId/webhook')
  @Authenticated({ roles: ['admin'] })
  @ApiOperation({
    summary: "Set or remove (null) a merchant's webhook URL",
    description: 'https only in production; URLs resolving to loopback, private or link-local addresses are refused. The first URL also creates the signing secret, returned once as `merchant.webhookSecret`.',
  })
  @ApiOkResponse({ type: MerchantWithSecretResponseDto })
  async setWebhook(@Param('merchantId', IdParamPipe) merchantId: string, @Body() dto: UpdateMerchantWebhookDto): Promise<MerchantWithSecretResponseDto> {
    return { success: true, merchant: await this.merchants.setWebhookUrl(merchantId, dto.webhookUrl) };
  }

  @Post(':merchantId/webhook-secret/rotate')
  @HttpCode(200)
  @Authenticated({ roles: ['admin'] })
  @ApiOperation({
    summary: 'Issue a new webhook signing secret (shown only in this answer)',
    description: 'During WEBHOOK_SECRET_GRACE_HOURS deliveries carry two v1 signatures, one per secret, so receivers can switch without a gap.',
  })
  @ApiOkResponse({ type: WebhookSecretResponseDto })
  async rotateWebhookSecret(@Param('merchantId', IdParamPipe) merchantId: string): Promise<WebhookSecretResponseDto> {
    return { success: true, merchantId, ...(await this.merchants.rotateWebhookSecret(merchantId)) };
  }

  @Get(':merchantId/terminals')
  @Authenticated({ roles: ['admin', 'terminal'] })
  @ApiOperation({ summary: "A merchant's terminals" })
  @ApiOkResponse({ type: TerminalListResponseDto })
  async listTerminals(@Param('merchantId', IdParamPipe) merchantId: string, @CurrentPrincipal() principal: Principal): Promise<TerminalListResponseDto> {
    return { success: true, terminals: await this.merchants.listTerminals(merchantId, principal) };
  }

  @Post(':merchantId/terminals')
  @Authenticated({ roles: ['admin'] })
  @ApiOperation({ summary: 'Register a terminal; its secret is shown only in this answer' })
  @ApiCreatedResponse({ type: TerminalWithSecretResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'terminalId taken' })
  async createTerminal(@Param('merchantId', IdParamPipe) merchantId: string, @Body() dto: CreateTerminalDto): Promise<TerminalWithSecretResponseDto> {
    return { success: true, ...(await this.merchants.createTerminal(merchantId, dto.terminalId)) };
  }

  @Post(':merchantId/terminals/:terminalId/disable')
  @HttpCode(200)
  @Authenticated({ roles: ['admin'] })
  @ApiOperation({ summary: 'Disable a terminal: its tokens stop working on the next request or socket handshake, its secret no longer logs in' })
  @ApiOkResponse({ type: TerminalResponseDto })
  async disableTerminal(
    @Param('merchantId', IdParamPipe) merchantId: string,
    @Param('terminalId', IdParamPipe) terminalId: string,
  ): Promise<TerminalResponseDto> {
    return { success: true, terminal: await this.merchants.disableTerminal(merchantId, terminalId) };
  }

  @Post(':merchantId/terminals/:terminalId/rotate-secret')
  @HttpCode(200)
  @Authenticated({ roles: ['admin'] })
  @ApiOperation({ summary: 'Issue a new terminal secret; the old one, and every token issued under it, stop working at once' })
  @ApiOkResponse({ type: TerminalWithSecretResponseDto })
  async rotateSecret(
    @Param('merchantId', IdParamPipe) merchantId: string,
    @Param('terminalId', IdParamPipe) terminalId: string,
  ): Promise<TerminalWithSecretResponseDto> {
    return { success: true, ...(await this.merchants.rotateTerminalSecret(merchantId, terminalId)) };
  }
}
