import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsNumber, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { AMOUNT_HISTORY_KEPT, MAX_WINDOW_SECONDS } from '../fraud-rules.config';

class RuleBaseDto {
  @ApiProperty({ example: true })
  @IsBoolean()
  enabled: boolean;

  @ApiProperty({ example: 50, minimum: 0, maximum: 100, description: 'Points added to the score when the rule fires' })
  @IsInt()
  @Min(0)
  @Max(100)
  weight: number;
}

export class VelocityRuleDto extends RuleBaseDto {
  @ApiProperty({ example: 3, description: 'Fires when this payment would be more than this many for the card within 60 s' })
  @IsInt()
  @Min(1)
  @Max(10_000)
  maxPerMinute: number;

  @ApiProperty({ example: 20, description: 'Fires when this payment would be more than this many for the card within 1 h' })
  @IsInt()
  @Min(1)
  @Max(1_000)
  maxPerHour: number;
}

export class AmountAnomalyRuleDto extends RuleBaseDto {
  @ApiProperty({ example: 5, description: 'Fires when amount > multiplier × median of the card’s recent approved amounts' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(1)
  @Max(1_000)
  multiplier: number;

  @ApiProperty({ example: 5, description: 'Earlier approved payments the card needs before the rule judges' })
  @IsInt()
  @Min(1)
  @Max(AMOUNT_HISTORY_KEPT)
  minHistory: number;

  @ApiProperty({ example: 20, description: `Recent approved amounts that make the typical amount (≤ ${AMOUNT_HISTORY_KEPT})` })
  @IsInt()
  @Min(1)
  @Max(AMOUNT_HISTORY_KEPT)
  historySize: number;
}

export class HoppingRuleDto extends RuleBaseDto {
  @ApiProperty({ example: 600 })
  @IsInt()
  @Min(1)
  @Max(MAX_WINDOW_SECONDS)
  windowSeconds: number;

  @ApiProperty({ example: 3, description: 'Fires when distinct terminals (this one included) in the window exceed this' })
  @IsInt()
  @Min(1)
  @Max(99)
  maxTerminals: number;

  @ApiProperty({ example: 3, description: 'Fires when distinct merchants (this one included) in the window exceed this' })
  @IsInt()
  @Min(1)
  @Max(99)
  maxMerchants: number;
}

export class FirstUseRuleDto extends RuleBaseDto {
  @ApiProperty({ example: 2_000_000, description: 'Fires on the card’s first payment at a terminal when amount ≥ this' })
  @IsInt()
  @Min(0)
  minAmount: number;
}

export class CardTestingRuleDto extends RuleBaseDto {
  @ApiProperty({ example: 600 })
  @IsInt()
  @Min(1)
  @Max(MAX_WINDOW_SECONDS)
  windowSeconds: number;

  @ApiProperty({ example: 3, description: 'Fires when the card had more declines than this within the window' })
  @IsInt()
  @Min(0)
  @Max(999)
  maxCardDeclines: number;

  @ApiProperty({ example: 4, description: 'Fires when more distinct cards than this were declined at the terminal within the window' })
  @IsInt()
  @Min(0)
  @Max(4_999)
  maxTerminalDeclinedCards: number;
}

export class ListsRuleDto extends RuleBaseDto {}

export class ModelRuleDto {
  @ApiProperty({ description: 'Whether the active model decides (a shadow model never does)' })
  @IsBoolean()
  enabled: boolean;

  @ApiProperty({ example: 75, description: 'riskScore ≥ blockAt → block' })
  @IsInt()
  @Min(1)
  @Max(99)
  blockAt: number;

  @ApiProperty({ example: 65, description: 'riskScore ≥ reviewAt → review (must not exceed blockAt)' })
  @IsInt()
  @Min(1)
  @Max(99)
  reviewAt: number;
}

export class DecisionThresholdsDto {
  @ApiProperty({ example: 80, description: 'score ≥ blockAt → block' })
  @IsInt()
  @Min(1)
  @Max(100)
  blockAt: number;

  @ApiProperty({ example: 50, description: 'score ≥ reviewAt → review (must not exceed blockAt)' })
  @IsInt()
  @Min(1)
  @Max(100)
  reviewAt: number;
}

export class RuleSetDto {
  @ApiProperty({ type: VelocityRuleDto }) velocity: VelocityRuleDto;
  @ApiProperty({ type: AmountAnomalyRuleDto }) amountAnomaly: AmountAnomalyRuleDto;
  @ApiProperty({ type: HoppingRuleDto }) hopping: HoppingRuleDto;
  @ApiProperty({ type: FirstUseRuleDto }) firstUseLargeAmount: FirstUseRuleDto;
  @ApiProperty({ type: CardTestingRuleDto }) cardTesting: CardTestingRuleDto;
  @ApiProperty({ type: ListsRuleDto }) lists: ListsRuleDto;
  @ApiProperty({ type: ModelRuleDto, description: "The fraud model's riskScore (0–99) as a rule" }) model: ModelRuleDto;
}

class VelocityRulePatchDto extends PartialType(VelocityRuleDto) {}
class AmountAnomalyRulePatchDto extends PartialType(AmountAnomalyRuleDto) {}
class HoppingRulePatchDto extends PartialType(HoppingRuleDto) {}
class FirstUseRulePatchDto extends PartialType(FirstUseRuleDto) {}
class CardTestingRulePatchDto extends PartialType(CardTestingRuleDto) {}
class ListsRulePatchDto extends PartialType(ListsRuleDto) {}
class ModelRulePatchDto extends PartialType(ModelRuleDto) {}
class DecisionThresholdsPatchDto extends PartialType(DecisionThresholdsDto) {}

class RuleSetPatchDto {
  @ApiPropertyOptional({ type: VelocityRulePatchDto }) @IsOptional() @ValidateNested() @Type(() => VelocityRulePatchDto) velocity?: VelocityRulePatchDto;
  @ApiPropertyOptional({ type: AmountAnomalyRulePatchDto }) @IsOptional() @ValidateNested() @Type(() => AmountAnomalyRulePatchDto) amountAnomaly?: AmountAnomalyRulePatchDto;
  @ApiPropertyOptional({ type: HoppingRulePatchDto }) @IsOptional() @ValidateNested() @Type(() => HoppingRulePatchDto) hopping?: HoppingRulePatchDto;
  @ApiPropertyOptional({ type: FirstUseRulePatchDto }) @IsOptional() @ValidateNested() @Type(() => FirstUseRulePatchDto) firstUseLargeAmount?: FirstUseRulePatchDto;
  @ApiPropertyOptional({ type: CardTestingRulePatchDto }) @IsOptional() @ValidateNested() @Type(() => CardTestingRulePatchDto) cardTesting?: CardTestingRulePatchDto;
  @ApiPropertyOptional({ type: ListsRulePatchDto }) @IsOptional() @ValidateNested() @Type(() => ListsRulePatchDto) lists?: ListsRulePatchDto;
  @ApiPropertyOptional({ type: ModelRulePatchDto }) @IsOptional() @ValidateNested() @Type(() => ModelRulePatchDto) model?: ModelRulePatchDto;
}

/** PUT /api/fraud/rules: any part of the rule set; what is left out keeps its current value. */
export class UpdateRulesDto {
  @ApiPropertyOptional({ type: DecisionThresholdsPatchDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => DecisionThresholdsPatchDto)
  decision?: DecisionThresholdsPatchDto;

  @ApiPropertyOptional({ type: RuleSetPatchDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RuleSetPatchDto)
  rules?: RuleSetPatchDto;
}

export class RulesResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ example: 3, description: 'Grows by one on every change' }) version: number;
  @ApiPropertyOptional({ example: 'admin-1' }) updatedBy?: string;
  @ApiPropertyOptional() updatedAt?: Date;
  @ApiProperty({ type: DecisionThresholdsDto }) decision: DecisionThresholdsDto;
  @ApiProperty({ type: RuleSetDto }) rules: RuleSetDto;
}

export class BacktestRequestDto {
  @ApiPropertyOptional({ type: UpdateRulesDto, description: 'The proposed rule set, laid over the active one' })
  @IsOptional()
  @ValidateNested()
  @Type(() => UpdateRulesDto)
  rules?: UpdateRulesDto;

