import type { BacktestResponseDto, AuditEntryDto, ReasonDto, RulesResponseDto } from './dto/rules.dto';
import type { ListEntryDto } from './dto/lists.dto';
import type { ReviewDto } from './dto/reviews.dto';
import type { BacktestResult } from './fraud-backtest.service';
import type { ActiveRules } from './fraud-rules.service';
import type { FraudAuditEntry } from './schemas/fraud-audit.schema';
import type { FraudListEntry } from './schemas/fraud-list-entry.schema';
import type { FraudReview } from './schemas/fraud-review.schema';

const reasons = (list: { rule: string; detail: string; weight: number }[] | undefined): ReasonDto[] => (list ?? []).map(({ rule, detail, weight }) => ({ rule, detail, weight }));

export function toRulesResponse(active: ActiveRules): RulesResponseDto {
  const { decision, rules } = active.config;
  return {
    success: true,
    version: active.version,
    updatedBy: active.updatedBy,
    updatedAt: active.updatedAt,
    decision: { ...decision },
    rules: structuredClone(rules),
  };
}

export function toListEntry(entry: FraudListEntry): ListEntryDto {
  return { type: entry.type, value: entry.value, reason: entry.reason, createdBy: entry.createdBy, createdAt: entry.createdAt };
}

export function toReview(review: FraudReview): ReviewDto {
  return {
    transactionId: review.transactionId,
    assessmentId: review.assessmentId,
    cardUuid: review.cardUuid,
    userId: review.userId,
    amount: review.amount,
    merchantId: review.merchantId,
    terminalId: review.terminalId,
    score: review.score,
    ...(review.riskScore !== undefined && { riskScore: review.riskScore, riskLevel: review.riskLevel, modelVersion: review.modelVersion }),
    reasons: reasons(review.reasons),
    status: review.status,
    verdict: review.verdict,
    note: review.note,
    resolvedBy: review.resolvedBy,
    resolvedAt: review.resolvedAt,
    createdAt: review.createdAt,
  };
}

export function toAuditEntry(entry: FraudAuditEntry): AuditEntryDto {
  return { action: entry.action, actor: entry.actor, at: entry.at, details: entry.details ?? {} };
}

export function toBacktestResponse(result: BacktestResult): BacktestResponseDto {
  return {
    success: true,
    total: result.total,
    wouldBlock: result.wouldBlock,
    wouldReview: result.wouldReview,
    wouldAllow: result.wouldAllow,
    changed: result.changed,
    truncated: result.truncated,
    rulesVersion: result.rulesVersion,
    examples: result.examples.map((example) => ({ ...example, reasons: reasons(example.reasons) })),
  };
}
