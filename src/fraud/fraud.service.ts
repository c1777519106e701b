import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { type CounterSnapshot, RedisFraudCounters } from './counters/redis-fraud-counters';
import { fraudConfig, type FraudConfig } from './fraud.config';
import {
  AssessmentContext,
  AssessmentInput,
  FRAUD_DEGRADED,
  FRAUD_UNAVAILABLE,
  FraudAssessment,
  PaymentOutcome,
  ReviewableAssessment,
} from './fraud.types';
import { FraudAssessmentsStore } from './fraud-assessments.store';
import { FraudClock } from './fraud-clock';
import { FraudReviewsService } from './fraud-reviews.service';
import { FraudRulesService } from './fraud-rules.service';
import { LimitPolicyService } from './limit-policy/limit-policy.service';
import { modelFeatures, namedFeatures } from './model/features';
import { FraudModelService } from './model/fraud-model.service';
import { applyModel } from './model/model-rule';
import { evaluateRules } from './rules/rule-engine';

const WARN_EVERY_MS = 10_000;
/** Recent assessments by payment, so an outcome reported without its assessmentId finds it. */
const RECENT_KEPT = 10_000;

const paymentKey = (input: AssessmentInput, at: number) => `${input.cardUuid}|${input.terminalId}|${input.amount}|${at}`;

/**
 * Risk assessment of one payment. The hot path is one pipelined Redis read (counters, list
 * memberships, rule-set version) and in-process rules; the assessment is stored without waiting.
 * Never throws because Redis is down: the FRAUD_REDIS_DOWN_MODE policy answers instead.
 */
@Injectable()
export class FraudService {
  private readonly logger = new Logger('Fraud');
  private lastWarning = 0;
  private readonly recent = new Map<string, string>();

  constructor(
    private readonly counters: RedisFraudCounters,
    private readonly rules: FraudRulesService,
    private readonly store: FraudAssessmentsStore,
    private readonly reviews: FraudReviewsService,
    private readonly clock: FraudClock,
    @Inject(fraudConfig.KEY) private readonly config: FraudConfig,
    private readonly limitPolicy: LimitPolicyService,
    private readonly models: FraudModelService,
  ) {}

  /**
   * `context` is what payments is reading of the card and the merchant for its own checks: awaited
   * beside the counters, so the model's card age and category add no round trip. If it fails, the
   * model scores without them.
   */
  async assess(input: AssessmentInput, context?: Promise<AssessmentContext>): Promise<FraudAssessment> {
    const at = input.at?.getTime() ?? this.clock.now();
    const assessmentId = randomUUID();
    let result: FraudAssessment;
    let known: AssessmentContext = {};
    let x: number[] | undefined;
    try {
      let active = this.rules.current();
      let snapshot: CounterSnapshot;
      [snapshot, known] = await Promise.all([this.counters.read(input, at, active.config, this.config.redisTimeoutMs), context?.catch(() => ({})) ?? {}]);
      if (snapshot.rulesVersion !== null && snapshot.rulesVersion > active.version) {
        // The rules changed on some instance: evaluate this payment by the new ones already.
        active = await this.rules.ensureVersion(snapshot.rulesVersion);
        snapshot = await this.counters.read(input, at, active.config, this.config.redisTimeoutMs);
      }
      const verdict = evaluateRules({ input, features: snapshot.features }, active.config);
      x = modelFeatures({ amount: input.amount, at, cardIssuedAt: known.cardIssuedAt?.getTime(), mcc: known.mcc }, snapshot.features);
      const scores = this.models.score(x);
      result = { assessmentId, ...applyModel(verdict, scores, active.config.rules.model), rulesVersion: active.version };
    } catch (error) {
      result = this.degraded(assessmentId, input, error as Error);
    }
    if (!result.degraded) this.limitPolicy.noteScore(input.cardUuid, Math.max(result.score, result.modelEnforced ? result.riskScore! : 0), at);
    this.remember(paymentKey(input, at), assessmentId);
    this.store.insert({
      assessmentId,
      cardUuid: input.cardUuid,
      userId: input.userId,
      caller: input.caller,
      accountable: input.accountable,
      amount: input.amount,
      merchantId: input.merchantId,
      terminalId: input.terminalId,
      at: new Date(at),
      score: result.score,
      decision: result.decision,
      reasons: result.reasons,
      degraded: result.degraded ?? false,
      rulesVersion: result.rulesVersion,
      ...(known.cardIssuedAt && { cardIssuedAt: known.cardIssuedAt }),
      ...(known.mcc && { mcc: known.mcc }),
      ...(x && { features: namedFeatures(x) }),
      approved: null,
      ...modelFields(result),
    });
    return result;
  }

