import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { Omittable } from '../../common/validation/omittable.decorator';
import { REFUND_REASONS, REFUND_STATUSES, type RefundReason, type RefundStatus } from '../schemas/refund.schema';

export class CreateRefundDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1_000_000_000, example: 25_000, description: "In the card currency's minor unit; all that remains refundable when omitted" })
  @Omittable()
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  amount?: number;

  @ApiPropertyOptional({ enum: REFUND_REASONS, description: 'Why (as Stripe names them)' })
  @IsOptional()
  @IsIn(REFUND_REASONS)
  reason?: RefundReason;
}

export class RefundDto {
  @ApiProperty({ example: 'rf_3f1c0b9e4a474a559c55a1b2', description: 'The refund id' })
  id: string;

  @ApiProperty({ example: 'nfc_mi2x0k3c_9f8e7d6c5b4a3f2e', description: 'The payment refunded' })
  transactionId: string;

  @ApiProperty({ example: 25_000, description: "In the card currency's minor unit" })
  amount: number;

  @ApiProperty({ example: 'VND', description: "The card's currency" })
  currency: string;

  @ApiProperty({ enum: REFUND_STATUSES, description: 'pending until the transfer lands (succeeded) or cannot (failed), or it is canceled before its transfer starts' })
  status: RefundStatus;

  @ApiProperty({ enum: REFUND_REASONS, nullable: true, description: 'Why, when given' })
  reason: RefundReason | null;

  @ApiProperty({ nullable: true, type: String, description: 'The Sui transaction digest, once succeeded' })
  txHash: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'Why it failed, once failed' })
  failureReason: string | null;

  @ApiProperty({ description: 'When it was asked for' })
  createdAt: Date;

  @ApiPropertyOptional({ type: Date, description: 'When it succeeded, once succeeded' })
  succeededAt?: Date;

  @ApiPropertyOptional({ type: Date, description: 'When it failed, once failed' })
  failedAt?: Date;

  @ApiPropertyOptional({ type: Date, description: 'When it was canceled, once canceled' })
  canceledAt?: Date;
}

export class RefundAcceptedResponseDto {
  @ApiProperty({ example: true })
  success: true;

  @ApiProperty({ type: RefundDto, description: 'The refund, pending' })
  refund: RefundDto;
}

export class RefundCanceledResponseDto {
  @ApiProperty({ example: true })
  success: true;

  @ApiProperty({ type: RefundDto, description: 'The refund, canceled' })
  refund: RefundDto;
}

export class RefundListResponseDto {
  @ApiProperty({ example: true })
  success: true;

  @ApiProperty({ type: [RefundDto], description: "The payment's refunds, oldest first" })
  refunds: RefundDto[];
}
