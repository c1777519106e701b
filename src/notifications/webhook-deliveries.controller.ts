import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import type { Principal } from '../common/auth/principal';
import { ErrorResponseDto } from '../common/filters/error-body';
import { IdParamPipe } from '../common/validation/id-param.pipe';
import { DeliveryListResponseDto, ListDeliveriesQueryDto, ResendResponseDto } from './dto/notifications.dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('merchants')
@ApiBadRequestResponse({ type: ErrorResponseDto })
@ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such merchant or delivery (or not yours)' })
@Controller('api/merchants/:merchantId/webhooks/deliveries')
export class WebhookDeliveriesController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @Authenticated({ roles: ['admin', 'terminal'] })
  @ApiOperation({ summary: "A merchant's webhook deliveries, newest first, each with its attempt log (status, response code, latency)" })
  @ApiOkResponse({ type: DeliveryListResponseDto })
  async list(
    @Param('merchantId', IdParamPipe) merchantId: string,
    @Query() query: ListDeliveriesQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<DeliveryListResponseDto> {
    return { success: true, deliveries: await this.webhooks.list(merchantId, principal, { limit: query.limit ?? 50, status: query.status }) };
  }

  @Post(':deliveryId/resend')
  @HttpCode(202)
  @Authenticated({ roles: ['admin', 'terminal'] })
  @ApiOperation({ summary: 'Deliver an event again (same event id and body, fresh signature)' })
  @ApiAcceptedResponse({ type: ResendResponseDto })
  async resend(
    @Param('merchantId', IdParamPipe) merchantId: string,
    @Param('deliveryId', IdParamPipe) deliveryId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ResendResponseDto> {
    return { success: true, ...(await this.webhooks.resend(merchantId, deliveryId, principal)) };
  }
}
