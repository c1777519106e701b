import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsISO8601, IsInt, IsObject, IsPositive, IsString, Matches, Max, Min, ValidateIf, ValidateNested } from 'class-validator';
import { LIMIT_CEILING } from '../../cards/dto/card.dto';
import { SunMessageDto } from '../dto/process-payment.dto';

export const MAX_TAPS_PER_CALL = 100;

export class OfflineTapDto {
  @ApiProperty({ type: 'integer', minimum: 0, example: 1041, description: "The terminal's own tap number, increasing: one payment per (terminal, sequence), however often it is forwarded" })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  sequence: number;

  @ApiProperty({ example: '2026-12-01T09:15:02.000Z', description: 'When the card was tapped (ISO 8601): the time limits and risk checks use' })
  @IsISO8601({ strict: true })
  capturedAt: string;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: LIMIT_CEILING, example: 75_000, description: 'Integer amount in the card currency minor unit' })
  @IsInt()
  @IsPositive()
  @Max(LIMIT_CEILING)
  amount: number;

  @ApiPropertyOptional({ type: SunMessageDto, description: "A secure card's SUN message read at the tap; its counter may be below the card's mark if never used" })
  @ValidateIf((tap: OfflineTapDto) => tap.sun !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => SunMessageDto)
  sun?: SunMessageDto;

  @ApiPropertyOptional({ example: 'test-async-card-123', description: 'The card read; required without `sun`' })
  @ValidateIf((tap: OfflineTapDto) => tap.sun === undefined || tap.cardUuid !== undefined)
  @IsDefined({ message: 'cardUuid is required without sun' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'cardUuid must be 1-64 letters, digits, _ or -' })
  cardUuid?: string;
}

export class ForwardOfflineTapsDto {
  @ApiProperty({ type: [OfflineTapDto], description: `1-${MAX_TAPS_PER_CALL} taps, each sequence once` })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_TAPS_PER_CALL)
  @ValidateNested({ each: true })
  @Type(() => OfflineTapDto)
  taps: OfflineTapDto[];
}

export class OfflineTapResultDto {
  @ApiProperty({ example: 1041, description: 'The tap this answers' }) sequence: number;
  @ApiProperty({ example: 'off_3f1c0b9e4a474a559c55e1d2', description: 'Derived from (terminal, sequence): the same on every forward' }) transactionId: string;
  @ApiProperty({ enum: ['pending', 'declined_offline', 'duplicate'], description: 'pending: accepted, settles in the background; declined_offline: the merchant carries it; duplicate: forwarded before' })
  status: 'pending' | 'declined_offline' | 'duplicate';
  @ApiPropertyOptional({ example: 'offline_expired', description: 'For declined_offline: offline_over_policy, offline_expired, offline_pin_required, or an online decline code' })
  declineCode?: string;
}

export class ForwardOfflineTapsResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: [OfflineTapResultDto], description: 'One per tap, in the order sent' }) results: OfflineTapResultDto[];
}
