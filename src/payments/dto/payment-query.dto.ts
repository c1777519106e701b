import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

const STATUSES = ['pending', 'processing', 'completed', 'failed', 'cancelled', 'declined'] as const;

export class TransactionHistoryQueryDto {
  @ApiPropertyOptional({ example: 'test-async-card-123', description: 'Terminals filter by the masked reference their history shows (`****1234-<token>`)' })
  @IsOptional()
  @Matches(/^([A-Za-z0-9_-]{1,64}|\*{4}[A-Za-z0-9_-]{1,4}-[0-9a-f]{16})$/, { message: 'cardUuid must be 1-64 letters, digits, _ or -, or a card reference' })
  cardUuid?: string;

  @ApiPropertyOptional({ enum: STATUSES })
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

  @ApiPropertyOptional({ default: 20, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
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
  @ApiPropertyOptional({ nullable: true, type: String, example: '812ms', description: 'Created to completed' }) processingTime: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'A code and plain words; admins see the full details' }) failureReason: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) declineCode: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) explorerUrl: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Gas paid, in MIST' }) gasFeeMist: string | null;
  @ApiProperty({ type: Object }) metadata: Record<string, unknown>;
  @ApiPropertyOptional({ type: Object, description: "Admins only: the fraud assessment's score, decision and rule details" })
  fraud?: { score: number; decision: string; reasons: { rule: string; detail: string; weight: number }[] };
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
  @ApiProperty({ example: 'healthy' }) status: string;
  @ApiProperty() waiting: number;
  @ApiProperty() active: number;
  @ApiProperty() completed: number;
  @ApiProperty() failed: number;
  @ApiProperty() delayed: number;
  @ApiProperty() paused: number;
}

export class QueueStatusResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: Object, additionalProperties: { $ref: '#/components/schemas/QueueCountsDto' } }) queues: Record<string, QueueCountsDto>;
  @ApiProperty() timestamp: Date;
}
