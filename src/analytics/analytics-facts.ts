import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { isDuplicateKeyError } from '../common/database/duplicate-key';
import type { PaymentEvent } from '../payments/payment.events';
import type { PaymentDeclinedEvent, RefundSucceededEvent } from './analytics.events';
import type { Fact } from './rollup';
import { AnalyticsFact } from './schemas/analytics.schemas';
import { insertGrouped } from '../common/database/group-commit';

/** Turns domain events into facts and records each once (a unique `_id` in the inbox). */
@Injectable()
export class AnalyticsFacts {
  private readonly logger = new Logger(AnalyticsFacts.name);

  constructor(@InjectModel(AnalyticsFact.name) private readonly inbox: Model<AnalyticsFact>) {}

  /** Resolves once every fact is durable (already there counts). */
  async record(...facts: Fact[]): Promise<void> {
    for (const fact of facts) {
      try {
        await insertGrouped(this.inbox, { ...fact });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
    }
  }

  /** For events nobody retries: a few attempts before the fact is given up (and logged). */
  async recordPatiently(fact: Fact, attempts = 5): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.record(fact);
      } catch (error) {
        if (attempt >= attempts) return this.logger.error(`analytics fact ${fact._id} not recorded: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      }
    }
  }
}

export function acceptedFact(event: PaymentEvent): Fact {
  return { _id: `${event.transactionId}:accepted`, kind: 'accepted', merchantId: event.merchantId, terminalId: event.terminalId, amount: event.amount, at: new Date(event.createdAt) };
}

/**
 * What a final payment adds to the figures, each fact counted at its tap like its acceptance, so a
 * bucket's figures describe the taps in it. A settled, failed or cancelled payment was accepted:
 * its acceptance comes again (a no-op once recorded). A tap that waited for its PIN and ended
 * declined or expired was never accepted (that happens at the right PIN): it is a decline, under
 * the key a decline at the tap has, so a payment is counted once either way.
 */
export function finalFacts(event: PaymentEvent): Fact[] {
  const base = { merchantId: event.merchantId, terminalId: event.terminalId, amount: event.amount, at: new Date(event.createdAt) };
  const id = event.transactionId;
  switch (event.status) {
    case 'completed': {
      const latencyMs = event.completedAt ? Math.max(0, new Date(event.completedAt).getTime() - new Date(event.createdAt).getTime()) : undefined;
      return [acceptedFact(event), { _id: `${id}:completed`, kind: 'completed', ...base, latencyMs }];
    }
    case 'failed':
    case 'cancelled':
      return [acceptedFact(event), { _id: `${id}:${event.status}`, kind: event.status, ...base }];
    case 'declined':
    case 'expired':
      return [{ _id: `${id}:declined`, kind: 'declined', ...base, declineCode: event.declineCode }];
    default:
      return [];
  }
}

export function declinedFact(event: PaymentDeclinedEvent): Fact {
  return {
    _id: `${event.transactionId}:declined`,
    kind: 'declined',
    merchantId: event.merchantId,
    terminalId: event.terminalId,
    amount: event.amount,
    declineCode: event.declineCode,
    at: new Date(event.at),
  };
}

export function refundFact(event: RefundSucceededEvent): Fact {
  return { _id: `${event.transactionId}:refund:${event.refundId}`, kind: 'refund', merchantId: event.merchantId, amount: event.amount, at: new Date(event.at) };
}
