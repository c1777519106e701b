import { NotFoundException } from '@nestjs/common';
import type { FraudAssessmentRecord } from '../schemas/fraud-assessment.schema';
import type { ModelState } from './fraud-model.service';
import type { AssessmentDto, ModelInfoDto, ModelStateResponseDto } from './fraud-model.dto';
import type { FraudModelFile } from './scorer';

const info = (model?: FraudModelFile): ModelInfoDto | null => (model ? { version: model.version, kind: model.kind, features: model.features, metrics: model.metrics } : null);

export function toModelStateResponse(state: ModelState, available: string[]): ModelStateResponseDto {
  return { success: true, active: info(state.active), shadow: info(state.shadow), available };
}

export function toAssessmentDto(record: FraudAssessmentRecord | null): AssessmentDto {
  if (!record?.transactionId) throw new NotFoundException('Assessment not found');
  return {
    assessmentId: record.assessmentId,
    transactionId: record.transactionId,
    cardUuid: record.cardUuid,
    merchantId: record.merchantId,
    terminalId: record.terminalId,
    amount: record.amount,
    at: record.at,
    score: record.score,
    decision: record.decision,
    reasons: record.reasons.map(({ rule, detail, weight }) => ({ rule, detail, weight })),
    ...(record.riskScore !== undefined && {
      riskScore: record.riskScore,
      riskLevel: record.riskLevel,
      modelVersion: record.modelVersion,
      modelEnforced: record.modelEnforced,
      topFeatures: (record.topFeatures ?? []).map(({ feature, contribution }) => ({ feature, contribution })),
    }),
    ...(record.shadow && { shadow: { version: record.shadow.version, riskScore: record.shadow.riskScore, riskLevel: record.shadow.riskLevel } }),
    ...(record.features && { features: { ...record.features } }),
    ...(record.mcc && { mcc: record.mcc }),
    approved: record.approved,
  };
}
