import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ApiAcceptedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import type { Principal } from '../common/auth/principal';
import { ApiErrorResponses } from '../common/docs/api-error-responses';
import { ApiIdParams } from '../common/docs/api-id-params';
import { IdParamPipe } from '../common/validation/id-param.pipe';
import { assertIdempotencyKey } from '../payments/payments.controller';
import { CreateRefundDto, RefundAcceptedResponseDto, RefundCanceledResponseDto, RefundListResponseDto } from './dto/refund.dto';
import { RefundsService } from './refunds.service';

@ApiTags('refunds')
@ApiErrorResponses({ status: 400, description: 'Invalid body, id or Idempotency-Key; `details` names the fields' }, 429, 503)
@Controller('api/payment/:transactionId/refunds')
export class RefundsController {
  constructor(private readonly refunds: RefundsService) {}

  @Post()
  @HttpCode(202)
  @Authenticated({ roles: ['admin', 'merchant', 'terminal'] })
  @ApiOperation({
    summary: 'Refund a completed payment, wholly or in part (the merchant\'s staff and terminals, admins)',
    description:
      "Several partial refunds may add up to the payment's amount. The money goes from the merchant's settlement wallet back to the cardholder's wallet, exactly once, the platform paying gas; watch `refund:update` or GET the list for the outcome.",
  })
  @ApiIdParams('transactionId')
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Up to 255 printable characters; a retry with the same key is the same refund; another amount or reason under it is a 409' })
  @ApiAcceptedResponse({ type: RefundAcceptedResponseDto, description: 'Reserved and queued; the transfer follows' })
  @ApiErrorResponses(
    { status: 404, description: "No such payment, or not your merchant's", message: 'Transaction not found' },
    {
      status: 409,
      description: '`code`: payment_not_refundable (not completed; a pending one can be cancelled instead), refund_exceeds_remaining, insufficient_merchant_balance, idempotency_key_reused (the key was used with another amount or reason)',
      message: 'The refund is more than what remains refundable of this payment',
    },
    413,
    415,
  )
  async create(
    @Param('transactionId', IdParamPipe) transactionId: string,
    @Body() dto: CreateRefundDto,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<RefundAcceptedResponseDto> {
    // Read from the request so the header is documented once, by @ApiHeader.
    const idempotencyKey = req.header('idempotency-key');
    assertIdempotencyKey(idempotencyKey);
    return { success: true, refund: await this.refunds.create(transactionId, dto, principal, idempotencyKey) };
  }

  @Post(':refundId/cancel')
  @HttpCode(200)
  @Authenticated({ roles: ['admin', 'merchant', 'terminal'] })
  @ApiOperation({
    summary: 'Cancel a pending refund before its transfer starts (whoever may refund)',
    description:
      "The refund becomes `canceled` and its amount is available and refundable again; `refund:update` and a `refund.canceled` webhook follow. Its job and a cancel race for one unique claim, so a refund is either sent or canceled, never both. Canceling a canceled refund answers it again.",
  })
  @ApiIdParams('transactionId', 'refundId')
  @ApiOkResponse({ type: RefundCanceledResponseDto, description: 'Canceled' })
  @ApiErrorResponses(
    { status: 404, description: "No such payment or refund, or not your merchant's", message: 'Refund not found' },
    { status: 409, description: '`code`: refund_not_cancelable (its transfer has started, or it succeeded or failed)', message: 'This refund is already being sent on chain; it can no longer be canceled' },
  )
  async cancel(
    @Param('transactionId', IdParamPipe) transactionId: string,
    @Param('refundId', IdParamPipe) refundId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RefundCanceledResponseDto> {
    return { success: true, refund: await this.refunds.cancel(transactionId, refundId, principal) };
  }

  @Get()
  @Authenticated({ roles: ['admin', 'merchant', 'terminal', 'user'] })
  @ApiOperation({ summary: "A payment's refunds, oldest first (its merchant, its cardholder, admins)" })
  @ApiIdParams('transactionId')
  @ApiOkResponse({ type: RefundListResponseDto, description: 'The refunds' })
  @ApiErrorResponses({ status: 404, description: 'No such payment, or not yours', message: 'Transaction not found' })
  async list(@Param('transactionId', IdParamPipe) transactionId: string, @CurrentPrincipal() principal: Principal): Promise<RefundListResponseDto> {
    return { success: true, refunds: await this.refunds.list(transactionId, principal) };
  }
}
