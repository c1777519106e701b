import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import type { Principal } from '../common/auth/principal';
import { ApiErrorResponses } from '../common/docs/api-error-responses';
import { ApiIdParams } from '../common/docs/api-id-params';
import { IdParamPipe } from '../common/validation/id-param.pipe';
import { AlertsService } from './alerts.service';
import { AcknowledgeAlertDto, AlertListResponseDto, AlertResponseDto, ListAlertsQueryDto } from './dto/notifications.dto';

@ApiTags('alerts')
@ApiErrorResponses(400, 429, 503)
@Controller('api/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @Authenticated({ roles: ['admin'] })
  @ApiOperation({ summary: 'Failed payments that need a human, newest first' })
  @ApiOkResponse({ type: AlertListResponseDto, description: 'The alerts' })
  async list(@Query() query: ListAlertsQueryDto): Promise<AlertListResponseDto> {
    return { success: true, alerts: await this.alerts.list({ status: query.status, limit: query.limit ?? 50 }) };
  }

  @Post(':id/ack')
  @HttpCode(200)
  @Authenticated({ roles: ['admin'] })
  @ApiOperation({ summary: 'Acknowledge an alert (idempotent)' })
  @ApiIdParams('id')
  @ApiOkResponse({ type: AlertResponseDto, description: 'The alert, acknowledged' })
  @ApiErrorResponses({ status: 404, description: 'No such alert', message: 'Alert not found' }, 413, 415)
  async acknowledge(@Param('id', IdParamPipe) id: string, @Body() dto: AcknowledgeAlertDto, @CurrentPrincipal() principal: Principal): Promise<AlertResponseDto> {
    return { success: true, alert: await this.alerts.acknowledge(id, principal, dto.note) };
  }
}
