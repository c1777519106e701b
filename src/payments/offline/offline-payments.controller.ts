import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Authenticated } from '../../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator';
import type { Principal } from '../../common/auth/principal';
import { ApiErrorResponses } from '../../common/docs/api-error-responses';
import { requestIdOf } from '../../common/request-id/request-id.middleware';
import { ForwardOfflineTapsUseCase } from './forward-offline-taps.use-case';
import { ForwardOfflineTapsDto, ForwardOfflineTapsResponseDto } from './offline-taps.dto';

@ApiTags('payments')
@ApiErrorResponses(429, 503)
@Controller('api/payment')
export class OfflinePaymentsController {
  constructor(private readonly forwardTaps: ForwardOfflineTapsUseCase) {}

  @Post('offline')
  @HttpCode(200)
  @Authenticated({ roles: ['terminal'] })
  @ApiOperation({
    summary: 'Forward taps a paired terminal took offline (store-and-forward); signed requests only',
    description: 'Up to 100 taps a call. One payment per (terminal, sequence) however often or concurrently a tap is forwarded; a repeat answers duplicate with the same transactionId. Each tap is checked against the offline policy, then like an online tap at its capturedAt. maxTaps and maxTotal hold per terminal across calls: the taps accepted offline whose capturedAt lies within the maxAgeHours before a tap\'s own capturedAt count toward that tap\'s caps, and a tap is accepted only if every such window it falls in stays within them (taps of one call in sequence order); a repeat never counts twice, and a tap declined by a later check does not spend them.',
  })
  @ApiOkResponse({ type: ForwardOfflineTapsResponseDto, description: 'One result per tap' })
  @ApiErrorResponses(
    { status: 400, description: 'Invalid body (1-100 taps, each sequence once, capturedAt ISO 8601, nothing else)' },
    { status: 401, description: 'Missing or invalid signature' },
    { status: 403, description: 'Only for a paired terminal signing its requests', message: 'Only a paired terminal signing its requests forwards offline taps' },
    413,
    415,
  )
  async forward(@Body() dto: ForwardOfflineTapsDto, @CurrentPrincipal() principal: Principal, @Req() req: Request): Promise<ForwardOfflineTapsResponseDto> {
    return { success: true, results: await this.forwardTaps.execute(principal, dto.taps, requestIdOf(req)!) };
  }
}
