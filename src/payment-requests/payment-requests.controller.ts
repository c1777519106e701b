import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Authenticated } from '../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import type { Principal } from '../common/auth/principal';
import { ApiErrorResponses, errorExample } from '../common/docs/api-error-responses';
import { ApiIdParams } from '../common/docs/api-id-params';
import { ErrorResponseDto } from '../common/filters/error-body';
import { requestIdOf } from '../common/request-id/request-id.middleware';
import { RateLimit } from '../common/throttling/rate-limit.decorator';
import { IdParamPipe } from '../common/validation/id-param.pipe';
import { PaymentAcceptedDto } from '../payments/dto/process-payment.dto';
import { ApiPaymentBadRequest } from '../payments/payments.docs';
import { CreatedPaymentRequestDto, CreatePaymentRequestDto, PaymentRequestDto, PayPaymentRequestDto } from './payment-requests.dto';
import { PaymentRequestsService } from './payment-requests.service';

@ApiTags('payment-requests')
@ApiExtraModels(ErrorResponseDto)
@ApiErrorResponses({ status: 400, description: 'Invalid body or id; `details` names the fields' }, 429, 503)
@Controller('api/payment-requests')
export class PaymentRequestsController {
  constructor(private readonly requests: PaymentRequestsService) {}

  @Post()
  @Authenticated({ roles: ['merchant', 'terminal'] })
  @ApiOperation({
    summary: "Ask for a payment by QR code (the merchant's staff and terminals)",
    description: "Answers a Sui Payment Kit URI to the merchant's settlement wallet, with the request id as its nonce, and that URI as a QR code; a cardholder pays it with POST /api/payment-requests/:paymentRequestId/pay.",
  })
  @ApiCreatedResponse({ type: CreatedPaymentRequestDto, description: 'The open request, its URI and QR code' })
  @ApiErrorResponses({ status: 403, description: 'Only for: merchant, terminal', message: 'This route is not for your role' }, { status: 404, description: "Staff named a terminal that is not their merchant's", message: 'Terminal not found' }, 413, 415)
  create(@Body() dto: CreatePaymentRequestDto, @CurrentPrincipal() principal: Principal): Promise<CreatedPaymentRequestDto> {
    return this.requests.create(dto, principal);
  }

  @Get(':paymentRequestId')
  @Authenticated({ roles: ['user', 'merchant', 'terminal', 'admin'] })
  @ApiOperation({ summary: 'A payment request (anyone signed in who has its id; merchant callers only their own)' })
  @ApiIdParams('paymentRequestId')
  @ApiOkResponse({ type: PaymentRequestDto, description: 'The request as it stands now' })
  @ApiErrorResponses({ status: 404, description: "No such request, or another merchant's", message: 'Payment request not found' })
  get(@Param('paymentRequestId', IdParamPipe) id: string, @CurrentPrincipal() principal: Principal): Promise<PaymentRequestDto> {
    return this.requests.get(id, principal);
  }

  @Post(':paymentRequestId/pay')
  @RateLimit({ kind: 'payment' })
  @Authenticated({ roles: ['user'] })
  @ApiOperation({
    summary: 'Pay a payment request with one of your cards (cardholders)',
    description: 'The same accept pipeline as a tap (card, limits, fraud, settlement, events). A request is paid at most once: of any number paying at once, one is accepted and the rest answer 409. A declined payment leaves the request open.',
  })
  @ApiIdParams('paymentRequestId')
  @ApiAcceptedResponse({ type: PaymentAcceptedDto, description: 'Accepted: the payment is pending and settles in the background' })
  @ApiPaymentBadRequest()
  @ApiResponse({
    status: 410,
    description: 'The request has expired (`code`: payment_request_expired)',
    content: { 'application/json': { schema: { $ref: getSchemaPath(ErrorResponseDto) }, example: { ...errorExample(409, 'This payment request has expired'), error: 'Gone', code: 'payment_request_expired' } } },
  })
  @ApiErrorResponses(
    { status: 403, description: 'Only for: user', message: 'This route is not for your role' },
    { status: 404, description: 'No such request', message: 'Payment request not found' },
    { status: 409, description: '`code`: payment_request_paid (already paid, or another payer is paying it now)', message: 'This payment request is already paid, or being paid' },
    413,
    415,
  )
  async pay(
    @Param('paymentRequestId', IdParamPipe) id: string,
    @Body() dto: PayPaymentRequestDto,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Record<string, unknown>> {
    const answer = await this.requests.pay(id, dto.cardUuid, principal, requestIdOf(req)!);
    res.status(answer.status);
    return answer.body;
  }
}
