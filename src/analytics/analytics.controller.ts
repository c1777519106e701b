import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import type { Principal } from '../common/auth/principal';
import { ApiErrorResponses } from '../common/docs/api-error-responses';
import { AnalyticsService } from './analytics.service';
import { AnalyticsRangeQueryDto, AnalyticsSummaryDto, TimeseriesDto, TimeseriesQueryDto } from './dto/analytics.dto';

const NOT_THEIRS = { status: 403 as const, description: 'A cardholder, or a terminal or staff member naming another merchant', message: "Only an admin or the merchant's own terminals and staff may read its figures" };

@ApiTags('analytics')
@Authenticated({ roles: ['admin', 'terminal', 'merchant'] })
@ApiErrorResponses(400, 429, 503)
@Controller('api/analytics')
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsService) {}

  @Get('summary')
  @ApiOperation({ summary: 'Payment figures over [from, to), from rollups', description: 'Counts every tap answered; volume is the approved amount before refunds; net is volume less refunds. Figures count at the tap (refunds at their own time).' })
  @ApiOkResponse({ type: AnalyticsSummaryDto, description: 'The figures' })
  @ApiErrorResponses(NOT_THEIRS)
  summary(@Query() query: AnalyticsRangeQueryDto, @CurrentPrincipal() principal: Principal): Promise<AnalyticsSummaryDto> {
    return this.analytics.summary(query, principal);
  }

  @Get('timeseries')
  @ApiOperation({ summary: 'One metric per minute, hour or day over [from, to)', description: 'from and to fall on whole intervals (UTC); at most 1500 points.' })
  @ApiOkResponse({ type: TimeseriesDto, description: 'The points, oldest first' })
  @ApiErrorResponses(NOT_THEIRS)
  timeseries(@Query() query: TimeseriesQueryDto, @CurrentPrincipal() principal: Principal): Promise<TimeseriesDto> {
    return this.analytics.timeseries(query, principal);
  }
}
