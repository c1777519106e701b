import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { Omittable } from '../../common/validation/omittable.decorator';
import { SPENDING_INTERVALS, type SpendingInterval } from '../card-controls';
import { CARD_STATUSES, type CardStatus } from '../schemas/card.schema';

/** No card may be given limits above this (10 billion minor units). */
export const LIMIT_CEILING = 10_000_000_000;

export class CreateCardDto {
  @ApiProperty({ example: 'test-async-card-123', description: 'The UUID read from the NFC card' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'cardUuid must be 1-64 letters, digits, _ or -' })
  cardUuid: string;

  @ApiPropertyOptional({
    example: '04A39493CC8680',
    pattern: '^[0-9a-fA-F]{14}$',
    description: "An NTAG 424 DNA card's 7-byte UID as 14 hex characters (either case): the card is then secure (requiresCardAuth) and the answer carries its programming keys, once",
  })
  @IsOptional()
  @Matches(/^[0-9a-fA-F]{14}$/, { message: 'nfcUid must be 14 hex characters (the 7-byte UID)' })
  nfcUid?: string;

  @ApiPropertyOptional({ example: '6650f2c1a4b5c6d7e8f90123', description: 'Admins only, and required of them: the cardholder (user id) the card is registered to' })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9a-f]{24}$/, { message: 'ownerId must be a user id' })
  ownerId?: string;

  @ApiPropertyOptional({ example: 2_000_000, description: 'Default 2 000 000' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(LIMIT_CEILING)
  dailyLimit?: number;

  @ApiPropertyOptional({ example: 500_000, description: 'Default 500 000; at most the daily limit' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(LIMIT_CEILING)
  singleTransactionLimit?: number;
}

export class UpdateCardLimitsDto {
  @ApiPropertyOptional({ example: 3_000_000 })
  @Omittable()
  @IsInt()
  @Min(1)
  @Max(LIMIT_CEILING)
  dailyLimit?: number;

  @ApiPropertyOptional({ example: 1_000_000 })
  @Omittable()
  @IsInt()
  @Min(1)
  @Max(LIMIT_CEILING)
  singleTransactionLimit?: number;

  @ApiPropertyOptional({ example: 1_000_000, description: "Admins only: above this a tap needs the cardholder's PIN (202 requires_pin; offline: declined offline_pin_required)" })
  @Omittable()
  @IsInt()
  @Min(1)
  @Max(LIMIT_CEILING)
  cvmLimit?: number;

  @ApiPropertyOptional({ example: 5, description: 'Admins only (PSD2): the N-th tap in a row without a PIN needs one; a PIN-verified payment starts the count again. 0 turns it off (the default)' })
  @Omittable()
  @IsInt()
  @Min(0)
  @Max(100)
  cvmConsecutiveTaps?: number;
}

export class BlockCardDto {
  @ApiPropertyOptional({ example: 'Lost my wallet' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reason?: string;
}

export class SpendingLimitDto {
  @ApiPropertyOptional({ example: 1_000_000, description: 'At most this much (minor units) per interval; give amount, count or both' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(LIMIT_CEILING)
  amount?: number;

  @ApiPropertyOptional({ example: 10, description: 'At most this many payments per interval' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  count?: number;

  @ApiProperty({ enum: SPENDING_INTERVALS, description: 'Calendar windows in LIMITS_TIMEZONE; weeks start on Monday, months on the 1st' })
  @IsIn(SPENDING_INTERVALS)
  interval: SpendingInterval;

  @ApiPropertyOptional({ type: [String], example: ['5812'], description: 'Merchant category codes it applies to; all when absent' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(/^\d{4}$/, { each: true, message: 'categories must be four-digit codes' })
  categories?: string[];
}

export class SpendingLimitsDto {
  @ApiProperty({ type: [SpendingLimitDto], description: 'Every limit that applies to a payment must hold' })
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => SpendingLimitDto)
  spendingLimits: SpendingLimitDto[];
}

export class SpendingControlsDto extends SpendingLimitsDto {
  @ApiPropertyOptional({ type: [String], example: ['7995'], description: 'Merchant category codes the card never pays at' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(/^\d{4}$/, { each: true, message: 'blockedCategories must be four-digit codes' })
  blockedCategories?: string[];
}

export class EffectiveLimitsDto {
  @ApiProperty({ description: 'The daily limit in force now' }) dailyLimit: number;
  @ApiProperty({ description: 'The single-transaction limit in force now' }) singleTransactionLimit: number;
  @ApiProperty({ description: "Percent of the card's own limits in force (the dynamic-limit policy)" }) percent: number;
}

export class CardDto {
  @ApiProperty() cardUuid: string;
  @ApiProperty() ownerId: string;
  @ApiProperty({ enum: CARD_STATUSES }) status: CardStatus;
  @ApiPropertyOptional() blockedReason?: string;
  @ApiPropertyOptional({ enum: ['holder', 'admin', 'fraud'], description: "Who placed the block: a holder may lift only a holder's" })
  blockedBy?: 'holder' | 'admin' | 'fraud';
  @ApiProperty() dailyLimit: number;
  @ApiProperty() singleTransactionLimit: number;
  @ApiProperty({ example: 1_000_000, description: "Above this a tap needs the cardholder's PIN (the CVM_LIMIT_DEFAULT setting unless an admin set it)" }) cvmLimit: number;
  @ApiPropertyOptional({ example: 5, description: 'The N-th tap in a row without a PIN needs one (absent: off)' }) cvmConsecutiveTaps?: number;
  @ApiProperty({ example: 'VND' }) currency: string;
  @ApiProperty({ description: 'A secure card: a tap must carry its SUN message (`sun`); naming only the cardUuid is declined card_auth_required' })
  requiresCardAuth: boolean;
  @ApiPropertyOptional({ example: '04a39493cc8680', description: "A secure card's UID, 14 lowercase hex characters" }) nfcUid?: string;
  @ApiPropertyOptional({ example: 1, description: "A secure card's key version: 1, then one more per reprogramming" }) keyVersion?: number;
  @ApiProperty({ type: SpendingControlsDto, description: 'All the controls, dailyLimit and singleTransactionLimit among them' }) spendingControls: SpendingControlsDto;
  @ApiPropertyOptional({ type: [SpendingLimitDto], description: "An administrator's caps on the controls" }) caps?: SpendingLimitDto[];
  @ApiPropertyOptional({ type: EffectiveLimitsDto, description: 'The limits in force now, after the dynamic-limit policy (in the single-card view)' })
  effectiveLimits?: EffectiveLimitsDto;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}

export class CardResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: CardDto }) card: CardDto;
}

export class CardListResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: [CardDto] }) cards: CardDto[];
}

const KEY_HEX = { example: 'a29119fcb48e737d1591d3489557e49b', pattern: '^[0-9a-f]{32}$' } as const;

/** Shown once: the server stores none of these keys (they derive from CARD_ISSUER_KEY). */
export class CardProgrammingDto {
  @ApiProperty({ ...KEY_HEX, description: 'K0, the application master key' }) k0: string;
  @ApiProperty({ ...KEY_HEX, description: "K1, the SUN encryption key of PICCData (`p`); the issuer's, the same for every card" }) k1: string;
  @ApiProperty({ ...KEY_HEX, description: 'K2, the SUN MAC key (`c`)' }) k2: string;
  @ApiProperty({ ...KEY_HEX, description: 'K3 (unused by SUN; written as AN12196 recommends)' }) k3: string;
  @ApiProperty({ ...KEY_HEX, description: 'K4 (unused by SUN; written as AN12196 recommends)' }) k4: string;
  @ApiProperty({ example: 1, description: 'The key version these keys belong to' }) version: number;
}

export class RegisteredCardResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: CardDto }) card: CardDto;
  @ApiPropertyOptional({ type: CardProgrammingDto, description: 'Only for a card registered with an nfcUid, and only in this answer: write these keys to the card' })
  programming?: CardProgrammingDto;
}

export class ReprogramCardDto {
  @ApiPropertyOptional({ example: 'correct horse battery staple', description: "The cardholder's password (required of a cardholder; an admin gives none)" })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  password?: string;
}

export class ReprogrammedCardResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: CardDto }) card: CardDto;
  @ApiProperty({ type: CardProgrammingDto, description: 'The new keys, shown only here; the previous ones no longer work' })
  programming: CardProgrammingDto;
}

export class CardControlsViewDto {
  @ApiProperty({ type: [SpendingLimitDto], description: 'The first per_authorization and daily amounts are the card’s singleTransactionLimit and dailyLimit' })
  spendingLimits: SpendingLimitDto[];
  @ApiProperty({ type: [String] }) blockedCategories: string[];
  @ApiProperty({ type: [SpendingLimitDto], description: "An administrator's caps: the controls stay within them, and they are enforced too" })
  caps: SpendingLimitDto[];
}

export class CardControlsResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty() cardUuid: string;
  @ApiProperty({ type: CardControlsViewDto }) controls: CardControlsViewDto;
}

export class HolderControlsResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: [CardControlsResponseDto], description: "Each of the cardholder's cards with its new controls" })
  cards: CardControlsResponseDto[];
}
