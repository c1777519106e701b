import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { EffectiveLimitsDto } from '../../cards/dto/card.dto';
import { IsBoolean, IsDate, IsInt, IsOptional, Max, Min, ValidateNested } from 'class-validator';

export class LimitPolicyPatchDto {
  @ApiPropertyOptional({ description: 'Whether the policy lowers limits at all (default false)' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ example: 30, description: "Percent of its limits a new card may use (1–100)" })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  startPercent?: number;

  @ApiPropertyOptional({ example: 10, description: 'Settled payments without a fraud flag after which the card has all of its limits' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  fullAfterSettledPayments?: number;

  @ApiPropertyOptional({ example: 65, description: 'A risk score at or above this drops the card back to startPercent' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  elevatedScore?: number;

  @ApiPropertyOptional({ example: 24, description: 'For this many hours after an elevated score' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(24 * 90)
  elevatedForHours?: number;
}

export class LimitPolicyDto {
  @ApiProperty() enabled: boolean;
  @ApiProperty() startPercent: number;
  @ApiProperty() fullAfterSettledPayments: number;
  @ApiProperty() elevatedScore: number;
  @ApiProperty() elevatedForHours: number;
}

export class LimitPolicyResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: LimitPolicyDto }) policy: LimitPolicyDto;
}

export class LimitBacktestRequestDto {
  @ApiProperty({ type: LimitPolicyPatchDto, description: 'The proposal, over the policy in force (evaluated as enabled)' })
  @ValidateNested()
  @Type(() => LimitPolicyPatchDto)
  policy: LimitPolicyPatchDto;

  @ApiProperty({ example: '2026-11-01T00:00:00Z', description: 'Replay payments recorded from this time' })
  @Type(() => Date)
  @IsDate()
  from: Date;

  @ApiProperty({ example: '2026-12-01T00:00:00Z', description: '…until before this time' })
  @Type(() => Date)
  @IsDate()
  to: Date;
}

export class LimitBacktestExampleDto {
  @ApiProperty() assessmentId: string;
  @ApiProperty() at: Date;
  @ApiProperty() cardUuid: string;
  @ApiProperty() amount: number;
  @ApiProperty({ enum: ['daily_limit_exceeded', 'single_limit_exceeded'] }) declineCode: string;
  @ApiProperty({ type: EffectiveLimitsDto }) effectiveLimits: EffectiveLimitsDto;
}

export class LimitBacktestResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ description: 'Approved payments replayed' }) evaluated: number;
  @ApiProperty({ description: 'Of those, how many the proposal would have declined' }) wouldDecline: number;
  @ApiProperty({ description: 'Their total amount' }) wouldDeclineAmount: number;
  @ApiProperty({ description: 'Whether the replay stopped at its maximum' }) truncated: boolean;
  @ApiProperty({ type: [LimitBacktestExampleDto] }) examples: LimitBacktestExampleDto[];
}
