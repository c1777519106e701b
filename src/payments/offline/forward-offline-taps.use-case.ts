import { createHash, randomUUID } from 'node:crypto';
import { BadRequestException, ForbiddenException, Inject, Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { Principal } from '../../common/auth/principal';
import { CLOCK, type Clock } from '../../common/time/clock';
import { type OfflinePolicyValues, OfflinePolicyService } from '../../merchants/offline/offline-policy';
import { PAYMENT_OFFLINE_DECLINED, toPaymentEvent } from '../payment.events';
import { PaymentTransactionsRepository } from '../payment-transactions.repository';
import { InitiatePaymentUseCase, type OfflineTap } from '../use-cases/initiate-payment.use-case';
import type { Decline } from '../use-cases/payment-answers';
import { OfflineTapCaps } from './offline-tap-caps.service';
import type { OfflineTapDto, OfflineTapResultDto } from './offline-taps.dto';

/** Emitted once per tap a forward decided (not for repeats): what the offline-exposure metric counts. */
export const OFFLINE_TAP_DECIDED = 'offline.tap_decided';
export interface OfflineTapDecided {
  outcome: 'accepted' | 'declined';
  amount: number;
}

/** A device clock may run this far ahead of ours. */
const CLOCK_SKEW_MS = 60_000;
const HOUR_MS = 3_600_000;

/** Derived, never sent: every forward of one tap names the same payment, so its unique insert claims the tap once. */
export function offlineTransactionId(terminalId: string, sequence: number): string {
  return `off_${createHash('sha256').update(`${terminalId}|${sequence}`).digest('hex').slice(0, 32)}`;
}

/**
 * Store-and-forward: a paired terminal forwards the taps it took offline. Each tap is a payment
 * whose id comes from (terminal, sequence), checked against the offline policy and then through
 * the online pipeline at its capture time. The payment's own insert is the claim, so a batch
 * forwarded twice, or split across concurrent calls, makes each payment once. maxTaps and maxTotal
 * hold per terminal across calls (OfflineTapCaps); a tap declined by a later check gives its place back.
 */
@Injectable()
export class ForwardOfflineTapsUseCase {
  constructor(
    private readonly initiate: InitiatePaymentUseCase,
    private readonly policies: OfflinePolicyService,
    private readonly transactions: PaymentTransactionsRepository,
    private readonly caps: OfflineTapCaps,
    private readonly events: EventEmitter2,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(principal: Principal, taps: OfflineTapDto[], requestId: string): Promise<OfflineTapResultDto[]> {
    if (principal.role !== 'terminal' || principal.proof !== 'signature') throw new ForbiddenException('Only a paired terminal signing its requests forwards offline taps');
    assertDistinctSequences(taps);
    const policy = await this.policies.effective(principal.merchantId!, principal.id);
    const batch = batchDeclines(taps, policy);
    const results: OfflineTapResultDto[] = [];
    // One after another: the policy's caps and the card's limits see the taps in the terminal's order.
    for (const tap of [...taps].sort((a, b) => a.sequence - b.sequence)) {
      const own = this.policyDecline(tap, policy);
      const cap = own ? undefined : await this.caps.take(principal.id, { sequence: tap.sequence, capturedAt: new Date(tap.capturedAt), amount: tap.amount }, policy, this.clock.now());
      // Without Redis the caps cannot be counted across calls: they hold within this batch only.
      const decline = own ?? (cap === 'over' ? OVER_CAPS : cap === 'unavailable' ? batch.get(tap.sequence) : undefined);
      // A call that fails gives the place back too: the terminal forwards the tap again and it retakes it.
      const result = await this.forward(principal, tap, decline, requestId).catch(async (error: unknown) => {
        if (cap === 'taken') await this.caps.release(principal.id, tap.sequence);
        throw error;
      });
      if (cap === 'taken' && (await this.declined(result))) await this.caps.release(principal.id, tap.sequence);
      results.push(result);
    }
    const bySequence = new Map(results.map((r) => [r.sequence, r]));
    return taps.map((tap) => bySequence.get(tap.sequence)!);
  }

  private async forward(principal: Principal, tap: OfflineTapDto, decline: Decline | undefined, requestId: string): Promise<OfflineTapResultDto> {
    const transactionId = offlineTransactionId(principal.id, tap.sequence);
    const offline: OfflineTap = { transactionId, capturedAt: new Date(tap.capturedAt), sequence: tap.sequence, attempt: randomUUID(), ...(decline && { decline }) };
    const body = { amount: tap.amount, merchantId: principal.merchantId!, terminalId: principal.id, ...(tap.cardUuid !== undefined && { cardUuid: tap.cardUuid }), ...(tap.sun && { sun: tap.sun }) };
    await this.initiate.execute({ principal, body, requestId, offline });
    const payment = await this.transactions.find(transactionId);
    if (!payment || (payment.metadata?.offline as { attempt?: string } | undefined)?.attempt !== offline.attempt) return { sequence: tap.sequence, transactionId, status: 'duplicate' };
    if (payment.status === 'declined') {
      this.events.emit(OFFLINE_TAP_DECIDED, { outcome: 'declined', amount: tap.amount } satisfies OfflineTapDecided);
      await this.events.emitAsync(PAYMENT_OFFLINE_DECLINED, toPaymentEvent(payment, this.clock.now()));
      return { sequence: tap.sequence, transactionId, status: 'declined_offline', declineCode: payment.declineCode };
    }
    this.events.emit(OFFLINE_TAP_DECIDED, { outcome: 'accepted', amount: tap.amount } satisfies OfflineTapDecided);
    return { sequence: tap.sequence, transactionId, status: 'pending' };
  }

  /** Whether the tap's payment ended declined: its own decline, or a repeat of a declined one whose place was given back before. */
  private async declined(result: OfflineTapResultDto): Promise<boolean> {
    if (result.status !== 'duplicate') return result.status === 'declined_offline';
    return (await this.transactions.find(result.transactionId))?.status === 'declined';
  }

  /** What the policy says of one tap on its own: off, too old (or from the future), or too large. The card's CVM limit is checked with the card. */
  private policyDecline(tap: OfflineTapDto, policy: OfflinePolicyValues): Decline | undefined {
    const age = this.clock.now().getTime() - new Date(tap.capturedAt).getTime();
    if (!policy.enabled) return { declineCode: 'offline_over_policy', reason: 'Offline taps are not enabled for this terminal' };
    if (age > policy.maxAgeHours * HOUR_MS) return { declineCode: 'offline_expired', reason: `Captured more than ${policy.maxAgeHours} h before it was forwarded` };
    if (age < -CLOCK_SKEW_MS) return { declineCode: 'offline_over_policy', reason: 'Captured in the future: the device clock is wrong' };
    if (tap.amount > policy.maxTapAmount) return { declineCode: 'offline_over_policy', reason: 'Above the offline policy maxTapAmount' };
    return undefined;
  }
}

function assertDistinctSequences(taps: OfflineTapDto[]): void {
  if (new Set(taps.map((t) => t.sequence)).size === taps.length) return;
  throw new BadRequestException({ message: 'Validation failed', details: [{ field: 'taps', errors: ['each sequence may appear once per call'] }] });
}

const OVER_CAPS: Decline = { declineCode: 'offline_over_policy', reason: 'Beyond the offline policy maxTaps or maxTotal over the offline window' };

/** The caps (maxTaps, maxTotal) within this batch alone, in sequence order: the fallback when Redis cannot count them across calls. */
function batchDeclines(taps: OfflineTapDto[], policy: OfflinePolicyValues): Map<number, Decline> {
  const declines = new Map<number, Decline>();
  let count = 0;
  let total = 0;
  for (const tap of [...taps].sort((a, b) => a.sequence - b.sequence)) {
    if (tap.amount > policy.maxTapAmount) continue;
    if (count + 1 > policy.maxTaps || total + tap.amount > policy.maxTotal) {
      declines.set(tap.sequence, OVER_CAPS);
      continue;
    }
    count += 1;
    total += tap.amount;
  }
  return declines;
}
