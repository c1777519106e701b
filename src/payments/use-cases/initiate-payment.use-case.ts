import { ForbiddenException, Inject, Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { appliesAt, type SpendingInterval } from '../../cards/card-controls';
import { effectiveLimits } from '../../fraud/limit-policy/limit-policy';
import { PAYMENT_DECLINED, type PaymentDeclinedEvent } from '../../analytics/analytics.events';
import { CardsService, type CardSnapshot, type CardValidation } from '../../cards/cards.service';
import { SunAuthenticator, type SunProof } from '../../cards/sun/sun-authenticator';
import type { Principal } from '../../common/auth/principal';
import { CLOCK, type Clock } from '../../common/time/clock';
import { paymentsConfig, type PaymentsConfig } from '../../config/app.config';
import { type MerchantSnapshot, MerchantsService, type MerchantValidation } from '../../merchants/merchants.service';
import type { ProcessPaymentDto } from '../dto/process-payment.dto';
import { FRAUD_PORT, type FraudAssessment, type FraudContext, type FraudInput, type FraudPort } from '../fraud.port';
import { CardReferences } from '../card-references';
import { IdempotencyService } from '../idempotency.service';
import { PAYMENT_REQUIRES_PIN, PAYMENT_UPDATED, toPaymentEvent } from '../payment.events';
import { CardholderVerification } from '../pin/cardholder-verification';
import { PAYMENT_IDS, type PaymentIds } from '../payment-ids';
import { PaymentQueue } from '../payment-queue';
import { PaymentTransactionsRepository } from '../payment-transactions.repository';
import type { Transaction } from '../schemas/transaction.schema';
import { SpendingLimitsService } from '../spending-limits.service';
import { splitFee } from '../platform-fee';
import { acceptedAnswer, declinedAnswer, type Decline, type PaymentAnswer, requiresPinAnswer } from './payment-answers';

export interface InitiatePaymentCommand {
  principal: Principal;
  body: ProcessPaymentDto;
  idempotencyKey?: string;
  requestId: string;
  /** A tap taken offline and forwarded later (see ForwardOfflineTapsUseCase). */
  offline?: OfflineTap;
}

/** Its id comes from (terminal, sequence); its checks run at capturedAt; `decline` is the offline policy's verdict. */
export interface OfflineTap {
  transactionId: string;
  capturedAt: Date;
  sequence: number;
  /** Which forward wrote the payment: only tells a first forward from a repeat, never a claim. */
  attempt: string;
  decline?: Decline;
}

type Approval = { card: CardSnapshot; merchant: MerchantSnapshot; fraud: FraudAssessment };

/** A tap whose card is known: named by the caller, or proved by its SUN message (`sun`). */
type CardCommand = InitiatePaymentCommand & { body: { cardUuid: string }; sun?: SunProof };

/** Who a tap that failed card authentication is recorded against when no card could be named (never a card id). */
const UNIDENTIFIED_CARD = '?';

/**
 * Accepts a tap: idempotency → card, location and fraud checks in parallel → atomic limit
 * reservation → pending payment in MongoDB → settlement job → event → 202. The payment is durable
 * before it is acknowledged; if queueing fails, the outbox sweep queues it later.
 */
@Injectable()
export class InitiatePaymentUseCase {
  private readonly logger = new Logger(InitiatePaymentUseCase.name);

  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly cards: CardsService,
    private readonly merchants: MerchantsService,
    @Inject(FRAUD_PORT) private readonly fraud: FraudPort,
    private readonly limits: SpendingLimitsService,
    private readonly transactions: PaymentTransactionsRepository,
    private readonly queue: PaymentQueue,
    private readonly events: EventEmitter2,
    @Inject(PAYMENT_IDS) private readonly ids: PaymentIds,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(paymentsConfig.KEY) private readonly config: PaymentsConfig,
    private readonly cardRefs: CardReferences,
    private readonly sun: SunAuthenticator,
    private readonly verification: CardholderVerification,
  ) {}

  async execute(command: InitiatePaymentCommand): Promise<PaymentAnswer> {
    const started = performance.now();
    assertTerminalPaysAtItself(command);
    const start = command.offline
      ? { kind: 'proceed' as const, id: undefined, transactionId: command.offline.transactionId, resumed: true }
      : command.idempotencyKey
      ? await this.idempotency.begin(callerOf(command.principal), command.idempotencyKey, command.body, this.ids.transactionId())
      : { kind: 'proceed' as const, id: undefined, transactionId: this.ids.transactionId(), resumed: false };
    if (start.kind === 'replay') return start.answer;

    try {
      const answer = await this.accept(command, start.transactionId, start.resumed, started);
      if (start.id) await this.idempotency.complete(start.id, answer);
      return answer;
    } catch (error) {
      if (start.id) await this.idempotency.release(start.id).catch(() => undefined);
      throw error;
    }
  }

  /**
   * The payment accepted for `caller` under `idempotencyKey`, if one was written and not declined:
   * how someone who must not pay twice learns what a request that died part-way did.
   */
  async acceptedUnder(caller: Pick<Principal, 'role' | 'id'>, idempotencyKey: string): Promise<string | null> {
    const transactionId = await this.idempotency.transactionIdOf(callerOf(caller), idempotencyKey);
    const payment = transactionId ? await this.transactions.find(transactionId) : null;
    return payment && payment.status !== 'declined' ? payment.transactionId : null;
  }

  private async accept(command: InitiatePaymentCommand, transactionId: string, resumed: boolean, started: number): Promise<PaymentAnswer> {
    const elapsed = () => Math.round(performance.now() - started);
    if (resumed) {
      const earlier = await this.transactions.find(transactionId);
      if (earlier) return answerFor(earlier, command.requestId, elapsed());
    }
    const identified = await this.identifyCard(command, transactionId);
    if ('declineCode' in identified) return this.declineUnauthenticated(identified, transactionId, elapsed);
    if (command.offline?.decline) return this.decline(identified, transactionId, this.fraudInputOf(identified), command.offline.decline, elapsed);
    return this.acceptCard(identified, transactionId, elapsed);
  }

  /**
   * The SUN step: a tap with `sun` names its card by proving it (and spends its read counter);
   * otherwise the caller names it.
   */
  private async identifyCard(command: InitiatePaymentCommand, transactionId: string): Promise<CardCommand | (Decline & { command: CardCommand })> {
    const { sun, cardUuid } = command.body;
    if (!sun) return { ...command, body: { ...command.body, cardUuid: cardUuid! } };
    const verdict = await this.sun.authenticate(sun, cardUuid, transactionId, { belowMark: command.offline !== undefined });
    if (!verdict.valid) return { declineCode: verdict.declineCode, reason: verdict.reason, command: { ...command, body: { ...command.body, cardUuid: verdict.cardUuid ?? UNIDENTIFIED_CARD } } };
    return { ...command, body: { ...command.body, cardUuid: verdict.proof.cardUuid }, sun: verdict.proof };
  }

  /** A failed or replayed card proof counts against the caller only: an old `p`/`c` must never get a card blocked. */
  private declineUnauthenticated(declined: Decline & { command: CardCommand }, transactionId: string, elapsed: () => number): Promise<PaymentAnswer> {
    const fraudInput = this.fraudInputOf(declined.command);
    fraudInput.accountable = { ...fraudInput.accountable, card: false };
    return this.decline(declined.command, transactionId, fraudInput, { declineCode: declined.declineCode, reason: declined.reason }, elapsed);
  }

  private async acceptCard(command: CardCommand, transactionId: string, elapsed: () => number): Promise<PaymentAnswer> {
    const fraudInput = this.fraudInputOf(command);
    const { approval, fraud } = await this.authorize(command, fraudInput);
    if ('declineCode' in approval) return this.decline(command, transactionId, fraudInput, approval, elapsed, fraud);
    const verification = await this.verification.required({ principal: command.principal, amount: command.body.amount, offline: !!command.offline }, approval.card, approval.fraud);
    if (verification.kind === 'decline') return this.decline(command, transactionId, fraudInput, verification.decline, elapsed, fraud);

    // The outbox entry refers to the reservation before it exists: if the payment is never written, the sweep gives it back.
    await this.transactions.openOutboxEntry(transactionId, command.body.amount, command.body.cardUuid);
    const reserved = await this.limits.reserve(command.body.cardUuid, transactionId, command.body.amount, approval.card.dailyLimit, limitsAt(approval), command.offline?.capturedAt);
    if ('exceeded' in reserved) {
      await this.transactions.closeOutboxEntry(transactionId);
      return this.decline(command, transactionId, fraudInput, limitDecline(reserved.exceeded), elapsed, fraud);
    }
    const { reservation } = reserved;
    const pinExpiresAt = verification.kind === 'pin' ? verification.expiresAt : undefined;
    const payment = await this.recordPending(command, transactionId, approval, reservation, pinExpiresAt).catch(async (error: unknown) => {
      await this.giveBackUnrecorded(command.body.cardUuid, transactionId, reservation);
      throw error;
    });
    if (payment.status === 'requires_pin') return this.awaitPin(payment, fraudInput, approval.fraud, command.requestId, elapsed);
    const queueJobId = await this.enqueue(payment);
    this.events.emit(PAYMENT_UPDATED, toPaymentEvent(payment, this.clock.now()));
    this.learnFromApproval(transactionId, fraudInput, approval.fraud);
    return acceptedAnswer(transactionId, queueJobId, command.requestId, elapsed());
  }

  /**
   * The CVM step: the limit is reserved and the payment recorded, but it settles only once the
   * cardholder's PIN is entered at the terminal (SubmitPinUseCase), or expires (PinStep). Asking for
   * the PIN is the step-up a review-band score would otherwise get as a manual review.
   */
  private awaitPin(payment: Transaction, fraudInput: FraudInput, assessment: FraudAssessment, requestId: string, elapsed: () => number): PaymentAnswer {
    const event = toPaymentEvent(payment, this.clock.now());
    this.events.emit(PAYMENT_UPDATED, event);
    this.events.emit(PAYMENT_REQUIRES_PIN, event);
    this.learnFromApproval(payment.transactionId, fraudInput, assessment, { review: false });
    return requiresPinAnswer(payment.transactionId, payment.pinExpiresAt!, requestId, elapsed());
  }

  /**
   * Until the card is known, the caller answers for the card and the terminal only when it is the
   * terminal itself (a tap); authorize adds the card when it turns out to be the caller's own.
   */
  private fraudInputOf({ principal, body, offline }: CardCommand): FraudInput {
    const tap = principal.role === 'terminal';
    const { cardUuid, amount, merchantId, terminalId } = body;
    return { cardUuid, amount, merchantId, terminalId, userId: principal.role === 'user' ? principal.id : undefined, at: offline?.capturedAt ?? this.clock.now(), caller: callerOf(principal), accountable: { card: tap, terminal: tap } };
  }

  /** The three independent checks run in parallel. */
  private async authorize(command: CardCommand, fraudInput: FraudInput): Promise<{ approval: Approval | Decline; fraud: FraudAssessment }> {
    const { cardUuid, merchantId, terminalId } = command.body;
    const cardRead = this.cards.validateForPayment(cardUuid);
    const locationRead = this.merchants.validateForPayment(merchantId, terminalId);
    const [found, location, fraud, share] = await Promise.all([
      cardRead,
      locationRead,
      this.fraud.assess(fraudInput, fraudContextOf(cardRead, locationRead)),
      this.fraud.limitShare(cardUuid, fraudInput.at),
    ]);
    const card = found.valid ? { ...found, card: withShareOfLimits(found.card, share) } : found;
    // The outcome is counted against the card only if the caller answers for it: its own, or tapped here.
    if (command.principal.role === 'user' && ownerOf(card) === command.principal.id) fraudInput.accountable = { ...fraudInput.accountable, card: true };
    const approval = decide(command, card, location, fraud);
    // Anyone can name a secure card's id: naming it without its proof must not count against it.
    if ('declineCode' in approval && approval.declineCode === 'card_auth_required') fraudInput.accountable = { ...fraudInput.accountable, card: false };
    return { approval, fraud };
  }

  private async recordPending(command: CardCommand, transactionId: string, approval: Approval, reservation: Transaction['limitReservation'], pinExpiresAt?: Date): Promise<Transaction> {
    const authCode = this.ids.authCode();
    const payment: Partial<Transaction> & { transactionId: string } = {
      ...this.base(command, transactionId),
      ...(pinExpiresAt ? { status: 'requires_pin', pinExpiresAt } : { status: 'pending' }),
      userId: approval.card.ownerId,
      currency: approval.card.currency,
      amountMist: (BigInt(command.body.amount) * this.config.mistPerUnit).toString(),
      merchantWalletAddress: approval.merchant.settlementAddress,
      ...splitFee(command.body.amount, this.config.platformFeeBps, this.config.mistPerUnit),
      authCode,
      fraud: approval.fraud,
      limitReservation: reservation,
      metadata: { paymentMethod: 'nfc', terminalId: command.body.terminalId, authCode, processingType: 'async', requestId: command.requestId, ...cardAuthOf(command), ...offlineOf(command) },
    };
    return (await this.transactions.insert(payment, { outboxOpened: true })) ?? (await this.transactions.find(transactionId))!;
  }

  /** The payment could not be written: its reservation goes back now unless it was written after all (else the sweep does it). */
  private async giveBackUnrecorded(cardUuid: string, transactionId: string, reservation: NonNullable<Transaction['limitReservation']>): Promise<void> {
    try {
      if (await this.transactions.find(transactionId)) return;
      await this.limits.release(cardUuid, transactionId, reservation);
      await this.transactions.closeOutboxEntry(transactionId);
    } catch (error) {
      this.logger.warn(`reservation of ${transactionId} not given back yet (the outbox sweep will): ${(error as Error).message}`);
    }
  }

  private async enqueue(payment: Transaction): Promise<string> {
    try {
      return await this.queue.enqueue(payment.transactionId, payment.amount);
    } catch (error) {
      // Already durable in MongoDB: the outbox sweep queues it once Redis answers again.
      this.logger.warn(`payment ${payment.transactionId} accepted but not queued yet: ${(error as Error).message}`);
      return payment.transactionId;
    }
  }

  private async decline(command: CardCommand, transactionId: string, fraudInput: FraudInput, decline: Decline, elapsed: () => number, fraud?: FraudAssessment): Promise<PaymentAnswer> {
    await this.transactions.insert({
      ...this.base(command, transactionId),
      status: 'declined',
      declineCode: decline.declineCode,
      failureReason: decline.reason,
      fraud,
      metadata: { paymentMethod: 'nfc', terminalId: command.body.terminalId, processingType: 'async', requestId: command.requestId, ...cardAuthOf(command), ...offlineOf(command) },
    });
    const { merchantId, terminalId, amount } = command.body;
    this.events.emit(PAYMENT_DECLINED, { transactionId, merchantId, terminalId, amount, declineCode: decline.declineCode, at: this.clock.now() } satisfies PaymentDeclinedEvent);
    this.fraud.recordOutcome(fraudInput, { approved: false, assessmentId: fraud?.assessmentId, transactionId }).catch((error: Error) => this.logger.warn(`fraud outcome not recorded: ${error.message}`));
    return declinedAnswer(decline, transactionId, command.requestId, elapsed());
  }

  private learnFromApproval(transactionId: string, input: FraudInput, assessment: FraudAssessment, { review = true } = {}): void {
    const learn = async () => {
      await this.fraud.recordOutcome(input, { approved: true, assessmentId: assessment.assessmentId, transactionId });
      if (review && assessment.decision === 'review') await this.fraud.openReview(transactionId, assessment, input);
    };
    learn().catch((error: Error) => this.logger.warn(`fraud bookkeeping for ${transactionId} failed: ${error.message}`));
  }

  private base(command: CardCommand, transactionId: string): Partial<Transaction> & { transactionId: string } {
    const { cardUuid, amount, merchantId, terminalId } = command.body;
    const cardRef = this.cardRefs.of(merchantId, cardUuid);
    return { transactionId, cardUuid, cardRef, amount, merchantId, terminalId, initiatedBy: callerOf(command.principal), attempts: 0 };
  }
}

