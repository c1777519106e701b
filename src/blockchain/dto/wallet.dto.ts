import { ApiProperty } from '@nestjs/swagger';

export class WalletDto {
  @ApiProperty({ example: '0x5b7c…e1' }) address: string;
  @ApiProperty({ example: '999924997880000', description: 'MIST (1e-9 SUI), as a decimal string' }) balanceMist: string;
  @ApiProperty({ example: '999924.99788' }) balanceSui: string;
}

export class WalletResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: WalletDto }) wallet: WalletDto;
}
