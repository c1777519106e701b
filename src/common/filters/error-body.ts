import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'amount', description: 'The field (nested ones as `a.b`), or the header or path part' })
  field: string;

  @ApiProperty({ example: ['amount is required'], description: 'What is wrong with it: one message' })
  errors: string[];
}

/** The one shape of every failure the API answers with. */
export class ErrorResponseDto {
  @ApiProperty({ example: false, description: 'Always false on a failure' })
  success: false;

  @ApiProperty({ example: 'Not Found', description: 'The HTTP status text, e.g. Bad Request, Unauthorized, Too Many Requests' })
  error: string;

  @ApiPropertyOptional({ example: 'Transaction not found', description: 'What went wrong, for a person' })
  message?: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'Validation failures only: each offending field' })
  details?: FieldErrorDto[];

  @ApiProperty({ example: '6f1c0b9e-4a47-4a55-9c55-2f7a8e3e2b11', description: 'Also in the X-Request-Id header; quote it to support' })
  requestId: string;
}
