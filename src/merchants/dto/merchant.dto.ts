import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, IsUrl, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { CursorPageQueryDto } from '../../common/validation/cursor-page-query.dto';
import { IsSuiAddress } from '../../common/validation/is-sui-address.decorator';
import { MERCHANT_STATUSES, type MerchantStatus } from '../schemas/merchant.schema';
import { TERMINAL_STATUSES, type TerminalStatus } from '../schemas/terminal.schema';

export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const MCC_PATTERN = /^\d{4}$/;

export class CreateMerchantDto {
  @ApiProperty({ example: 'MERCHANT_ASYNC_TEST' })
  @IsString()
  @Matches(ID_PATTERN, { message: 'merchantId must be 1-64 letters, digits, _ or -' })
  merchantId: string;

  @ApiProperty({ example: 'Cafe Sai Gon' })
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  name: string;

  @ApiProperty({ example: '0x2c9f5e0a7d3b4a1e8f6c2b9d0e1f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f' })
  @IsSuiAddress()
  walletAddress: string;

  @ApiPropertyOptional({ example: 'https://merchant.example.com/nfcpay/webhooks' })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  @MaxLength(2048)
  webhookUrl?: string;

  @ApiPropertyOptional({ example: '5812', description: 'Merchant category code, four digits; default 5999' })
  @IsOptional()
  @Matches(MCC_PATTERN, { message: 'mcc must be four digits' })
  mcc?: string;
}

export class UpdateMerchantDto {
  @ApiProperty({ example: '5812', description: 'Merchant category code, four digits' })
  @Matches(MCC_PATTERN, { message: 'mcc must be four digits' })
  mcc: string;
}

export class UpdateMerchantWebhookDto {
  @ApiProperty({ example: 'https://merchant.example.com/nfcpay/webhooks', nullable: true, description: 'null removes the webhook' })
  @ValidateIf((_object, value) => value !== null)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  @MaxLength(2048)
  webhookUrl: string | null;
}

export class UpdateMerchantStatusDto {
  @ApiProperty({ enum: MERCHANT_STATUSES })
  @IsIn(MERCHANT_STATUSES)
  status: MerchantStatus;
}

export class UpdateMerchantCardPolicyDto {
  @ApiProperty({ example: false, description: 'false: taps naming only a cardUuid (no SUN proof) are declined card_auth_required; only secure cards pay here' })
  @IsBoolean()
  acceptUnauthenticatedCards: boolean;
}

export class CreateTerminalDto {
  @ApiProperty({ example: 'terminal-async-001' })
  @IsString()
  @Matches(ID_PATTERN, { message: 'terminalId must be 1-64 letters, digits, _ or -' })
  terminalId: string;
}

export class MerchantDto {
  @ApiProperty() merchantId: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: "The merchant's own Sui address: where payouts go" }) walletAddress: string;
  @ApiPropertyOptional({ description: 'The custodial wallet payments settle into (refunds and payouts leave from it); made on first use for older merchants' }) settlementAddress?: string;
  @ApiProperty({ enum: MERCHANT_STATUSES }) status: MerchantStatus;
  @ApiPropertyOptional() webhookUrl?: string;
  @ApiProperty({ example: '5999', description: 'Merchant category code' }) mcc: string;
  @ApiProperty({ description: 'Whether a webhook signing secret exists (the secret itself is shown only once)' }) webhookSecretSet: boolean;
  @ApiProperty({ description: 'Whether taps naming only a cardUuid (no SUN proof) are taken (default true)' }) acceptUnauthenticatedCards: boolean;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}

export class MerchantListQueryDto extends CursorPageQueryDto {}

export class MerchantListResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: [MerchantDto], description: 'Ordered by merchantId' }) merchants: MerchantDto[];
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last page' }) nextCursor: string | null;
}

export class MerchantWithSecretDto extends MerchantDto {
  @ApiPropertyOptional({
    example: 'whsec_Zk3...',
    description: 'The webhook signing secret: present only in the answer that created it (merchant creation with a webhookUrl, first webhookUrl, rotation). Store it; it is not shown again.',
  })
  webhookSecret?: string;
}

export class MerchantWithSecretResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: MerchantWithSecretDto }) merchant: MerchantWithSecretDto;
}

export class WebhookSecretResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ example: 'MERCHANT_ASYNC_TEST' }) merchantId: string;
  @ApiProperty({ description: 'The new secret, shown only here' }) webhookSecret: string;
  @ApiPropertyOptional({ description: 'Until then deliveries carry a second v1 signature made with the previous secret' }) previousSecretValidUntil?: Date;
}

export class TerminalDto {
  @ApiProperty() terminalId: string;
  @ApiProperty() merchantId: string;
  @ApiProperty({ enum: TERMINAL_STATUSES }) status: TerminalStatus;
  @ApiPropertyOptional({ example: 'Counter 2' }) label?: string;
  @ApiProperty({ description: 'Whether the terminal signs its requests with a device key (then a bearer token alone is refused)' }) keyBound: boolean;
  @ApiPropertyOptional({ description: 'Last heartbeat (or secret login)' }) lastSeenAt?: Date;
  @ApiPropertyOptional({ enum: ['online', 'offline'], description: 'online: heard from within TERMINAL_OFFLINE_AFTER_SECONDS (only in the merchant terminal list)' })
  presence?: 'online' | 'offline';
  @ApiPropertyOptional({ example: '2.4.0', description: 'As the last heartbeat gave it' }) appVersion?: string;
  @ApiPropertyOptional({ example: 0, description: 'Taps queued offline on the device, as the last heartbeat gave it' }) offlineQueued?: number;
  @ApiPropertyOptional({ example: { model: 'Sunmi P2' }, description: 'What the device said of itself when it paired' }) deviceInfo?: Record<string, string>;
  @ApiProperty() createdAt: Date;
}

export class MerchantResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: MerchantDto }) merchant: MerchantDto;
}

export class TerminalResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: TerminalDto }) terminal: TerminalDto;
}

export class TerminalWithSecretResponseDto extends TerminalResponseDto {
  @ApiProperty({ description: 'Shown only once; store it on the terminal. Only its hash is kept.' })
  terminalSecret: string;
}

export class TerminalListResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: [TerminalDto] }) terminals: TerminalDto[];
}
