import { OfflinePolicyViewDto } from '../offline/offline-policy.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateBy } from 'class-validator';
import { PAIRING_CODE_PATTERN } from '../pairing-code';

const PUBLIC_KEY_DESCRIPTION = 'The Ed25519 public key the device signs with: base64 of the raw 32 bytes (not SPKI/PEM)';
const PUBLIC_KEY_EXAMPLE = 'JrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=';

export class CreatePairingCodeDto {
  @ApiPropertyOptional({ example: 'Counter 2', description: "The terminal's label, unless the device gives its own" })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(80)
  label?: string;
}

export class PairingCodeResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ example: 'K7QM4XPR', description: 'Type it on the device (8 characters; case and a middle "-" do not matter). Single use; 5 wrong tries burn it.' })
  code: string;
  @ApiProperty({ description: 'Ten minutes from now' }) expiresAt: Date;
}

/** At most 10 string values, so a device can say what it is without sending a document. */
const IsDeviceInfo = () =>
  ValidateBy({
    name: 'isDeviceInfo',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'object' &&
        value !== null &&
        Object.keys(value).length <= 10 &&
        Object.entries(value).every(([key, entry]) => /^[A-Za-z0-9_.-]{1,40}$/.test(key) && typeof entry === 'string' && entry.length <= 200),
      defaultMessage: () => 'deviceInfo must have at most 10 keys (letters, digits, _ . -) with strings of at most 200 characters',
    },
  });

export class PairTerminalDto {
  @ApiProperty({ example: 'K7QM-4XPR', description: 'The pairing code staff created for the merchant' })
  @IsString()
  @Matches(PAIRING_CODE_PATTERN, { message: 'code must be the 8-character pairing code' })
  code: string;

  @ApiProperty({ example: PUBLIC_KEY_EXAMPLE, description: PUBLIC_KEY_DESCRIPTION })
  @IsString()
  @MaxLength(64)
  publicKey: string;

  @ApiPropertyOptional({ example: 'Counter 2' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(80)
  label?: string;

  @ApiPropertyOptional({ example: { model: 'Sunmi P2', os: 'Android 13', app: '2.4.0' }, description: 'What the device is; shown to the merchant, trusted for nothing' })
  @IsOptional()
  @IsObject()
  @IsDeviceInfo()
  deviceInfo?: Record<string, string>;
}

export class PairedTerminalResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ example: 'trm_5f0c2a9b1e8a00123456789a', description: 'The `keyid` of every signature the device makes' }) terminalId: string;
  @ApiProperty({ example: 'MERCHANT_ASYNC_TEST' }) merchantId: string;
}

export class TerminalKeyDto {
  @ApiProperty({ example: PUBLIC_KEY_EXAMPLE, description: PUBLIC_KEY_DESCRIPTION })
  @IsString()
  @MaxLength(64)
  publicKey: string;
}

export class HeartbeatDto {
  @ApiPropertyOptional({ example: '2.4.0' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  appVersion?: string;

  @ApiPropertyOptional({ example: 0, description: 'Taps the device holds that it could not send yet' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offlineQueued?: number;
}

export class HeartbeatResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ description: "The server's clock: a device whose `created` drifts more than 60 s from it is refused" }) serverTime: Date;
  @ApiProperty({ type: OfflinePolicyViewDto, description: 'The offline policy in force for this terminal: the device enforces it before the server does' })
  offlinePolicy: OfflinePolicyViewDto;
}
