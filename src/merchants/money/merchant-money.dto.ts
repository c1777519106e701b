import { ApiProperty } from '@nestjs/swagger';

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