  @ApiProperty({ example: 7, minimum: 1, description: 'Replay the payments assessed in the last N days' })
  @IsInt()
  @Min(1)
  @Max(3650)
  days: number;
}

export class ReasonDto {
  @ApiProperty({ example: 'velocity' }) rule: string;
  @ApiProperty({ example: '4 payments of this card within 60 s (limit 3)' }) detail: string;
  @ApiProperty({ example: 80 }) weight: number;
}

export class BacktestExampleDto {
  @ApiProperty() assessmentId: string;
  @ApiProperty() at: Date;
  @ApiProperty() cardUuid: string;
  @ApiProperty() merchantId: string;
  @ApiProperty() terminalId: string;
  @ApiProperty() amount: number;
  @ApiProperty({ enum: ['allow', 'review', 'block'] }) historicalDecision: string;
  @ApiProperty({ enum: ['allow', 'review', 'block'] }) decision: string;
  @ApiProperty() score: number;
  @ApiProperty({ type: [ReasonDto] }) reasons: ReasonDto[];
}

export class BacktestResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ example: 1200 }) total: number;
  @ApiProperty({ example: 12 }) wouldBlock: number;
  @ApiProperty({ example: 30 }) wouldReview: number;
  @ApiProperty({ example: 1158 }) wouldAllow: number;
  @ApiProperty({ example: 5, description: 'Payments decided differently from the decision taken then' }) changed: number;
  @ApiProperty({ example: false, description: 'True when more payments than FRAUD_BACKTEST_MAX_PAYMENTS matched' }) truncated: boolean;
  @ApiProperty({ example: 3, description: 'Version of the active rule set the proposal was laid over' }) rulesVersion: number;
  @ApiProperty({ type: [BacktestExampleDto], description: 'Up to 10 would-be blocks, then up to 10 would-be reviews' }) examples: BacktestExampleDto[];
}

export class AuditQueryDto {
  @ApiPropertyOptional({ type: 'integer', default: 50, minimum: 1, maximum: 500, description: 'At most this many, newest first' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class AuditEntryDto {
  @ApiProperty({ enum: ['rules.update', 'list.add', 'list.remove', 'review.resolve', 'model.activate'] }) action: string;
  @ApiProperty({ example: 'admin-1' }) actor: string;
  @ApiProperty() at: Date;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'For rules.update: fromVersion, toVersion and changes [{path, from, to}]' })
  details: Record<string, unknown>;
}

export class AuditResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: [AuditEntryDto] }) entries: AuditEntryDto[];
}
