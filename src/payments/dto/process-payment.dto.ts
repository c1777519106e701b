import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsInt, IsObject, IsPositive, IsString, Matches, Max, ValidateIf, ValidateNested } from 'class-validator';
import { LIMIT_CEILING } from '../../cards/dto/card.dto';

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The SUN message a secure (NTAG 424 DNA) card gave on this tap. */
export class SunMessageDto {
  @ApiProperty({ example: 'EF963FF7828658A599F3041510671E88', pattern: '^[0-9a-fA-F]{32}$', description: 'PICCData, encrypted (the card URL\'s `p=`): 32 hex characters, either case' })
  @IsString()
  @Matches(/^[0-9a-fA-F]{32}$/, { message: 'sun.p must be 32 hex characters' })
  p: string;

  @ApiProperty({ example: '94EED9EE65337086', pattern: '^[0-9a-fA-F]{16}$', description: 'The truncated SUN MAC (the card URL\'s `c=`): 16 hex characters, either case' })
  @IsString()
  @Matches(/^[0-9a-fA-F]{16}$/, { message: 'sun.c must be 16 hex characters' })
  c: string;
}

export class ProcessPaymentDto {
  @ApiPropertyOptional({
    type: SunMessageDto,
    description: "A secure card's SUN message: the card is found from it. Declines: card_auth_failed (bad MAC, unknown card, old keys), card_replayed (read counter used before)",
  })
  @ValidateIf((body: ProcessPaymentDto) => body.sun !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => SunMessageDto)
  sun?: SunMessageDto;

  @ApiPropertyOptional({
    example: 'test-async-card-123',
    description: 'The UUID read from the NFC card; required without `sun`, and with it must be the card the SUN message belongs to. A secure card named without `sun` is declined card_auth_required',
    pattern: ID.source,
  })
  @ValidateIf((body: ProcessPaymentDto) => body.sun === undefined || body.cardUuid !== undefined)
  @IsDefined({ message: 'cardUuid is required without sun' })
  @IsString()
  @Matches(ID, { message: 'cardUuid must be 1-64 letters, digits, _ or -' })
  cardUuid?: string;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: LIMIT_CEILING, example: 75_000, description: 'Integer amount in the card currency minor unit (VND)' })
  @IsInt()
  @IsPositive()
  @Max(LIMIT_CEILING)
  amount: number;

  @ApiProperty({ example: 'MERCHANT_ASYNC_TEST', description: 'The merchant taking the payment', pattern: ID.source })
  @IsString()
  @Matches(ID, { message: 'merchantId must be 1-64 letters, digits, _ or -' })
  merchantId: string;

  @ApiProperty({ example: 'terminal-async-001', description: "The terminal that read the card (a terminal token's own id)", pattern: ID.source })
  @IsString()
  @Matches(ID, { message: 'terminalId must be 1-64 letters, digits, _ or -' })
  terminalId: string;
}

export class PaymentAcceptedDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ example: 'nfc_mi2x0k3c_9f8e7d6c5b4a3f2e', description: 'Follow the payment with this id' }) transactionId: string;
  @ApiProperty({ example: 'pending' }) status: 'pending';
  @ApiProperty({ example: 'Payment initiated successfully' }) message: string;
  @ApiProperty({ example: 12, description: 'Server time to accept, in ms' }) processingTime: number;
  @ApiProperty({ example: '6f1c0b9e-4a47-4a55-9c55-2f7a8e3e2b11', description: 'Also in the X-Request-Id header' }) requestId: string;
  @ApiProperty({ example: 'nfc_mi2x0k3c_9f8e7d6c5b4a3f2e', description: 'The settlement job (its id is the transactionId)' }) queueJobId: string;
  @ApiProperty({ example: 'under 5 seconds' }) estimatedProcessingTime: string;
  @ApiProperty({ example: '/api/payment/status/nfc_mi2x0k3c_9f8e7d6c5b4a3f2e' }) statusUrl: string;
  @ApiProperty({ example: 'transaction:nfc_mi2x0k3c_9f8e7d6c5b4a3f2e' }) websocketChannel: string;
}

export class PaymentDeclinedDto {
  @ApiProperty({ example: false }) success: false;
  @ApiProperty({ example: 'Transaction not authorized' }) error: string;
  @ApiProperty({ example: 'Insufficient daily limit' }) reason: string;
  @ApiProperty({
    enum: ['card_invalid', 'card_blocked', 'card_auth_failed', 'card_replayed', 'card_auth_required', 'merchant_invalid', 'terminal_invalid', 'fraud_high_risk', 'fraud_unavailable', 'daily_limit_exceeded', 'single_limit_exceeded', 'spending_limit_exceeded', 'category_blocked', 'pin_required'],
  })
  declineCode: string;
  @ApiPropertyOptional({ enum: ['per_authorization', 'daily', 'weekly', 'monthly', 'all_time'], description: 'For spending_limit_exceeded: the interval of the control' })
  interval?: string;
  @ApiProperty({ description: 'The declined attempt is recorded under this id' }) transactionId: string;
  @ApiProperty({ example: 14, description: 'Server time to decide, in ms' }) processingTime: number;
  @ApiProperty({ example: '6f1c0b9e-4a47-4a55-9c55-2f7a8e3e2b11', description: 'Also in the X-Request-Id header' }) requestId: string;
}
