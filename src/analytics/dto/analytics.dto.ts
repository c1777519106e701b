import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, Matches } from 'class-validator';

export const METRICS = ['count', 'volume', 'approval_rate', 'declines', 'refunds', 'settlement_latency_p50', 'settlement_latency_p95'] as const;
export type Metric = (typeof METRICS)[number];
export const INTERVALS = ['minute', 'hour', 'day'] as const;
export const GROUP_BYS = ['terminal', 'declineCode'] as const;

export class AnalyticsRangeQueryDto {
  @ApiProperty({ example: '2026-12-01T00:00:00Z', description: 'ISO 8601, inclusive, on a whole minute (on a whole interval for a time series)' })
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 timestamp' })
  from: string;

  @ApiProperty({ example: '2026-12-02T00:00:00Z', description: 'ISO 8601, exclusive, on a whole minute (on a whole interval for a time series)' })
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 timestamp' })
  to: string;

  @ApiPropertyOptional({ example: 'MERCHANT_001', description: "Only this merchant's payments (admins); a terminal may name only its own merchant" })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'merchantId must be 1-64 letters, digits, _ or -' })
  merchantId?: string;
}

export class TimeseriesQueryDto extends AnalyticsRangeQueryDto {
  @ApiProperty({ enum: METRICS, description: 'What each point measures' })
  @IsIn(METRICS)
  metric: Metric;

  @ApiProperty({ enum: INTERVALS, description: 'Width of each point' })
  @IsIn(INTERVALS)
  interval: (typeof INTERVALS)[number];

  @ApiPropertyOptional({ enum: GROUP_BYS, description: 'One point per terminal (count, volume, approval_rate, declines; needs merchantId) or per decline code (declines) in each interval' })
  @IsOptional()
  @IsIn(GROUP_BYS)
  groupBy?: (typeof GROUP_BYS)[number];
}

export class RefundFiguresDto {
  @ApiProperty({ description: 'Refunds that succeeded in the range' }) count: number;
  @ApiProperty({ description: 'Their amount, minor units' }) amount: number;
}

export class OutcomeFiguresDto {
  @ApiProperty({ description: 'Approved taps of the range that ended this way' }) count: number;
  @ApiProperty({ description: 'Their amount, minor units' }) amount: number;
}

export class LatencyFiguresDto {
  @ApiProperty({ type: Number, nullable: true, description: 'Median from tap to settled, ms (upper bound of its 10% histogram bin); null without settled payments' }) p50: number | null;
  @ApiProperty({ type: Number, nullable: true, description: '95th percentile from tap to settled, ms (same bins)' }) p95: number | null;
}

export class AnalyticsSummaryDto {
  @ApiProperty({ description: 'Range start, inclusive' }) from: string;
  @ApiProperty({ description: 'Range end, exclusive' }) to: string;
  @ApiProperty({ type: String, nullable: true, description: 'The merchant the figures are for; null for every merchant' }) merchantId: string | null;
  @ApiProperty({ description: 'Taps answered (approved + declined)' }) count: number;
  @ApiProperty({ description: 'Approved amount, before refunds, minor units' }) volume: number;
  @ApiProperty({ description: 'Taps approved (accepted for settlement)' }) approved: number;
  @ApiProperty({ description: 'Taps declined' }) declined: number;
  @ApiProperty({ description: 'approved / count; 0 without taps' }) approvalRate: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { card_blocked: 2 }, description: 'Declines by code' }) declineReasons: Record<string, number>;
  @ApiProperty({ type: RefundFiguresDto, description: 'Refunds succeeded in the range' }) refunds: RefundFiguresDto;
  @ApiProperty({ description: 'volume − refunds.amount' }) net: number;
  @ApiProperty({ description: 'volume / approved; 0 without approvals' }) averageAmount: number;
  @ApiProperty({ description: 'Declines by the risk checks (fraud_high_risk) / count; 0 without taps' }) fraudRate: number;
  @ApiProperty({ type: LatencyFiguresDto, description: 'Tap to settled' }) settlementLatencyMs: LatencyFiguresDto;
  @ApiProperty({ type: OutcomeFiguresDto, description: 'Approved taps settled on chain' }) settled: OutcomeFiguresDto;
  @ApiProperty({ type: OutcomeFiguresDto, description: 'Approved taps whose settlement failed' }) failed: OutcomeFiguresDto;
  @ApiProperty({ type: OutcomeFiguresDto, description: 'Approved taps cancelled before settling' }) cancelled: OutcomeFiguresDto;
}

export class TimeseriesPointDto {
  @ApiProperty({ description: 'Interval start, inclusive (the interval ends where the next starts)' }) start: string;
  @ApiProperty({ type: Number, nullable: true, description: 'The metric over the interval; null for a percentile without settled payments' }) value: number | null;
  @ApiPropertyOptional({ description: 'The terminal id or decline code, with groupBy' }) group?: string;
}

export class TimeseriesDto {
  @ApiProperty({ enum: METRICS, description: 'The metric' }) metric: Metric;
  @ApiProperty({ enum: INTERVALS, description: 'The interval' }) interval: string;
  @ApiPropertyOptional({ enum: GROUP_BYS, description: 'The grouping, if any' }) groupBy?: string;
  @ApiProperty({ type: [TimeseriesPointDto], description: 'One point per interval (and group), oldest first' }) points: TimeseriesPointDto[];
}
