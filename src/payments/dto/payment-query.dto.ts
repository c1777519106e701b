import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { RefundDto } from '../../refunds/dto/refund.dto';
import { IsDate, IsIn, IsOptional, Matches } from 'class-validator';
import { CursorPageQueryDto } from '../../common/validation/cursor-page-query.dto';
import { PAYMENT_STATUSES as STATUSES } from '../payment-state';

export class TransactionHistoryQueryDto extends CursorPageQueryDto {
  @ApiPropertyOptional({ example: 'test-async-card-123', description: 'Terminals filter by the masked reference their history shows (`****1234-<token>`)' })
  @IsOptional()
  @Matches(/^([A-Za-z0-9_-]{1,64}|\*{4}[A-Za-z0-9_-]{1,4}-[0-9a-f]{16})$/, { message: 'cardUuid must be 1-64 letters, digits, _ or -, or a card reference' })
  cardUuid?: string;

  @ApiPropertyOptional({ enum: STATUSES, description: 'Only payments in this status' })
  @IsOptional()
  @IsIn(STATUSES)
  status?: (typeof STATUSES)[number];

  @ApiPropertyOptional({ description: 'ISO date-time, inclusive' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date;

  @ApiPropertyOptional({ description: 'ISO date-time, exclusive' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  to?: Date;
}

export class TransactionStatusDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: STATUSES }) status: string;
  @ApiProperty({ description: "The card id for its holder and admins; for the merchant's terminals a masked reference, `****1234-<token>`, stable per merchant and card" })
  cardUuid: string;
  @ApiProperty() merchantId: string;
  @ApiProperty() terminalId: string;
  @ApiProperty() amount: number;
  @ApiProperty({ example: 'VND' }) currency: string;
  @ApiPropertyOptional({ nullable: true, type: String }) txHash: string | null;
  @ApiProperty() createdAt: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) processingStartedAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) completedAt: Date | null;
  @ApiPropertyOptional({ type: Date, description: 'When settlement failed, once failed; for a payment that waited for its PIN and was declined (pin_tries_exceeded, pin_blocked, pin_required), when it was declined. A decline at acceptance has none: it ended at createdAt' })
  failedAt?: Date;
  @ApiPropertyOptional({ type: Date, description: 'When it was cancelled, once cancelled' }) cancelledAt?: Date;
  @ApiPropertyOptional({ type: Date, description: 'When it expired (no PIN entered in time, declineCode pin_expired), once expired' }) expiredAt?: Date;
  @ApiPropertyOptional({ nullable: true, type: String, example: '812ms', description: 'Created to completed' }) processingTime: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'A code and plain words; admins see the full details' }) failureReason: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) declineCode: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) explorerUrl: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Gas paid, in MIST' }) gasFeeMist: string | null;
  @ApiProperty({ type: Object }) metadata: Record<string, unknown>;
  @ApiPropertyOptional({ type: Object, example: { type: 'enter_pin', expiresAt: '2026-12-01T09:16:02.000Z' }, description: 'While requires_pin: the cardholder enters their PIN at the terminal (POST /api/payment/{transactionId}/pin) before expiresAt, else the payment is expired' })
  nextAction?: { type: 'enter_pin'; expiresAt: Date };
  @ApiPropertyOptional({ type: Object, example: { capturedAt: '2026-12-01T09:15:02.000Z', sequence: 1041 }, description: 'Set when the terminal took the tap offline and forwarded it later' })
  offline?: { capturedAt: string; sequence: number };
  @ApiPropertyOptional({ type: Object, description: "Admins only: the fraud assessment's score, decision and rule details, and the fraud model's riskScore (0–99), riskLevel, modelVersion, modelEnforced and topFeatures" })
  fraud?: { score: number; decision: string; reasons: { rule: string; detail: string; weight: number }[] };
  @ApiPropertyOptional({ example: 25, description: 'The platform fee taken from the amount (minor units), when fees apply' })
  fee?: number;
  @ApiPropertyOptional({ example: 975, description: 'What the merchant nets (amount − fee)' })
  net?: number;
  @ApiPropertyOptional({ type: () => RefundDto, isArray: true, description: 'The status view only: its refunds, oldest first' })
  refunds?: RefundDto[];
}

export class TransactionStatusResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: TransactionStatusDto }) transaction: TransactionStatusDto;
}

export class TransactionHistoryResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: [TransactionStatusDto] }) transactions: TransactionStatusDto[];
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last page' }) nextCursor: string | null;
}

export class QueueCountsDto {
  @ApiProperty({ enum: ['healthy', 'paused', 'unavailable'], example: 'healthy', description: 'unavailable: Redis did not answer; the counts are then 0' }) status: string;
  @ApiProperty({ example: 0, description: 'Jobs waiting for a worker' }) waiting: number;
  @ApiProperty({ example: 1, description: 'Jobs being worked on' }) active: number;
  @ApiProperty({ example: 120, description: 'Finished jobs still kept' }) completed: number;
  @ApiProperty({ example: 0, description: 'Jobs that failed their last attempt, still kept' }) failed: number;
  @ApiProperty({ example: 0, description: 'Jobs waiting for a retry' }) delayed: number;
  @ApiProperty({ example: 0, description: 'Jobs held while the queue is paused' }) paused: number;
}

export class QueuesDto {
  @ApiProperty({ type: QueueCountsDto, description: 'Settlement jobs' }) payments: QueueCountsDto;
  @ApiProperty({ type: QueueCountsDto, description: 'Webhook and alert jobs' }) notifications: QueueCountsDto;
}

export class QueueStatusResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: QueuesDto }) queues: Record<string, QueueCountsDto>;
  @ApiProperty({ description: 'When the counts were taken' }) timestamp: Date;
}
