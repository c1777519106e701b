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
  TerminalListResponseDto,
  TerminalResponseDto,
  TerminalWithSecretResponseDto,
  UpdateMerchantStatusDto,
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
  @ApiOperation({ summary: 'Register a merchant and its receiving Sui address' })
  @ApiCreatedResponse({ type: MerchantResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'merchantId taken' })
  async create(@Body() dto: CreateMerchantDto): Promise<MerchantResponseDto> {
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
  @ApiOperation({ summary: 'Suspend or reactivate a merchant; takes effect on the next payment' })
  @ApiOkResponse({ type: MerchantResponseDto })
  async setStatus(@Param('merchantId', IdParamPipe) merchantId: string, @Body() dto: UpdateMerchantStatusDto): Promise<MerchantResponseDto> {
    return { success: true, merchant: await this.merchants.setStatus(merchantId, dto.status) };
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
  @ApiOperation({ summary: 'Disable a terminal: its token no longer pays, its secret no longer logs in' })
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
  @ApiOperation({ summary: 'Issue a new terminal secret; the old one stops working at once' })
  @ApiOkResponse({ type: TerminalWithSecretResponseDto })
  async rotateSecret(
    @Param('merchantId', IdParamPipe) merchantId: string,
    @Param('terminalId', IdParamPipe) terminalId: string,
  ): Promise<TerminalWithSecretResponseDto> {
    return { success: true, ...(await this.merchants.rotateTerminalSecret(merchantId, terminalId)) };
  }
}
