import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import type { Principal } from '../common/auth/principal';
import { ErrorResponseDto } from '../common/filters/error-body';
import { IdParamPipe } from '../common/validation/id-param.pipe';
import { AlertsService } from './alerts.service';
import { AcknowledgeAlertDto, AlertListResponseDto, AlertResponseDto, ListAlertsQueryDto } from './dto/notifications.dto';

@ApiTags('alerts')
@Controller('api/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @Authenticated({ roles: ['admin'] })
  @ApiOperation({ summary: 'Failed payments that need a human, newest first' })
  @ApiOkResponse({ type: AlertListResponseDto })
  async list(@Query() query: ListAlertsQueryDto): Promise<AlertListResponseDto> {
    return { success: true, alerts: await this.alerts.list({ status: query.status, limit: query.limit ?? 50 }) };
  }

  @Post(':id/ack')
  @HttpCode(200)
  @Authenticated({ roles: ['admin'] })
  @ApiOperation({ summary: 'Acknowledge an alert (idempotent)' })
  @ApiOkResponse({ type: AlertResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async acknowledge(@Param('id', IdParamPipe) id: string, @Body() dto: AcknowledgeAlertDto, @CurrentPrincipal() principal: Principal): Promise<AlertResponseDto> {
    return { success: true, alert: await this.alerts.acknowledge(id, principal, dto.note) };
  }
}
