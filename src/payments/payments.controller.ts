import { BadRequestException, Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Authenticated } from '../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import type { Principal } from '../common/auth/principal';
import { ErrorResponseDto } from '../common/filters/error-body';
import { requestIdOf } from '../common/request-id/request-id.middleware';
import { IdParamPipe } from '../common/validation/id-param.pipe';
import { QueueStatusResponseDto, TransactionHistoryQueryDto, TransactionHistoryResponseDto, TransactionStatusResponseDto } from './dto/payment-query.dto';
import { PaymentAcceptedDto, PaymentDeclinedDto, ProcessPaymentDto } from './dto/process-payment.dto';
import { PaymentsService } from './payments.service';
import { InitiatePaymentUseCase } from './use-cases/initiate-payment.use-case';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

@ApiTags('payments')
@Controller('api/payment')
export class PaymentsController {
  constructor(
    private readonly initiate: InitiatePaymentUseCase,
    private readonly payments: PaymentsService,
  ) {}

  @Post('process-async')
  @Authenticated({ roles: ['terminal', 'user'] })
  @ApiOperation({ summary: 'Accept an NFC tap; settles on Sui in the background', description: 'Answers 202 in milliseconds; follow it at statusUrl or on the websocketChannel.' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Up to 255 printable characters; a retry with the same key and body is the same payment' })
  @ApiAcceptedResponse({ type: PaymentAcceptedDto })
  @ApiBadRequestResponse({ type: PaymentDeclinedDto, description: 'Declined (declineCode says why), or an invalid body (the standard error shape)' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Idempotency-Key reused with another body, or its first request is still running' })
  async processAsync(
    @Body() body: ProcessPaymentDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Record<string, unknown>> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new BadRequestException({ message: 'Validation failed', details: [{ field: 'Idempotency-Key', errors: ['must be 1-255 printable ASCII characters'] }] });
    }
    const answer = await this.initiate.execute({ principal, body, idempotencyKey, requestId: requestIdOf(req)! });
    res.status(answer.status);
    return answer.body;
  }

  @Get('status/:transactionId')
  @Authenticated({ roles: ['user', 'terminal', 'admin'] })
  @ApiOperation({ summary: "A payment's status (the cardholder's, the merchant's terminals', or any for admins)" })
  @ApiOkResponse({ type: TransactionStatusResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown, or not yours' })
  async status(@Param('transactionId', IdParamPipe) transactionId: string, @CurrentPrincipal() principal: Principal): Promise<TransactionStatusResponseDto> {
    return { success: true, transaction: await this.payments.status(transactionId, principal) };
  }

  @Get('transactions')
  @Authenticated({ roles: ['user', 'terminal', 'admin'] })
  @ApiOperation({ summary: 'Payment history, newest first, cursor-paginated, scoped to the caller' })
  @ApiOkResponse({ type: TransactionHistoryResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  async history(@Query() query: TransactionHistoryQueryDto, @CurrentPrincipal() principal: Principal): Promise<TransactionHistoryResponseDto> {
    return { success: true, ...(await this.payments.history(query, principal)) };
  }

  @Post(':transactionId/cancel')
  @HttpCode(200)
  @Authenticated({ roles: ['user', 'terminal', 'admin'] })
  @ApiOperation({ summary: 'Cancel a payment that is still pending; its limit is given back' })
  @ApiOkResponse({ type: TransactionStatusResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown, or not yours' })
  @ApiForbiddenResponse({ type: ErrorResponseDto, description: "Yours to see but not to cancel: a merchant's terminal took it" })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'No longer pending' })
  async cancel(@Param('transactionId', IdParamPipe) transactionId: string, @CurrentPrincipal() principal: Principal): Promise<TransactionStatusResponseDto> {
    return { success: true, transaction: await this.payments.cancel(transactionId, principal) };
  }

  @Get('queue-status')
  @Authenticated({ roles: ['admin'] })
  @ApiOperation({ summary: 'Depth of the payments and notifications queues' })
  @ApiOkResponse({ type: QueueStatusResponseDto })
  async queueStatus(): Promise<QueueStatusResponseDto> {
    return { success: true, queues: await this.payments.queueStatus(), timestamp: new Date() };
  }
}
