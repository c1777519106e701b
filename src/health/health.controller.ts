import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { errorExample } from '../common/docs/api-error-responses';
import { Public } from '../common/auth/public.decorator';
import { NoRateLimit } from '../common/throttling/rate-limit.decorator';
import { ErrorResponseDto } from '../common/filters/error-body';
import { LivenessDto, ReadinessDto } from './dto/health.dto';
import { HealthService } from './health.service';

@ApiTags('health')
@Public()
@NoRateLimit()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @ApiOperation({ summary: 'Liveness: the process is up and serving' })
  @ApiOkResponse({ type: LivenessDto, description: 'Up' })
  live(): LivenessDto {
    return { success: true, status: 'ok', uptimeSeconds: Math.round(process.uptime()), chain: this.health.chain(), ledger: this.health.ledger() };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: MongoDB and Redis answer a ping' })
  @ApiOkResponse({ type: ReadinessDto, description: 'Ready: every dependency answered' })
  @ApiServiceUnavailableResponse({
    type: ErrorResponseDto,
    description: 'A dependency is down; `message` names it and `checks` has each state',
    example: { ...errorExample(503, 'Not ready: redis down'), checks: { mongodb: 'up', redis: 'down' } },
  })
  async ready(): Promise<ReadinessDto> {
    const { ready, checks } = await this.health.readiness();
    if (!ready) {
      const down = Object.entries(checks).filter(([, state]) => state === 'down').map(([name]) => name);
      throw new ServiceUnavailableException({ message: `Not ready: ${down.join(' and ')} down`, checks });
    }
    return { success: true, status: 'ready', checks };
  }
}
