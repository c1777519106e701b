import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';

export class ActivateModelDto {
  @ApiProperty({ example: 'lr-2026-12-v2', description: 'A model version bundled with this build (GET /api/fraud/model lists them)' })
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'version must be 1-64 letters, digits, ., _ or -' })
  version: string;
}

export class ModelInfoDto {
  @ApiProperty({ example: 'lr-2026-12-v2' }) version: string;
  @ApiProperty({ example: 'logistic_regression' }) kind: string;
  @ApiProperty({ type: [String], description: 'Its inputs, in order' }) features: string[];
  @ApiProperty({ type: Object, description: 'Held-out AUC, precision and recall at the review and block thresholds, beside the rules alone' }) metrics: Record<string, unknown>;
}

export class ModelStateResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiPropertyOptional({ type: ModelInfoDto, nullable: true, description: 'The model whose riskScore the `model` rule enforces; null until one is activated' }) active: ModelInfoDto | null;
  @ApiPropertyOptional({ type: ModelInfoDto, nullable: true, description: 'Scored and recorded on every assessment, deciding nothing' }) shadow: ModelInfoDto | null;
  @ApiProperty({ type: [String], description: 'The versions bundled with this build' }) available: string[];
}

export class TopFeatureDto {
  @ApiProperty({ example: 'taps_last_minute' }) feature: string;
  @ApiProperty({ example: 1.8, description: 'Its share of the logit' }) contribution: number;
}

export class ShadowScoreDto {
  @ApiProperty() version: string;
  @ApiProperty() riskScore: number;
  @ApiProperty({ enum: ['normal', 'elevated', 'highest'] }) riskLevel: string;
}

export class AssessmentDto {
  @ApiProperty() assessmentId: string;
  @ApiProperty() transactionId: string;
  @ApiProperty() cardUuid: string;
  @ApiProperty() merchantId: string;
  @ApiProperty() terminalId: string;
  @ApiProperty() amount: number;
  @ApiProperty() at: Date;
  @ApiProperty({ description: "The rules' score (0–100)" }) score: number;
  @ApiProperty({ enum: ['allow', 'review', 'block'] }) decision: string;
  @ApiProperty({ type: Object, isArray: true, description: 'The rules (and the model rule) that fired' }) reasons: { rule: string; detail: string; weight: number }[];
  @ApiPropertyOptional({ description: "The model's risk score, 0–99" }) riskScore?: number;
  @ApiPropertyOptional({ enum: ['normal', 'elevated', 'highest'] }) riskLevel?: string;
  @ApiPropertyOptional() modelVersion?: string;
  @ApiPropertyOptional({ description: 'False when the model ran in shadow' }) modelEnforced?: boolean;
  @ApiPropertyOptional({ type: [TopFeatureDto] }) topFeatures?: TopFeatureDto[];
  @ApiPropertyOptional({ type: ShadowScoreDto, description: 'A shadow model’s score beside the active one' }) shadow?: ShadowScoreDto;
  @ApiPropertyOptional({ type: Object, example: { taps_last_minute: 2, log_card_age_days: 0.04, mcc_high_risk: 1 }, description: "The model's features as computed for this payment, by name (absent when the counters could not be read)" }) features?: Record<string, number>;
  @ApiPropertyOptional({ example: '5732', description: "The merchant's category when the payment was assessed" }) mcc?: string;
  @ApiPropertyOptional({ nullable: true, description: 'Whether the payment was approved' }) approved: boolean | null;
}

export class AssessmentResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: AssessmentDto }) assessment: AssessmentDto;
}