const callerOf = (principal: Pick<Principal, 'role' | 'id'>) => `${principal.role}:${principal.id}`;

/** How the card proved itself on this tap (the decrypted UID, its read counter and key version); never `p` or `c`. */
const cardAuthOf = (command: CardCommand) =>
  command.sun ? { cardAuth: { method: 'sun', uid: command.sun.uid, counter: command.sun.counter, keyVersion: command.sun.keyVersion } } : {};

/** Where the status view shows a payment was taken offline. */
const offlineOf = ({ offline }: InitiatePaymentCommand) =>
  offline ? { offline: { capturedAt: offline.capturedAt.toISOString(), sequence: offline.sequence, attempt: offline.attempt } } : {};

function assertTerminalPaysAtItself({ principal, body }: InitiatePaymentCommand): void {
  if (principal.role === 'terminal' && (body.merchantId !== principal.merchantId || body.terminalId !== principal.id)) {
    throw new ForbiddenException('A terminal may take payments only for its own merchant and terminal id');
  }
}

/** The fraud model's card age and category, from the same reads the payment's own checks make. */
async function fraudContextOf(card: Promise<CardValidation>, location: Promise<MerchantValidation>): Promise<FraudContext> {
  const [found, place] = await Promise.all([card, location]);
  return {
    ...(found.valid && found.card.issuedAt !== undefined && { cardIssuedAt: new Date(found.card.issuedAt) }),
    ...(place.valid && { mcc: place.merchant.mcc }),
  };
}

