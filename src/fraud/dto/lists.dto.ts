import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { LIST_TYPES, type ListType } from '../schemas/fraud-list-entry.schema';

const VALUE = /^[A-Za-z0-9_:.@-]{1,128}$/;
const VALUE_MESSAGE = 'value must be 1-128 letters, digits or _ : . @ -';

export class CreateListEntryDto {
  @ApiProperty({ enum: LIST_TYPES, example: 'card' })
  @IsIn(LIST_TYPES)
  type: ListType;

  @ApiProperty({ example: 'f3b1c2d4-0000-4000-8000-000000000001', description: 'cardUuid, terminalId or merchantId' })
  @IsString()
  @Matches(VALUE, { message: VALUE_MESSAGE })
  value: string;

  @ApiPropertyOptional({ example: 'reported stolen' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class ListEntryParamsDto {
  @ApiProperty({ enum: LIST_TYPES, description: 'Which block list' })
  @IsIn(LIST_TYPES)
  type: ListType;

  @ApiProperty({ example: 'test-async-card-123', description: 'The listed cardUuid, terminalId or merchantId' })
  @IsString()
  @Matches(VALUE, { message: VALUE_MESSAGE })
  value: string;
}

export class ListQueryDto {
  @ApiPropertyOptional({ enum: LIST_TYPES, description: 'Only this list' })
  @IsOptional()
  @IsIn(LIST_TYPES)
  type?: ListType;

  @ApiPropertyOptional({ type: 'integer', default: 100, minimum: 1, maximum: 1000, description: 'At most this many, newest first' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class ListEntryDto {
  @ApiProperty({ enum: LIST_TYPES }) type: ListType;
  @ApiProperty() value: string;
  @ApiPropertyOptional() reason?: string;
  @ApiProperty({ example: 'admin-1' }) createdBy: string;
  @ApiProperty() createdAt: Date;
}

export class ListEntriesResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: [ListEntryDto] }) entries: ListEntryDto[];
}

export class ListEntryResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ example: true, description: 'False when the entry already existed (the call is idempotent)' }) created: boolean;
  @ApiProperty({ type: ListEntryDto }) entry: ListEntryDto;
}

export class SuccessResponseDto {
  @ApiProperty({ example: true }) success: true;
}
