import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';

export class SubmitPinDto {
  @ApiProperty({ example: '4821', pattern: '^[0-9]{4,6}$', description: "The cardholder's PIN, as they typed it at the terminal; never stored or logged" })
  @IsString()
  @Matches(/^[0-9]{4,6}$/, { message: 'pin must be 4-6 digits' })
  pin: string;
}

export class PinVerifiedDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ example: 'nfc_mi2x0k3c_9f8e7d6c5b4a3f2e' }) transactionId: string;
  @ApiProperty({ example: 'pending', description: 'The payment goes on and settles like any accepted one' }) status: 'pending';
  @ApiProperty({ example: 'PIN verified; the payment settles in the background' }) message: string;
  @ApiProperty({ example: '6f1c0b9e-4a47-4a55-9c55-2f7a8e3e2b11' }) requestId: string;
  @ApiProperty({ example: '/api/payment/status/nfc_mi2x0k3c_9f8e7d6c5b4a3f2e' }) statusUrl: string;
  @ApiProperty({ example: 'transaction:nfc_mi2x0k3c_9f8e7d6c5b4a3f2e' }) websocketChannel: string;
}

export class PinRejectedDto {
  @ApiProperty({ example: false }) success: false;
  @ApiProperty({ example: 'PIN incorrect' }) error: string;
  @ApiProperty({ enum: ['pin_incorrect', 'pin_blocked', 'pin_required'], description: 'pin_incorrect: wrong PIN (see attemptsLeft); pin_blocked: the card was blocked by wrong PINs before; pin_required: the card has no PIN' })
  declineCode: string;
  @ApiPropertyOptional({ example: 2, description: 'pin_incorrect: wrong PINs the card may still take (3 in all, counted per card; a right PIN starts again); 0: the payment is declined and the card pin_blocked' })
  attemptsLeft?: number;
  @ApiProperty({ enum: ['requires_pin', 'declined'], description: 'requires_pin: try again; declined: the payment is over and its limit given back' }) status: string;
  @ApiPropertyOptional({ example: 'pin_blocked', description: 'Set when this PIN blocked the card' }) cardStatus?: string;
  @ApiPropertyOptional() reason?: string;
  @ApiProperty() transactionId: string;
  @ApiProperty() requestId: string;
}

export class PaymentRequiresPinDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ example: 'nfc_mi2x0k3c_9f8e7d6c5b4a3f2e' }) transactionId: string;
  @ApiProperty({ example: 'requires_pin' }) status: 'requires_pin';
  @ApiProperty({ type: Object, example: { type: 'enter_pin', expiresAt: '2026-12-01T09:16:02.000Z' }, description: 'Enter the PIN at this terminal (POST pinUrl) before expiresAt; then the payment expires and its limit is given back' })
  nextAction: { type: 'enter_pin'; expiresAt: string };
  @ApiProperty({ example: "Enter the cardholder's PIN at the terminal" }) message: string;
  @ApiProperty({ example: 12 }) processingTime: number;
  @ApiProperty({ example: '6f1c0b9e-4a47-4a55-9c55-2f7a8e3e2b11' }) requestId: string;
  @ApiProperty({ example: '/api/payment/nfc_mi2x0k3c_9f8e7d6c5b4a3f2e/pin' }) pinUrl: string;
  @ApiProperty({ example: '/api/payment/status/nfc_mi2x0k3c_9f8e7d6c5b4a3f2e' }) statusUrl: string;
  @ApiProperty({ example: 'transaction:nfc_mi2x0k3c_9f8e7d6c5b4a3f2e' }) websocketChannel: string;
}
