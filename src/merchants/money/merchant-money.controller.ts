import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator';
import type { Principal } from '../../common/auth/principal';
import { ApiErrorResponses } from '../../common/docs/api-error-responses';
import { ApiIdParams } from '../../common/docs/api-id-params';
import { IdParamPipe } from '../../common/validation/id-param.pipe';
import { MerchantBalanceResponseDto } from './merchant-money.dto';
import { MerchantBalanceService } from './merchant-balance.service';

@ApiTags('merchants')
@ApiErrorResponses({ status: 400, description: 'Malformed id', message: 'Malformed id in the path' }, 429, 503)
@Controller('api/merchants/:merchantId')
export class MerchantMoneyController {
  constructor(private readonly balances: MerchantBalanceService) {}

  @Get('balance')
  @Authenticated({ roles: ['admin', 'merchant'] })
  @ApiOperation({ summary: "A merchant's settlement balance: available, pending and reserved (admins, and the merchant's staff)" })
  @ApiIdParams('merchantId')
  @ApiOkResponse({ type: MerchantBalanceResponseDto, description: 'The balance' })
  @ApiErrorResponses({ status: 404, description: 'No such merchant, or not yours', message: 'Merchant not found' })
  async balance(@Param('merchantId', IdParamPipe) merchantId: string, @CurrentPrincipal() principal: Principal): Promise<MerchantBalanceResponseDto> {
    return { success: true, ...(await this.balances.balance(merchantId, principal)) };
  }
}
