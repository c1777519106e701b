import { BadRequestException, Inject, Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { InjectModel } from '@nestjs/mongoose';
import type Redis from 'ioredis';
import { Model } from 'mongoose';
import { CardsService } from '../../cards/cards.service';
import { paymentsConfig, type PaymentsConfig } from '../../config/app.config';
import { PAYMENT_COMPLETED, type PaymentEvent } from '../../payments/payment.events';
import { REDIS_CLIENT } from '../../redis/redis.constants';
import { withRedisTimeout } from '../counters/redis-fraud-counters';
import { FRAUD_CARD_FLAGGED } from '../fraud.events';
import { FraudClock } from '../fraud-clock';
import { FraudAssessmentRecord } from '../schemas/fraud-assessment.schema';
import { type CardHistory, DEFAULT_LIMIT_POLICY, effectiveLimits, type EffectiveLimits, type LimitPolicy, limitShare } from './limit-policy';
import { ACTIVE_LIMIT_POLICY_ID, LimitPolicyRecord } from './limit-policy.schema';

/** Instances see another's policy change within this long. */
const POLICY_TTL_MS = 5_000;
const HISTORY_TIMEOUT_MS = 50;
const SETTLED_SEEN_SECONDS = 7 * 86_400;
const BACKTEST_MAX_PAYMENTS = 50_000;
const EXAMPLES = 20;

const historyKey = (cardUuid: string) => `risk-card:${cardUuid}`;
// Counts a settled payment once however often its event is repaired.
const COUNT_SETTLED = `if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) then return redis.call('HINCRBY', KEYS[1], 'settled', 1) end return 0`;

export interface LimitBacktestExample {
  assessmentId: string;
  at: Date;
  cardUuid: string;
  amount: number;
  declineCode: 'daily_limit_exceeded' | 'single_limit_exceeded';
  effectiveLimits: EffectiveLimits;
}

export interface LimitBacktestResult {
  evaluated: number;
  wouldDecline: number;
  wouldDeclineAmount: number;
  truncated: boolean;
  examples: LimitBacktestExample[];
}

/**
 * Dynamic limits: the policy, each card's history it reads (settled payments since its last fraud
 * flag, its last elevated score; in Redis, a hash per card), and the share of the card's limits in
 * force. Without Redis a card is taken at its full limits (the static limits still hold).
 */
@Injectable()
export class LimitPolicyService {
  private readonly logger = new Logger('LimitPolicy');
  private cached?: { policy: LimitPolicy; until: number };
  private readonly dayFormat: Intl.DateTimeFormat;

  constructor(
    @InjectModel(LimitPolicyRecord.name) private readonly policies: Model<LimitPolicyRecord>,
    @InjectModel(FraudAssessmentRecord.name) private readonly assessments: Model<FraudAssessmentRecord>,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly cards: CardsService,
    private readonly clock: FraudClock,
    @Inject(paymentsConfig.KEY) payments: PaymentsConfig,
  ) {
    this.dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: payments.limitsTimeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  }

  async policy(): Promise<LimitPolicy> {
    if (this.cached && this.cached.until > this.clock.now()) return this.cached.policy;
    const record = await this.policies.findById(ACTIVE_LIMIT_POLICY_ID).lean().exec();
    const policy = { ...DEFAULT_LIMIT_POLICY, ...record?.policy };
    this.cached = { policy, until: this.clock.now() + POLICY_TTL_MS };
    return policy;
  }

  async update(patch: Partial<LimitPolicy>, adminId: string): Promise<LimitPolicy> {
    const policy = checked({ ...(await this.policy()), ...definedOnly(patch) });
    await this.policies.replaceOne({ _id: ACTIVE_LIMIT_POLICY_ID }, { policy, updatedBy: adminId, updatedAt: new Date(this.clock.now()) }, { upsert: true }).exec();
    this.cached = { policy, until: this.clock.now() + POLICY_TTL_MS };
    return policy;
  }

  /** The share of its limits the card may use at `at`. */
  async share(cardUuid: string, at: number): Promise<number> {
    const policy = await this.policy();
    if (!policy.enabled) return 1;
    return limitShare(policy, await this.history(cardUuid), at);
  }

  async effectiveFor(card: { cardUuid: string; dailyLimit: number; singleTransactionLimit: number }): Promise<EffectiveLimits> {
    return effectiveLimits(card, await this.share(card.cardUuid, this.clock.now()));
  }

  /** An assessment scored this card as elevated: the policy drops it back for a while. */
  noteScore(cardUuid: string, score: number, at: number): void {
    this.policy()
      .then((policy) => (score >= policy.elevatedScore ? this.redis.hset(historyKey(cardUuid), 'elevatedAt', String(at)) : undefined))
      .catch((error: Error) => this.logger.warn(`card history not updated: ${error.message}`));
  }

  @OnEvent(PAYMENT_COMPLETED, { async: true, promisify: true })
  async countSettled(event: PaymentEvent): Promise<void> {
    await this.redis.eval(COUNT_SETTLED, 2, historyKey(event.cardUuid), `risk-settled:${event.transactionId}`, SETTLED_SEEN_SECONDS).catch((error: Error) => this.logger.warn(`card history not updated: ${error.message}`));
  }

  /** A fraud flag starts the card's history over. */
  @OnEvent(FRAUD_CARD_FLAGGED, { async: true, promisify: true })
  async restartHistory(event: { cardUuid: string }): Promise<void> {
    await this.redis.hset(historyKey(event.cardUuid), 'settled', '0', 'elevatedAt', String(this.clock.now())).catch((error: Error) => this.logger.warn(`card history not updated: ${error.message}`));
  }

  /**
   * Replays the approved payments recorded between `from` and `to` in time order under `proposal`,
   * each card starting as new at `from`, against the cards' current limits: which it would have
   * declined. Saves nothing.
   */
  async backtest(proposal: Partial<LimitPolicy>, from: Date, to: Date): Promise<LimitBacktestResult> {
    const policy = checked({ ...(await this.policy()), ...definedOnly(proposal), enabled: true });
    if (!(from < to)) throw new BadRequestException('from must be before to');
    const result: LimitBacktestResult = { evaluated: 0, wouldDecline: 0, wouldDeclineAmount: 0, truncated: false, examples: [] };
    const state = new Map<string, CardHistory & { day?: string; spent: number }>();
    const limits = new Map<string, { dailyLimit: number; singleTransactionLimit: number } | null>();
    const cursor = this.assessments.find({ at: { $gte: from, $lt: to } }).sort({ at: 1, _id: 1 }).limit(BACKTEST_MAX_PAYMENTS + 1).lean<FraudAssessmentRecord>().cursor();
    for await (const doc of cursor) {
      if (result.evaluated === BACKTEST_MAX_PAYMENTS) {
        result.truncated = true;
        break;
      }
      const at = new Date(doc.at).getTime();
      const card = state.get(doc.cardUuid) ?? { settled: 0, spent: 0 };
      state.set(doc.cardUuid, card);
      if (doc.approved === true) {
        if (!limits.has(doc.cardUuid)) limits.set(doc.cardUuid, await this.cardLimits(doc.cardUuid));
        const own = limits.get(doc.cardUuid);
        if (own) this.replay(doc, at, card, own, policy, result);
      }
      if (doc.score >= policy.elevatedScore) card.elevatedAt = at;
    }
    return result;
  }

  private replay(doc: FraudAssessmentRecord, at: number, card: CardHistory & { day?: string; spent: number }, own: { dailyLimit: number; singleTransactionLimit: number }, policy: LimitPolicy, result: LimitBacktestResult): void {
    result.evaluated++;
    const day = this.dayFormat.format(at);
    if (card.day !== day) Object.assign(card, { day, spent: 0 });
    const effective = effectiveLimits(own, limitShare(policy, card, at));
    const declineCode = doc.amount > effective.singleTransactionLimit ? 'single_limit_exceeded' : card.spent + doc.amount > effective.dailyLimit ? 'daily_limit_exceeded' : null;
    if (!declineCode) {
      card.spent += doc.amount;
      card.settled++;
      return;
    }
    result.wouldDecline++;
    result.wouldDeclineAmount += doc.amount;
    if (result.examples.length < EXAMPLES) result.examples.push({ assessmentId: doc.assessmentId, at: new Date(at), cardUuid: doc.cardUuid, amount: doc.amount, declineCode, effectiveLimits: effective });
  }

  private async cardLimits(cardUuid: string): Promise<{ dailyLimit: number; singleTransactionLimit: number } | null> {
    const card = await this.cards.validateForPayment(cardUuid);
    return card.valid ? card.card : null;
  }

  private async history(cardUuid: string): Promise<CardHistory> {
    try {
      const fields = await withRedisTimeout(this.redis.hgetall(historyKey(cardUuid)), HISTORY_TIMEOUT_MS);
      return { settled: Number(fields.settled ?? 0), ...(fields.elevatedAt && { elevatedAt: Number(fields.elevatedAt) }) };
    } catch {
      return { settled: Number.MAX_SAFE_INTEGER };
    }
  }
}

function checked(policy: LimitPolicy): LimitPolicy {
  const ok = policy.startPercent >= 1 && policy.startPercent <= 100 && policy.fullAfterSettledPayments >= 0 && policy.elevatedScore >= 0 && policy.elevatedScore <= 100 && policy.elevatedForHours >= 0;
  if (!ok) throw new BadRequestException('startPercent must be 1–100, elevatedScore 0–100, the counts and hours not negative');
  const { enabled, startPercent, fullAfterSettledPayments, elevatedScore, elevatedForHours } = policy;
  return { enabled, startPercent, fullAfterSettledPayments, elevatedScore, elevatedForHours };
}

/** Parts of a patch left out (undefined on a transformed DTO) keep their value. */
function definedOnly(patch: Partial<LimitPolicy>): Partial<LimitPolicy> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
}
