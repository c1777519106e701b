import { ApiProperty } from '@nestjs/swagger';

export class LivenessDto {
  @ApiProperty({ example: true })
  success: true;

  @ApiProperty({ example: 'ok' })
  status: 'ok';

  @ApiProperty({ example: 42, description: 'Seconds since the process started' })
  uptimeSeconds: number;

  @ApiProperty({ example: 'sui:testnet', description: 'Where payments settle' })
  chain: string;

  @ApiProperty({ example: 'testnet', enum: ['local', 'testnet', 'mainnet', 'devnet'], description: '`local`: payments settle on the in-process ledger and move no real money' })
  ledger: string;
}

export class DependencyChecksDto {
  @ApiProperty({ enum: ['up', 'down'], description: 'MongoDB (or FerretDB) answered a ping' })
  mongodb: 'up' | 'down';

  @ApiProperty({ enum: ['up', 'down'], description: 'Redis answered a ping' })
  redis: 'up' | 'down';
}

export class ReadinessDto {
  @ApiProperty({ example: true })
  success: true;

  @ApiProperty({ example: 'ready' })
  status: 'ready';

  @ApiProperty({ type: DependencyChecksDto })
  checks: DependencyChecksDto;
}