const ownerOf = (card: CardValidation) => (card.valid ? card.card.ownerId : card.ownerId);

/** The first failing check, in this order, declines. */
function decide(command: CardCommand, card: CardValidation, location: MerchantValidation, fraud: FraudAssessment): Approval | Decline {
  // A cardholder pays only with their own card; another's, blocked or not, answers exactly like an unknown one.
  if (command.principal.role === 'user' && ownerOf(card) !== command.principal.id) return { declineCode: 'card_invalid', reason: 'Card invalid: Card not found' };
  if (!card.valid) return { declineCode: card.reason, reason: `Card invalid: ${card.detail}` };
  if (card.card.requiresCardAuth && !command.sun) return { declineCode: 'card_auth_required', reason: 'This card must prove itself: tap it (sun) instead of naming it' };
  if (!location.valid) return { declineCode: location.reason, reason: location.reason === 'merchant_invalid' ? 'Invalid merchant' : 'Invalid terminal' };
  if (!command.sun && !location.merchant.acceptUnauthenticatedCards) return { declineCode: 'card_auth_required', reason: 'This merchant takes only cards that prove themselves: tap the card (sun)' };
  if (fraud.decision === 'block') return fraudDecline(fraud);
  // Offline nobody could have entered a PIN.
  if (command.offline && command.body.amount > card.card.cvmLimit) return { declineCode: 'offline_pin_required', reason: 'Taken offline above the contactless limit: a PIN was needed' };
  if (command.body.amount > card.card.singleTransactionLimit) return { declineCode: 'single_limit_exceeded', reason: 'Amount exceeds single transaction limit' };
  const controls = controlDecline(command.body.amount, card.card, location.merchant);
  if (controls) return controls;
  return { card: card.card, merchant: location.merchant, fraud };
}

