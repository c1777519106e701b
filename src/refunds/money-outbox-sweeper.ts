import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, type Clock } from '../common/time/clock';
import { MoneyOutbox } from '../merchants/money/money-outbox';
import type { MoneyRepair } from '../merchants/money/money-repair';
import { PayoutsService } from '../merchants/money/payouts.service';
import { RefundsService } from './refunds.service';

/** An entry younger than this may still be in its asker's hands. */
const GRACE_MS = 5_000;

/**
 * The money outbox sweep (src/roles/periodic-work.ts): finishes refunds and payouts whose asker or
 * worker died midway, so no reservation stays held for nothing, no accepted refund or payout waits
 * without a job, and no final one misses its webhook.
 */
@Injectable()
export class MoneyOutboxSweeper {
  private readonly logger = new Logger(MoneyOutboxSweeper.name);

  constructor(
    private readonly outbox: MoneyOutbox,
    private readonly refunds: RefundsService,
    private readonly payouts: PayoutsService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** One pass; `now` lets a test sweep as if later. Returns how many entries needed something. */
  async sweep(now: Date = this.clock.now()): Promise<number> {
    let repaired = 0;
    for (const entry of await this.outbox.oldest()) {
      const ageMs = now.getTime() - entry.createdAt.getTime();
      if (ageMs < GRACE_MS) break;
      const outcome: MoneyRepair = entry.kind === 'refund' ? await this.refunds.repair(entry, ageMs) : await this.payouts.repair(entry, ageMs);
      if (outcome !== 'waiting') repaired++;
    }
    if (repaired) this.logger.warn(`money outbox sweep finished ${repaired} refund(s)/payout(s) left midway`);
    return repaired;
  }
}
