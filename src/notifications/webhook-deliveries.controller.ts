import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import type { Principal } from '../common/auth/principal';
import { ApiErrorResponses } from '../common/docs/api-error-responses';
import { ApiIdParams } from '../common/docs/api-id-params';
import { IdParamPipe } from '../common/validation/id-param.pipe';
import { DeliveryListResponseDto, ListDeliveriesQueryDto, ResendResponseDto } from './dto/notifications.dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('merchants')
@ApiIdParams('merchantId')
@ApiErrorResponses(400, { status: 404, description: 'No such merchant or delivery (or not yours)', message: 'Delivery not found' }, 429, 503)
@Controller('api/merchants/:merchantId/webhooks/deliveries')
export class WebhookDeliveriesController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @Authenticated({ roles: ['admin', 'terminal', 'merchant'] })
  @ApiOperation({ summary: "A merchant's webhook deliveries, newest first, each with its attempt log (status, response code, latency)" })
  @ApiOkResponse({ type: DeliveryListResponseDto, description: 'The deliveries' })
  async list(
    @Param('merchantId', IdParamPipe) merchantId: string,
    @Query() query: ListDeliveriesQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<DeliveryListResponseDto> {
    return { success: true, deliveries: await this.webhooks.list(merchantId, principal, { limit: query.limit ?? 50, status: query.status }) };
  }

  @Post(':deliveryId/resend')
  @HttpCode(202)
  @Authenticated({ roles: ['admin', 'terminal', 'merchant'] })
  @ApiOperation({ summary: 'Deliver an event again (same event id and body, fresh signature)' })
  @ApiIdParams('deliveryId')
  @ApiAcceptedResponse({ type: ResendResponseDto, description: 'Queued for delivery again' })
  async resend(
    @Param('merchantId', IdParamPipe) merchantId: string,
    @Param('deliveryId', IdParamPipe) deliveryId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ResendResponseDto> {
    return { success: true, ...(await this.webhooks.resend(merchantId, deliveryId, principal)) };
  }
}
