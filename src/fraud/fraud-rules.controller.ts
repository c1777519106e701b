import { Body, Controller, Get, HttpCode, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import type { Principal } from '../common/auth/principal';
import { ApiErrorResponses } from '../common/docs/api-error-responses';
import {
  AuditQueryDto,
  AuditResponseDto,
  BacktestRequestDto,
  BacktestResponseDto,
  RulesResponseDto,
  UpdateRulesDto,
} from './dto/rules.dto';
import { FraudAuditService } from './fraud-audit.service';
import { FraudBacktestService } from './fraud-backtest.service';
import { toAuditEntry, toBacktestResponse, toRulesResponse } from './fraud.mappers';
import { FraudRulesService } from './fraud-rules.service';

@ApiTags('fraud')
@Authenticated({ roles: ['admin'] })
@ApiErrorResponses(429, 503)
@Controller('api/fraud')
export class FraudRulesController {
  constructor(
    private readonly rules: FraudRulesService,
    private readonly backtests: FraudBacktestService,
    private readonly audit: FraudAuditService,
  ) {}

  @Get('rules')
  @ApiOperation({ summary: 'The active fraud rule set: per rule enabled, weight and thresholds; decision thresholds' })
  @ApiOkResponse({ type: RulesResponseDto, description: 'The active rule set and its version' })
  async get(): Promise<RulesResponseDto> {
    return toRulesResponse(await this.rules.reload());
  }

  @Put('rules')
  @ApiOperation({
    summary: 'Change the rule set (parts left out keep their value); applies to the next payment on every instance and is audited',
  })
  @ApiOkResponse({ type: RulesResponseDto, description: 'The new active rule set and its version' })
  @ApiErrorResponses(
    { status: 400, description: 'Invalid values, or reviewAt above blockAt' },
    { status: 409, description: 'Changed concurrently too often; retry', message: 'The rules changed concurrently; try again' },
    413,
    415,
  )
  async update(@Body() body: UpdateRulesDto, @CurrentPrincipal() principal: Principal): Promise<RulesResponseDto> {
    return toRulesResponse(await this.rules.update(body, principal.id));
  }

  @Post('rules/backtest')
  @HttpCode(200)
  @ApiOperation({ summary: 'Replay the payments of the last N days through a proposed rule set; saves nothing' })
  @ApiOkResponse({ type: BacktestResponseDto, description: 'How the proposal would have decided, against what was decided' })
  @ApiErrorResponses({ status: 400, description: 'Invalid proposal or too many days' }, 413, 415)
  async backtest(@Body() body: BacktestRequestDto): Promise<BacktestResponseDto> {
    return toBacktestResponse(await this.backtests.run(body.rules, body.days));
  }

  @Get('audit')
  @ApiOperation({ summary: 'Who changed rules, lists and reviews, and when; newest first' })
  @ApiOkResponse({ type: AuditResponseDto, description: 'The audit entries' })
  @ApiErrorResponses({ status: 400, description: 'Invalid query; `details` names the parameters' })
  async history(@Query() query: AuditQueryDto): Promise<AuditResponseDto> {
    const entries = await this.audit.recent(query.limit ?? 50);
    return { success: true, entries: entries.map(toAuditEntry) };
  }
}
