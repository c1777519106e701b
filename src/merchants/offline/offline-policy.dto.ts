import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, Max, Min } from 'class-validator';

export class OfflinePolicyDto {
  @ApiProperty({ example: true, description: 'Whether the terminal may take taps while offline (off by default)' })
  @IsBoolean()
  enabled: boolean;

  @ApiProperty({ example: 200_000, description: 'Largest single offline tap, in the minor unit' })
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  maxTapAmount: number;

  @ApiProperty({ example: 50, description: "Most offline taps per terminal in one offline window, across every forward: a tap is declined offline_over_policy when the taps accepted offline captured within the maxAgeHours before its own capturedAt already number maxTaps" })
  @IsInt()
  @Min(0)
  @Max(10_000)
  maxTaps: number;

  @ApiProperty({ example: 5_000_000, description: 'Largest total per terminal in one offline window, across every forward: the amounts of the taps accepted offline captured within the maxAgeHours before a tap, plus its own' })
  @IsInt()
  @Min(0)
  @Max(100_000_000_000)
  maxTotal: number;

  @ApiProperty({ example: 24, description: 'A tap older than this many hours when it arrives is declined offline_expired (1-24)' })
  @IsInt()
  @Min(1)
  @Max(24)
  maxAgeHours: number;
}

export class OfflinePolicyViewDto extends OfflinePolicyDto {
  @ApiProperty({ enum: ['default', 'merchant', 'terminal'], description: "Where the policy comes from: the terminal's override, its merchant's, or the default (off)" })
  @IsIn(['default', 'merchant', 'terminal'])
  source: 'default' | 'merchant' | 'terminal';
}

export class OfflinePolicyResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: OfflinePolicyViewDto, description: 'The policy as stored' }) offlinePolicy: OfflinePolicyViewDto;
}
