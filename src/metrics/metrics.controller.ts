import { Controller, Get, Header, Inject, Req, Res, UnauthorizedException } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../common/docs/api-error-responses';
import type { Request, Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Public } from '../common/auth/public.decorator';
import { NoRateLimit } from '../common/throttling/rate-limit.decorator';
import { metricsConfig, type MetricsConfig } from '../config/app.config';
import { MetricsService } from './metrics.service';

/**
 * `GET /metrics` in Prometheus' text format, always behind `Authorization: Bearer <METRICS_TOKEN>`
 * (never open by default). Not an API route: no JWT, no rate limit. A worker-only process serves
 * it on METRICS_PORT.
 */
@ApiTags('metrics')
@NoRateLimit()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(metricsConfig.KEY) private readonly config: MetricsConfig,
  ) {}

  @Public()
  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: "Prometheus metrics (text exposition format), for the operator's scraper",
    description: 'Needs `Authorization: Bearer <METRICS_TOKEN>` (not a user JWT): required in production, generated into the development secrets and printed in the start banner otherwise. Not rate limited.',
  })
  @ApiBearerAuth()
  @ApiOkResponse({
    description: 'The metrics, in Prometheus text format 0.0.4',
    content: { 'text/plain': { schema: { type: 'string' }, example: '# HELP nfcpay_payments_completed_total Payments settled on chain\n# TYPE nfcpay_payments_completed_total counter\nnfcpay_payments_completed_total 42\n' } },
  })
  @ApiErrorResponses({ status: 401, description: 'No bearer token, or not METRICS_TOKEN', message: 'A valid METRICS_TOKEN bearer token is required' })
  async scrape(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (!tokenMatches(req.headers.authorization, this.config.token)) {
      throw new UnauthorizedException('A valid METRICS_TOKEN bearer token is required');
    }
    res.setHeader('Content-Type', this.metrics.contentType());
    res.send(await this.metrics.render());
  }
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '';
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(token));
}
