import { Body, Controller, Get, HttpCode, Post, Put, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import type { Principal } from '../common/auth/principal';
import { ErrorResponseDto } from '../common/filters/error-body';
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
@Controller('api/fraud')
export class FraudRulesController {
  constructor(
    private readonly rules: FraudRulesService,
    private readonly backtests: FraudBacktestService,
    private readonly audit: FraudAuditService,
  ) {}

  @Get('rules')
  @ApiOperation({ summary: 'The active fraud rule set: per rule enabled, weight and thresholds; decision thresholds' })
  @ApiOkResponse({ type: RulesResponseDto })
  async get(): Promise<RulesResponseDto> {
    return toRulesResponse(await this.rules.reload());
  }

  @Put('rules')
  @ApiOperation({
    summary: 'Change the rule set (parts left out keep their value); applies to the next payment on every instance and is audited',
  })
  @ApiOkResponse({ type: RulesResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid values, or reviewAt above blockAt' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Changed concurrently too often; retry' })
  async update(@Body() body: UpdateRulesDto, @CurrentPrincipal() principal: Principal): Promise<RulesResponseDto> {
    return toRulesResponse(await this.rules.update(body, principal.id));
  }

  @Post('rules/backtest')
  @HttpCode(200)
  @ApiOperation({ summary: 'Replay the payments of the last N days through a proposed rule set; saves nothing' })
  @ApiOkResponse({ type: BacktestResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid proposal or too many days' })
  async backtest(@Body() body: BacktestRequestDto): Promise<BacktestResponseDto> {
    return toBacktestResponse(await this.backtests.run(body.rules, body.days));
  }

  @Get('audit')
  @ApiOperation({ summary: 'Who changed rules, lists and reviews, and when; newest first' })
  @ApiOkResponse({ type: AuditResponseDto })
  async history(@Query() query: AuditQueryDto): Promise<AuditResponseDto> {
    const entries = await this.audit.recent(query.limit ?? 50);
    return { success: true, entries: entries.map(toAuditEntry) };
  }
}
