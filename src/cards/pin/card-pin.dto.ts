import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';

export class SetCardPinDto {
  @ApiProperty({ example: '4821', pattern: '^[0-9]{4,6}$', description: '4-6 digits; stored only as a salted scrypt hash' })
  @IsString()
  @Matches(/^[0-9]{4,6}$/, { message: 'pin must be 4-6 digits' })
  pin: string;

  @ApiProperty({ example: 'correct horse battery staple', description: "The cardholder's account password, checked again" })
  @IsString()
  @MaxLength(200)
  password: string;
}

export class CardPinSetResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ example: true, description: 'The card has a PIN now (the PIN itself is never returned)' }) pinSet: true;
}

export class UnblockCardPinDto {
  @ApiProperty({ example: 'correct horse battery staple', description: "The cardholder's account password" })
  @IsString()
  @MaxLength(200)
  password: string;
}

export class CardPinUnblockedResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ example: 'active', description: 'The card pays again; the count of wrong PINs starts from zero' }) status: 'active';
}
