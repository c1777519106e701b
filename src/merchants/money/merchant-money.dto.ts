import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { Omittable } from '../../common/validation/omittable.decorator';
import { PAYOUT_STATUSES, type PayoutStatus } from './payout.schema';

export class MerchantBalanceDto {
  @ApiProperty({ example: 'MERCHANT_ASYNC_TEST', description: 'The merchant' })
  merchantId: string;

  @ApiProperty({ example: 150_000, description: 'Settled into the settlement wallet and not paid out or refunded (minor units of the currency, net of the platform fee)' })
  available: number;

  @ApiProperty({ example: 75_000, description: 'Accepted but not settled yet (net of the platform fee)' })
  pending: number;

  @ApiProperty({ example: 0, description: 'Held for refunds and payouts in flight' })
  reserved: number;

  @ApiProperty({ example: 'VND', description: "The card currency the amounts are in" })
  currency: string;

  @ApiProperty({ example: '150000000', description: '`available` in MIST: what the settlement wallet holds on chain for it' })
  availableMist: string;

  @ApiProperty({ example: '0x5b7c...e1', description: 'The custodial settlement wallet' })
  settlementAddress: string;
}

export class MerchantBalanceResponseDto extends MerchantBalanceDto {
  @ApiProperty({ example: true })
  success: true;
}

export class CreatePayoutDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1_000_000_000_000, example: 150_000, description: "In the card currency's minor unit; all that is available when omitted" })
  @Omittable()
  @IsInt()
  @Min(1)
  @Max(1_000_000_000_000)
  amount?: number;
}

export class PayoutDto {
  @ApiProperty({ example: 'po_3f1c0b9e4a474a559c55a1b2', description: 'The payout id' })
  id: string;

  @ApiProperty({ example: 'MERCHANT_ASYNC_TEST', description: 'The merchant' })
  merchantId: string;

  @ApiProperty({ example: 150_000, description: "In the card currency's minor unit" })
  amount: number;

  @ApiProperty({ example: 'VND', description: 'The currency' })
  currency: string;

  @ApiProperty({ enum: PAYOUT_STATUSES, description: 'pending until the transfer lands (paid) or cannot (failed)' })
  status: PayoutStatus;

  @ApiProperty({ example: '0x2c9f...', description: "The merchant's walletAddress it goes to" })
  destination: string;

  @ApiProperty({ nullable: true, type: String, description: 'The Sui transaction digest, once paid' })
  txHash: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'Why it failed, once failed' })
  failureReason: string | null;

  @ApiProperty({ description: 'When it was asked for' })
  createdAt: Date;
}

export class PayoutAcceptedResponseDto {
  @ApiProperty({ example: true })
  success: true;

  @ApiProperty({ type: PayoutDto, description: 'The payout, pending' })
  payout: PayoutDto;
}

export class PayoutListResponseDto {
  @ApiProperty({ example: true })
  success: true;

  @ApiProperty({ type: [PayoutDto], description: 'The payouts, newest first' })
  payouts: PayoutDto[];
}
