import { RateLimit } from '../common/throttling/rate-limit.decorator';
import { BadRequestException, Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Authenticated } from '../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import type { Principal } from '../common/auth/principal';
import { ApiErrorResponses } from '../common/docs/api-error-responses';
import { ApiIdParams } from '../common/docs/api-id-params';
import { requestIdOf } from '../common/request-id/request-id.middleware';
import { IdParamPipe } from '../common/validation/id-param.pipe';
import { QueueStatusResponseDto, TransactionHistoryQueryDto, TransactionHistoryResponseDto, TransactionStatusResponseDto } from './dto/payment-query.dto';
import { ProcessPaymentDto } from './dto/process-payment.dto';
import { ApiPaymentAccepted, ApiPaymentBadRequest } from './payments.docs';
import { PaymentsService } from './payments.service';
import { InitiatePaymentUseCase } from './use-cases/initiate-payment.use-case';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** An empty key would silently turn idempotency off for a client that meant to use it. */
export function assertIdempotencyKey(key: string | undefined): void {
  if (key === undefined || IDEMPOTENCY_KEY.test(key)) return;
  const problem = key.trim() === '' ? 'Idempotency-Key is empty: send 1-255 printable ASCII characters (e.g. a UUID), or leave the header out' : 'Idempotency-Key must be 1-255 printable ASCII characters without spaces (e.g. a UUID)';
  throw new BadRequestException({ message: 'Validation failed', details: [{ field: 'Idempotency-Key', errors: [problem] }] });
}

@ApiTags('payments')
@ApiErrorResponses(429, 503)
@Controller('api/payment')
export class PaymentsController {
  constructor(
    private readonly initiate: InitiatePaymentUseCase,
    private readonly payments: PaymentsService,
  ) {}

  @Post('process-async')
  @RateLimit({ kind: 'payment' })
  @Authenticated({ roles: ['terminal', 'user'] })
  @ApiOperation({ summary: 'Accept an NFC tap; settles on Sui in the background', description: 'Answers 202 in milliseconds; follow it at statusUrl or on the websocketChannel.' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Up to 255 printable characters; a retry with the same key and body is the same payment' })
  @ApiPaymentAccepted()
  @ApiPaymentBadRequest()
  @ApiErrorResponses(
    { status: 403, description: 'Only for: terminal, user; a terminal pays only as itself', message: 'A terminal may take payments only for its own merchant and terminal id' },
    { status: 409, description: 'Idempotency-Key reused with another body, or its first request is still running', message: 'This Idempotency-Key was already used with a different request body' },
    413,
    415,
    { status: 429, description: 'Rate limit per caller or per card passed; retry after Retry-After seconds', message: 'Rate limit "strict-nfc-card" exceeded (30 per 60 s); retry in 12 s' },
  )
  async processAsync(
    @Body() body: ProcessPaymentDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Record<string, unknown>> {
    assertIdempotencyKey(idempotencyKey);
    const answer = await this.initiate.execute({ principal, body, idempotencyKey, requestId: requestIdOf(req)! });
    res.status(answer.status);
    return answer.body;
  }

  @Get('status/:transactionId')
  @Authenticated({ roles: ['user', 'terminal', 'admin', 'merchant'] })
  @ApiOperation({ summary: "A payment's status (the cardholder's, the merchant's terminals', or any for admins)" })
  @ApiIdParams('transactionId')
  @ApiOkResponse({ type: TransactionStatusResponseDto, description: 'The payment as it stands now' })
  @ApiErrorResponses({ status: 400, description: 'Malformed transactionId', message: 'Malformed id in the path' }, { status: 404, description: 'Unknown, or not yours', message: 'Transaction not found' })
  async status(@Param('transactionId', IdParamPipe) transactionId: string, @CurrentPrincipal() principal: Principal): Promise<TransactionStatusResponseDto> {
    return { success: true, transaction: await this.payments.status(transactionId, principal) };
  }

  @Get('transactions')
  @Authenticated({ roles: ['user', 'terminal', 'admin', 'merchant'] })
  @ApiOperation({ summary: 'Payment history, newest first, cursor-paginated, scoped to the caller' })
  @ApiOkResponse({ type: TransactionHistoryResponseDto, description: 'One page of payments; nextCursor fetches the next' })
  @ApiErrorResponses({ status: 400, description: 'Invalid query; `details` names the parameters' })
  async history(@Query() query: TransactionHistoryQueryDto, @CurrentPrincipal() principal: Principal): Promise<TransactionHistoryResponseDto> {
    return { success: true, ...(await this.payments.history(query, principal)) };
  }

  @Post(':transactionId/cancel')
  @HttpCode(200)
  @Authenticated({ roles: ['user', 'terminal', 'admin', 'merchant'] })
  @ApiOperation({ summary: 'Cancel a payment that is still pending; its limit is given back' })
  @ApiIdParams('transactionId')
  @ApiOkResponse({ type: TransactionStatusResponseDto, description: 'Cancelled; the payment as it stands now' })
  @ApiErrorResponses(
    { status: 400, description: 'Malformed transactionId', message: 'Malformed id in the path' },
    { status: 403, description: "Yours to see but not to cancel: a merchant's terminal took it", message: 'Only whoever took this payment (or its merchant) can cancel it' },
    { status: 404, description: 'Unknown, or not yours', message: 'Transaction not found' },
    { status: 409, description: 'No longer pending', message: 'Only a pending payment can be cancelled' },
  )
  async cancel(@Param('transactionId', IdParamPipe) transactionId: string, @CurrentPrincipal() principal: Principal): Promise<TransactionStatusResponseDto> {
    return { success: true, transaction: await this.payments.cancel(transactionId, principal) };
  }

  @Get('queue-status')
  @Authenticated()
  @ApiOperation({ summary: 'Depth of the payments and notifications queues', description: 'Job counts only, for any authenticated caller.' })
  @ApiOkResponse({ type: QueueStatusResponseDto, description: 'Job counts per queue' })
  async queueStatus(): Promise<QueueStatusResponseDto> {
    return { success: true, queues: await this.payments.queueStatus(), timestamp: new Date() };
  }
}
