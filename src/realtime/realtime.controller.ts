import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { isAdmin, type Principal } from '../common/auth/principal';
import { ApiErrorResponses } from '../common/docs/api-error-responses';
import { SystemAlertAcceptedDto, SystemAlertDto, toWebsocketSummary, WsStatusResponseDto } from './dto/realtime.dto';
import { RealtimeService } from './realtime.service';

/** HTTP side of realtime. `ws-status` keeps the seed's path under the payments prefix. */
@ApiTags('realtime')
@ApiErrorResponses(429, 503)
@Controller()
export class RealtimeController {
  constructor(private readonly realtime: RealtimeService) {}

  @Get('api/payment/ws-status')
  @Authenticated()
  @ApiOperation({ summary: 'Socket.IO connections across every instance', description: 'Any caller gets the counts; admins also get the ids of the connected users.' })
  @ApiOkResponse({ type: WsStatusResponseDto, description: 'Connection counts (and, for admins, who is connected)' })
  async wsStatus(@CurrentPrincipal() principal: Principal): Promise<WsStatusResponseDto> {
    const status = await this.realtime.status();
    return { success: true, websocket: isAdmin(principal) ? status : toWebsocketSummary(status) };
  }

  @Post('api/realtime/alerts')
  @HttpCode(202)
  @Authenticated({ roles: ['admin'] })
  @ApiOperation({ summary: 'Send a system:alert to every connected client, or to admins only (admin)' })
  @ApiAcceptedResponse({ type: SystemAlertAcceptedDto, description: 'Sent to the sockets connected now' })
  @ApiErrorResponses(400, 413, 415)
  alert(@Body() body: SystemAlertDto): SystemAlertAcceptedDto {
    const audience = body.audience ?? 'all';
    const { delivered, timestamp } = this.realtime.systemAlert({ message: body.message, level: body.level ?? 'info', audience });
    return { success: true, delivered, audience, timestamp };
  }
}