  /**
   * Payments reports its final decision: approved payments count into velocity, amount statistics
   * and terminal history; declined ones (fraud blocks included) into the card-testing counters.
   * Never throws; a Redis failure is logged and the counters miss this one payment.
   */
  async recordOutcome(input: AssessmentInput, outcome: PaymentOutcome): Promise<void> {
    const at = input.at?.getTime() ?? this.clock.now();
    const assessmentId = outcome.assessmentId ?? this.recent.get(paymentKey(input, at));
    if (assessmentId) this.store.update(assessmentId, { approved: outcome.approved, ...(input.accountable && { accountable: input.accountable }), ...(outcome.transactionId && { transactionId: outcome.transactionId }) });
    try {
      await this.counters.record(input, at, outcome.approved, assessmentId ?? randomUUID(), this.config.redisTimeoutMs);
    } catch (error) {
      this.warn(`Fraud counters not updated: ${(error as Error).message}`);
    }
  }

  /** For a `review` decision, once payments has a transactionId: queues the payment for an admin. */
  async openReview(transactionId: string, assessment: ReviewableAssessment, input: AssessmentInput): Promise<void> {
    const at = input.at?.getTime();
    const assessmentId = assessment.assessmentId ?? (at === undefined ? undefined : this.recent.get(paymentKey(input, at)));
    if (assessmentId) this.store.update(assessmentId, { transactionId });
    await this.reviews.open(transactionId, { ...assessment, assessmentId }, input);
  }

  /** The share of the card's limits the dynamic-limit policy lets it use now (1 without a policy). */
  limitShare(cardUuid: string, at: Date): Promise<number> {
    return this.limitPolicy.share(cardUuid, at.getTime());
  }

  /** Resolves when every stored-assessment write fired so far has settled. */
  whenIdle(): Promise<void> {
    return this.store.whenIdle();
  }

  private degraded(assessmentId: string, input: AssessmentInput, error: Error): FraudAssessment {
    const { redisDownMode: mode, degradedMaxAmount } = this.config;
    this.warn(`Fraud counters unavailable (${error.message}); deciding by FRAUD_REDIS_DOWN_MODE=${mode}`);
    const rulesVersion = this.rules.current().version;
    const pass = mode === 'allow_all' || (mode === 'allow_small' && input.amount < degradedMaxAmount);
    if (pass) {
      const detail = mode === 'allow_all' ? 'fraud checks unavailable; allowed by policy' : `fraud checks unavailable; amount under ${degradedMaxAmount} allowed by policy`;
      return { assessmentId, score: 0, decision: 'allow', reasons: [{ rule: FRAUD_DEGRADED, detail, weight: 0 }], degraded: true, rulesVersion };
    }
    const detail = mode === 'block_all' ? 'fraud checks unavailable; every payment is declined by policy' : `fraud checks unavailable; amount ${input.amount} ≥ ${degradedMaxAmount} declined by policy`;
    return { assessmentId, score: 100, decision: 'block', reasons: [{ rule: FRAUD_UNAVAILABLE, detail, weight: 100 }], degraded: true, rulesVersion };
  }

  private remember(key: string, assessmentId: string): void {
    this.recent.delete(key);
    this.recent.set(key, assessmentId);
    if (this.recent.size > RECENT_KEPT) this.recent.delete(this.recent.keys().next().value!);
  }

  private warn(message: string): void {
    const now = Date.now();
    if (now - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = now;
    this.logger.warn(message);
  }
}

function modelFields(result: FraudAssessment) {
  if (result.riskScore === undefined) return {};
  return { riskScore: result.riskScore, riskLevel: result.riskLevel, modelVersion: result.modelVersion, modelEnforced: result.modelEnforced, topFeatures: result.topFeatures, ...(result.shadow && { shadow: result.shadow }) };
}
