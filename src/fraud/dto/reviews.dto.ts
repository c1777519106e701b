import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ReasonDto } from './rules.dto';

export class ReviewsQueryDto {
  @ApiPropertyOptional({ type: 'integer', default: 50, minimum: 1, maximum: 200, description: 'At most this many, newest first' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class ReviewParamsDto {
  @ApiProperty({ example: 'nfc_mi2x0k3c_9f8e7d6c5b4a3f2e', description: 'The payment under review' })
  @IsString()
  @Matches(/^[A-Za-z0-9_:.-]{1,128}$/, { message: 'transactionId must be 1-128 letters, digits or _ : . -' })
  transactionId: string;
}

export class ResolveReviewDto {
  @ApiProperty({ enum: ['legit', 'fraud'], description: '`fraud` blocks the card (block list + fraud.card_flagged event)' })
  @IsIn(['legit', 'fraud'])
  verdict: 'legit' | 'fraud';

  @ApiPropertyOptional({ example: 'cardholder confirmed the purchase' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;
}

export class ReviewDto {
  @ApiProperty() transactionId: string;
  @ApiPropertyOptional() assessmentId?: string;
  @ApiProperty() cardUuid: string;
  @ApiPropertyOptional() userId?: string;
  @ApiProperty() amount: number;
  @ApiProperty() merchantId: string;
  @ApiProperty() terminalId: string;
  @ApiProperty() score: number;
  @ApiPropertyOptional({ description: "The fraud model's risk score (0–99)" }) riskScore?: number;
  @ApiPropertyOptional({ enum: ['normal', 'elevated', 'highest'] }) riskLevel?: string;
  @ApiPropertyOptional() modelVersion?: string;
  @ApiProperty({ type: [ReasonDto] }) reasons: ReasonDto[];
  @ApiProperty({ enum: ['open', 'resolved'] }) status: string;
  @ApiPropertyOptional({ enum: ['legit', 'fraud'] }) verdict?: string;
  @ApiPropertyOptional() note?: string;
  @ApiPropertyOptional() resolvedBy?: string;
  @ApiPropertyOptional() resolvedAt?: Date;
  @ApiProperty() createdAt: Date;
}

export class ReviewsResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: [ReviewDto] }) reviews: ReviewDto[];
}

export class ReviewResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: ReviewDto }) review: ReviewDto;
}
