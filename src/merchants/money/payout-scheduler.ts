import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { CLOCK, type Clock } from '../../common/time/clock';
import { paymentsConfig, type PaymentsConfig } from '../../config/app.config';
import { Merchant } from '../schemas/merchant.schema';
import { MerchantBalanceService } from './merchant-balance.service';
import { PayoutsService } from './payouts.service';

/** How often the worker looks (src/roles/periodic-work.ts); a daily payout starts within this of its hour. */
export const PAYOUT_SCHEDULE_EVERY_MS = 60_000;

/**
 * PAYOUT_SCHEDULE: each merchant's available balance paid out to its walletAddress once a day,
 * from the hour set (`daily@HH`, in LIMITS_TIMEZONE) or once available reaches a threshold. The
 * payout's id is derived from the merchant and the day, so every worker and every tick may try:
 * one payout a merchant a day is made.
 */
@Injectable()
export class PayoutScheduler {
  private readonly logger = new Logger(PayoutScheduler.name);
  private readonly format: Intl.DateTimeFormat;

  constructor(
    @InjectModel(Merchant.name) private readonly merchants: Model<Merchant>,
    @Inject(paymentsConfig.KEY) private readonly config: PaymentsConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly balances: MerchantBalanceService,
    private readonly payouts: PayoutsService,
  ) {
    this.format = new Intl.DateTimeFormat('en-CA', { timeZone: config.limitsTimeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' });
  }

  /** One pass at `now`; returns how many payouts it started. */
  async run(now: Date = this.clock.now()): Promise<number> {
    const schedule = this.config.payoutSchedule;
    if (schedule.kind === 'off') return 0;
    const { day, hour } = this.localTime(now);
    if (schedule.kind === 'daily' && hour < schedule.hour) return 0;
    const minimum = schedule.kind === 'threshold' ? schedule.amount : 1;
    let started = 0;
    const merchants = await this.merchants.find({ status: 'active', settlementAddress: { $exists: true } }, { merchantId: 1, walletAddress: 1 }).lean().exec();
    for (const merchant of merchants) {
      if ((await this.balances.summary(merchant.merchantId)).available < minimum) continue;
      const payout = await this.payouts.createScheduled(merchant.merchantId, merchant.walletAddress, day).catch((error: Error) => {
        this.logger.warn(`scheduled payout of ${merchant.merchantId} not started: ${error.message}`);
        return null;
      });
      if (payout) started++;
    }
    return started;
  }

  private localTime(now: Date): { day: string; hour: number } {
    const parts = Object.fromEntries(this.format.formatToParts(now).map((part) => [part.type, part.value]));
    return { day: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) };
  }
}
