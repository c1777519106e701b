import { Body, Controller, NotFoundException, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../../common/auth/authenticated.decorator';
import { ApiErrorResponses } from '../../common/docs/api-error-responses';
import { ApiIdParams } from '../../common/docs/api-id-params';
import { IdParamPipe } from '../../common/validation/id-param.pipe';
import { MerchantsService } from '../merchants.service';
import { OfflinePolicyDto, OfflinePolicyResponseDto } from './offline-policy.dto';
import { OfflinePolicyService } from './offline-policy';

@ApiTags('merchants')
@ApiErrorResponses(429)
@Controller('api/merchants')
export class OfflinePolicyController {
  constructor(
    private readonly policies: OfflinePolicyService,
    private readonly merchants: MerchantsService,
  ) {}

  @Put(':merchantId/offline-policy')
  @Authenticated({ roles: ['admin'] })
  @ApiOperation({ summary: "The merchant's offline policy: whether and how much its terminals may take while offline", description: 'Every heartbeat answer carries the effective policy; POST /api/payment/offline enforces it again.' })
  @ApiIdParams('merchantId')
  @ApiOkResponse({ type: OfflinePolicyResponseDto, description: 'The policy, stored' })
  @ApiErrorResponses({ status: 400, description: 'A field is missing or out of range (maxAgeHours 1-24)' }, { status: 404, description: 'No such merchant', message: 'Merchant not found' }, 413, 415)
  async setForMerchant(@Param('merchantId', IdParamPipe) merchantId: string, @Body() dto: OfflinePolicyDto): Promise<OfflinePolicyResponseDto> {
    if (!(await this.merchants.merchantSnapshot(merchantId))) throw new NotFoundException('Merchant not found');
    return { success: true, offlinePolicy: await this.policies.setForMerchant(merchantId, dto) };
  }

  @Put(':merchantId/terminals/:terminalId/offline-policy')
  @Authenticated({ roles: ['admin'] })
  @ApiOperation({ summary: "One terminal's offline policy, overriding its merchant's" })
  @ApiIdParams('merchantId', 'terminalId')
  @ApiOkResponse({ type: OfflinePolicyResponseDto, description: 'The override, stored' })
  @ApiErrorResponses({ status: 400, description: 'A field is missing or out of range (maxAgeHours 1-24)' }, { status: 404, description: 'No such merchant or terminal', message: 'Terminal not found' }, 413, 415)
  async setForTerminal(@Param('merchantId', IdParamPipe) merchantId: string, @Param('terminalId', IdParamPipe) terminalId: string, @Body() dto: OfflinePolicyDto): Promise<OfflinePolicyResponseDto> {
    if ((await this.merchants.terminalStanding(terminalId))?.terminal.merchantId !== merchantId) throw new NotFoundException('Terminal not found');
    return { success: true, offlinePolicy: await this.policies.setForTerminal(terminalId, dto) };
  }
}
