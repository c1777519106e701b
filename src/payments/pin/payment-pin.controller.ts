import { Body, Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Authenticated } from '../../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator';
import type { Principal } from '../../common/auth/principal';
import { ApiErrorResponses, errorExample } from '../../common/docs/api-error-responses';
import { ErrorResponseDto } from '../../common/filters/error-body';
import { ApiIdParams } from '../../common/docs/api-id-params';
import { requestIdOf } from '../../common/request-id/request-id.middleware';
import { IdParamPipe } from '../../common/validation/id-param.pipe';
import { ApiPinBadRequest } from '../payments.docs';
import { PinVerifiedDto, SubmitPinDto } from './payment-pin.dto';
import { SubmitPinUseCase } from './submit-pin.use-case';

@ApiTags('payments')
@ApiErrorResponses(429, 503)
@Controller('api/payment')
export class PaymentPinController {
  constructor(private readonly submitPin: SubmitPinUseCase) {}

  @Post(':transactionId/pin')
  @HttpCode(200)
  @Authenticated({ roles: ['terminal'] })
  @ApiOperation({
    summary: "The cardholder's PIN for a tap that answered requires_pin (the terminal that took it)",
    description: 'Right → the payment goes on to pending and settles. Wrong → 400 pin_incorrect with attemptsLeft (3 wrong PINs per card in all; a right one starts again); the third declines the payment and blocks the card (pin_blocked) until its holder unblocks it. However many submissions race, one decides.',
  })
  @ApiIdParams('transactionId')
  @ApiOkResponse({ type: PinVerifiedDto, description: 'PIN verified: the payment is pending and settles in the background' })
  @ApiPinBadRequest()
  @ApiResponse({
    status: 410,
    description: 'No PIN in time (`code`: pin_expired): the payment is expired and its limit given back',
    content: { 'application/json': { schema: { $ref: getSchemaPath(ErrorResponseDto) }, example: { ...errorExample(409, 'No PIN was entered in time: the payment expired and its limit was given back'), error: 'Gone', code: 'pin_expired' } } },
  })
  @ApiErrorResponses(
    { status: 404, description: 'Unknown, or taken by another terminal or merchant', message: 'Transaction not found' },
    { status: 409, description: 'Not waiting for a PIN (any more; `code`: pin_not_expected): verified already, declined, or never asked', message: 'The PIN was verified already for this payment' },
    413,
    415,
  )
  async submit(
    @Param('transactionId', IdParamPipe) transactionId: string,
    @Body() dto: SubmitPinDto,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Record<string, unknown>> {
    const answer = await this.submitPin.execute(principal, transactionId, dto.pin, requestIdOf(req)!);
    res.status(answer.status);
    return answer.body;
  }
}
