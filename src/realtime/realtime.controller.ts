import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../common/auth/authenticated.decorator';
import { ErrorResponseDto } from '../common/filters/error-body';
import { SystemAlertAcceptedDto, SystemAlertDto, WsStatusResponseDto } from './dto/realtime.dto';
import { RealtimeService } from './realtime.service';

/** HTTP side of realtime. `ws-status` keeps the seed's path under the payments prefix. */
@ApiTags('realtime')
@Controller()
export class RealtimeController {
  constructor(private readonly realtime: RealtimeService) {}

  @Get('api/payment/ws-status')
  @Authenticated({ roles: ['admin'] })
  @ApiOperation({ summary: 'Socket.IO connections across every instance (admin)' })
  @ApiOkResponse({ type: WsStatusResponseDto })
  async wsStatus(): Promise<WsStatusResponseDto> {
    return { success: true, websocket: await this.realtime.status() };
  }

  @Post('api/realtime/alerts')
  @HttpCode(202)
  @Authenticated({ roles: ['admin'] })
  @ApiOperation({ summary: 'Send a system:alert to every connected client, or to admins only (admin)' })
  @ApiAcceptedResponse({ type: SystemAlertAcceptedDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  alert(@Body() body: SystemAlertDto): SystemAlertAcceptedDto {
    const audience = body.audience ?? 'all';
    const { delivered, timestamp } = this.realtime.systemAlert({ message: body.message, level: body.level ?? 'info', audience });
    return { success: true, delivered, audience, timestamp };
  }
}
