import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { CARD_STATUSES, type CardStatus } from '../schemas/card.schema';

/** No card may be given limits above this (10 billion minor units). */
export const LIMIT_CEILING = 10_000_000_000;

export class CreateCardDto {
  @ApiProperty({ example: 'test-async-card-123', description: 'The UUID read from the NFC card' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'cardUuid must be 1-64 letters, digits, _ or -' })
  cardUuid: string;

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
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(LIMIT_CEILING)
  dailyLimit?: number;

  @ApiPropertyOptional({ example: 1_000_000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(LIMIT_CEILING)
  singleTransactionLimit?: number;
}

export class BlockCardDto {
  @ApiPropertyOptional({ example: 'Lost my wallet' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reason?: string;
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
  @ApiProperty({ example: 'VND' }) currency: string;
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
