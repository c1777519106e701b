import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator';
import type { Principal } from '../../common/auth/principal';
import { ApiErrorResponses } from '../../common/docs/api-error-responses';
import { LimitBacktestRequestDto, LimitBacktestResponseDto, LimitPolicyPatchDto, LimitPolicyResponseDto } from './limit-policy.dto';
import { LimitPolicyService } from './limit-policy.service';

@ApiTags('fraud')
@Authenticated({ roles: ['admin'] })
@ApiErrorResponses(429, 503)
@Controller('api/fraud/limit-policy')
export class LimitPolicyController {
  constructor(private readonly limits: LimitPolicyService) {}

  @Get()
  @ApiOperation({ summary: 'The dynamic-limit policy: how much of its limits a card may use by its history' })
  @ApiOkResponse({ type: LimitPolicyResponseDto, description: 'The policy in force' })
  async get(): Promise<LimitPolicyResponseDto> {
    return { success: true, policy: await this.limits.policy() };
  }

  @Put()
  @ApiOperation({ summary: 'Change the dynamic-limit policy (parts left out keep their value); every instance applies it within 5 s' })
  @ApiOkResponse({ type: LimitPolicyResponseDto, description: 'The new policy' })
  @ApiErrorResponses({ status: 400, description: 'Invalid values; `details` names the fields' }, 413, 415)
  async update(@Body() body: LimitPolicyPatchDto, @CurrentPrincipal() principal: Principal): Promise<LimitPolicyResponseDto> {
    return { success: true, policy: await this.limits.update(body, principal.id) };
  }

  @Post('backtest')
  @HttpCode(200)
  @ApiOperation({ summary: 'Which recorded approved payments a proposed policy would have declined; saves nothing' })
  @ApiOkResponse({ type: LimitBacktestResponseDto, description: 'What the proposal would have declined' })
  @ApiErrorResponses({ status: 400, description: 'Invalid proposal or period' }, 413, 415)
  async backtest(@Body() body: LimitBacktestRequestDto): Promise<LimitBacktestResponseDto> {
    return { success: true, ...(await this.limits.backtest(body.policy, body.from, body.to)) };
  }
}
