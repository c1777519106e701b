import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'amount' })
  field: string;

  @ApiProperty({ example: ['amount must be a positive number'] })
  errors: string[];
}

/** The one shape of every failure the API answers with. */
export class ErrorResponseDto {
  @ApiProperty({ example: false })
  success: false;

  @ApiProperty({ example: 'Bad Request' })
  error: string;

  @ApiPropertyOptional({ example: 'Validation failed' })
  message?: string;

  @ApiPropertyOptional({ type: [FieldErrorDto] })
  details?: FieldErrorDto[];

  @ApiProperty({ example: '6f1c0b9e-4a47-4a55-9c55-2f7a8e3e2b11' })
  requestId: string;
}
