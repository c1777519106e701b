import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsPositive, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { LIMIT_CEILING } from '../cards/dto/card.dto';

const ID = /^[A-Za-z0-9_-]{1,64}$/;
export const MAX_EXPIRY_SECONDS = 86_400;
export const DEFAULT_EXPIRY_SECONDS = 900;

export class CreatePaymentRequestDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: LIMIT_CEILING, example: 75_000, description: 'Integer amount in the card currency minor unit (VND)' })
  @IsInt()
  @IsPositive()
  @Max(LIMIT_CEILING)
  amount: number;

  @ApiPropertyOptional({ maxLength: 140, example: 'Table 4', description: "Shown to the payer (the URI's label); the merchant's name when left out" })
  @IsOptional()
  @IsString()
  @MaxLength(140)
  description?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_EXPIRY_SECONDS, default: DEFAULT_EXPIRY_SECONDS, description: 'How long the request can be paid, in seconds' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_EXPIRY_SECONDS)
  expiresInSeconds?: number;

  @ApiPropertyOptional({ example: 'terminal-async-001', pattern: ID.source, description: "Staff: the merchant's terminal the payment is taken at (required for staff; a terminal is always its own)" })
  @IsOptional()
  @IsString()
  @Matches(ID, { message: 'terminalId must be 1-64 letters, digits, _ or -' })
  terminalId?: string;
}

export class PayPaymentRequestDto {
  @ApiProperty({ example: 'test-async-card-123', pattern: ID.source, description: "One of the caller's own cards" })
  @IsString()
  @Matches(ID, { message: 'cardUuid must be 1-64 letters, digits, _ or -' })
  cardUuid: string;
}

export class PaymentRequestDto {
  @ApiProperty({ example: 'pr_3f1c0b9e4a474a559c552f7a', description: 'The request id, also the Payment Kit nonce (at most 36 characters)' }) id: string;
  @ApiProperty({ example: 'MERCHANT_ASYNC_TEST', description: 'The merchant paid' }) merchantId: string;
  @ApiProperty({ example: 75_000, description: 'In the card currency minor unit' }) amount: number;
  @ApiProperty({ type: String, nullable: true, example: 'Table 4', description: 'As given at creation' }) description: string | null;
  @ApiProperty({ enum: ['open', 'paid', 'expired'], description: 'open until paid or past expiresAt' }) status: 'open' | 'paid' | 'expired';
  @ApiProperty({ description: 'When it stops being payable' }) expiresAt: Date;
  @ApiProperty({ example: 'sui:0xabc…?amount=75000000&coinType=0x2%3A%3Asui%3A%3ASUI&nonce=pr_3f1c…&label=Table%204', description: 'Sui Payment Kit payment URI (amount in MIST)' }) uri: string;
  @ApiProperty({ type: String, nullable: true, description: 'The accepted payment, once paid (follow it at /api/payment/status/:transactionId)' }) transactionId: string | null;
  @ApiProperty({ description: 'When it was made' }) createdAt: Date;
}

export class CreatedPaymentRequestDto extends PaymentRequestDto {
  @ApiProperty({ example: '<svg xmlns="http://www.w3.org/2000/svg" …</svg>', description: 'The uri as a QR code (SVG)' }) qrSvg: string;
}