/** The card's controls that need no reservation: blocked categories and per-payment amounts. */
function controlDecline(amount: number, card: CardSnapshot, merchant: MerchantSnapshot): Decline | null {
  if (card.blockedCategories?.includes(merchant.mcc)) return { declineCode: 'category_blocked', reason: 'The card does not pay at merchants of this category' };
  const perPayment = (card.limits ?? []).filter((l) => l.interval === 'per_authorization' && appliesAt(l, merchant.mcc));
  if (perPayment.some((l) => l.amount !== undefined && amount > l.amount)) return limitDecline({ interval: 'per_authorization', legacy: false });
  return null;
}

/** The dynamic-limit policy lets a card use only part of its own limits. */
function withShareOfLimits(card: CardSnapshot, share: number): CardSnapshot {
  if (share >= 1) return card;
  const { dailyLimit, singleTransactionLimit } = effectiveLimits(card, share);
  return { ...card, dailyLimit, singleTransactionLimit };
}

const limitsAt = (approval: Approval) => (approval.card.limits ?? []).filter((l) => appliesAt(l, approval.merchant.mcc));

function limitDecline(exceeded: { interval: SpendingInterval; legacy: boolean }): Decline {
  if (exceeded.legacy) return { declineCode: 'daily_limit_exceeded', reason: 'Insufficient daily limit' };
  return { declineCode: 'spending_limit_exceeded', reason: `Exceeds the card's ${exceeded.interval} spending limit`, interval: exceeded.interval };
}

function fraudDecline(fraud: FraudAssessment): Decline {
  if (fraud.reasons.some((r) => r.rule === 'fraud_unavailable')) return { declineCode: 'fraud_unavailable', reason: 'Risk checks are unavailable; try a smaller amount or retry shortly' };
  // The rules' details (thresholds, counts) would teach a caller how to stay under them: they stay in the assessment.
  return { declineCode: 'fraud_high_risk', reason: 'High fraud risk: declined by risk checks' };
}

/** A retried request whose first attempt got as far as recording the payment gets its answer. */
function answerFor(payment: Transaction, requestId: string, processingTime: number): PaymentAnswer {
  // What the first attempt answered, whatever the PIN did since (pinExpiresAt stays on the payment).
  if (payment.pinExpiresAt) return requiresPinAnswer(payment.transactionId, payment.pinExpiresAt, requestId, processingTime);
  if (payment.status === 'declined') {
    return declinedAnswer({ declineCode: payment.declineCode as Decline['declineCode'], reason: payment.failureReason ?? 'Declined' }, payment.transactionId, requestId, processingTime);
  }
  return acceptedAnswer(payment.transactionId, payment.transactionId, requestId, processingTime);
}
