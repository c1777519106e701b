import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ApiAcceptedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { assertIdempotencyKey } from '../../payments/payments.controller';
import { PayoutsService } from './payouts.service';
import { Authenticated } from '../../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator';
import type { Principal } from '../../common/auth/principal';
import { ApiErrorResponses } from '../../common/docs/api-error-responses';
import { ApiIdParams } from '../../common/docs/api-id-params';
import { IdParamPipe } from '../../common/validation/id-param.pipe';
import { CreatePayoutDto, MerchantBalanceResponseDto, PayoutAcceptedResponseDto, PayoutListResponseDto } from './merchant-money.dto';
import { MerchantBalanceService } from './merchant-balance.service';

@ApiTags('merchants')
@ApiErrorResponses({ status: 400, description: 'Malformed id', message: 'Malformed id in the path' }, 429, 503)
@Controller('api/merchants/:merchantId')
export class MerchantMoneyController {
  constructor(
    private readonly balances: MerchantBalanceService,
    private readonly payouts: PayoutsService,
  ) {}

  @Get('balance')
  @Authenticated({ roles: ['admin', 'merchant'] })
  @ApiOperation({ summary: "A merchant's settlement balance: available, pending and reserved (admins, and the merchant's staff)" })
  @ApiIdParams('merchantId')
  @ApiOkResponse({ type: MerchantBalanceResponseDto, description: 'The balance' })
  @ApiErrorResponses({ status: 404, description: 'No such merchant, or not yours', message: 'Merchant not found' })
  async balance(@Param('merchantId', IdParamPipe) merchantId: string, @CurrentPrincipal() principal: Principal): Promise<MerchantBalanceResponseDto> {
    return { success: true, ...(await this.balances.balance(merchantId, principal)) };
  }

  @Post('payouts')
  @HttpCode(202)
  @Authenticated({ roles: ['admin', 'merchant'] })
  @ApiOperation({
    summary: "Pay out to the merchant's walletAddress (admins, the merchant's owner)",
    description: 'From the settlement wallet, exactly once, the platform paying gas; all that is available when `amount` is omitted. Pending until paid or failed.',
  })
  @ApiIdParams('merchantId')
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Up to 255 printable characters; a retry with the same key is the same payout; another amount under it is a 409' })
  @ApiAcceptedResponse({ type: PayoutAcceptedResponseDto, description: 'Reserved and queued; the transfer follows' })
  @ApiErrorResponses(
    { status: 403, description: "Staff who are not the merchant's owner", message: "Only an admin or the merchant's owner can take a payout" },
    { status: 404, description: 'No such merchant, or not yours', message: 'Merchant not found' },
    { status: 409, description: '`code` insufficient_merchant_balance: more than is available (or nothing is); idempotency_key_reused: the key was used with another amount', message: "The merchant's available balance does not cover this payout" },
    413,
    415,
  )
  async createPayout(
    @Param('merchantId', IdParamPipe) merchantId: string,
    @Body() dto: CreatePayoutDto,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<PayoutAcceptedResponseDto> {
    // Read from the request so the header is documented once, by @ApiHeader.
    const idempotencyKey = req.header('idempotency-key');
    assertIdempotencyKey(idempotencyKey);
    return { success: true, payout: await this.payouts.create(merchantId, dto, principal, idempotencyKey) };
  }

  @Get('payouts')
  @Authenticated({ roles: ['admin', 'merchant'] })
  @ApiOperation({ summary: "A merchant's payouts, newest first (admins, the merchant's staff)" })
  @ApiIdParams('merchantId')
  @ApiOkResponse({ type: PayoutListResponseDto, description: 'The payouts' })
  @ApiErrorResponses({ status: 404, description: 'No such merchant, or not yours', message: 'Merchant not found' })
  async listPayouts(@Param('merchantId', IdParamPipe) merchantId: string, @CurrentPrincipal() principal: Principal): Promise<PayoutListResponseDto> {
    return { success: true, payouts: await this.payouts.list(merchantId, principal) };
  }
}
