import { createHash, randomBytes } from 'node:crypto';
import { InjectQueue } from '@nestjs/bull';
import { ConflictException, ForbiddenException, Inject, Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectModel } from '@nestjs/mongoose';
import type { Queue } from 'bull';
import type { Model } from 'mongoose';
import { OUTFLOW_SETTLEMENT } from '../../blockchain/blockchain.tokens';
import { SettlementError } from '../../blockchain/settlement/settlement.error';
import type { SettlementService } from '../../blockchain/settlement/settlement.service';
import { isAdmin, isMerchantOwner, type Principal } from '../../common/auth/principal';
import { isDuplicateKeyError } from '../../common/database/duplicate-key';
import { paymentsConfig, type PaymentsConfig } from '../../config/app.config';
import { MerchantsService } from '../merchants.service';
import { MerchantBalanceService } from './merchant-balance.service';
import type { CreatePayoutDto, PayoutDto } from './merchant-money.dto';
import { merchantOutflowChain, MoneyChain } from './money-chain';
import { MoneyOutbox, type MoneyOutboxEntry } from './money-outbox';
import { hasLiveJob, type MoneyRepair, ORPHAN_ENTRY_MS } from './money-repair';
import { Payout, PayoutClaim, PAYOUT_UPDATED, type PayoutEvent } from './payout.schema';

export const PAYOUTS_QUEUE = 'payouts';
export const PAYOUT_JOB = 'payout';
const PAYOUT_ATTEMPTS = 5;

export type PayoutOutcome = 'paid' | 'failed' | 'retry' | 'skipped';

/**
 * Payouts on demand: from the merchant's settlement wallet to its own walletAddress, exactly once,
 * with the same reservation on the merchant's outflow chain as refunds, so refunds and payouts
 * racing each other never take more than settled.
 */
@Injectable()
export class PayoutsService {
  private readonly logger = new Logger(PayoutsService.name);

  constructor(
    @InjectModel(Payout.name) private readonly payouts: Model<Payout>,
    @InjectModel(PayoutClaim.name) private readonly claims: Model<PayoutClaim>,
    @InjectQueue(PAYOUTS_QUEUE) private readonly queue: Queue<{ payoutId: string }>,
    @Inject(OUTFLOW_SETTLEMENT) private readonly settlement: SettlementService,
    @Inject(paymentsConfig.KEY) private readonly config: PaymentsConfig,
    private readonly chains: MoneyChain,
    private readonly outbox: MoneyOutbox,
    private readonly balances: MerchantBalanceService,
    private readonly merchants: MerchantsService,
    private readonly events: EventEmitter2,
  ) {}

  async create(merchantId: string, dto: CreatePayoutDto, principal: Principal, idempotencyKey?: string): Promise<PayoutDto> {
    const merchant = await this.merchants.get(merchantId, principal);
    if (!isAdmin(principal) && !isMerchantOwner(principal, merchantId)) throw new ForbiddenException("Only an admin or the merchant's owner can take a payout");
    const payoutId = idempotencyKey ? derivedId(`${principal.role}:${principal.id}|${merchantId}|${idempotencyKey}`) : `po_${randomBytes(12).toString('hex')}`;
    return toPayoutDto(await this.start(merchantId, merchant.walletAddress, payoutId, dto.amount, `${principal.role}:${principal.id}`));
  }

  /**
   * The scheduled payout of a merchant for one day: its id is derived from the merchant and the day,
   * so however many workers and ticks try, one payout is made (the payout's own insert is the claim).
   * Null when nothing is available.
   */
  async createScheduled(merchantId: string, walletAddress: string, day: string): Promise<Payout | null> {
    try {
      return await this.start(merchantId, walletAddress, derivedId(`schedule|${merchantId}|${day}`), undefined, 'schedule');
    } catch (error) {
      if (error instanceof ConflictException) return null;
      throw error;
    }
  }

  private async start(merchantId: string, walletAddress: string, payoutId: string, requested: number | undefined, requestedBy: string): Promise<Payout> {
    const replay = await this.payouts.findById(payoutId).lean().exec();
    if (replay) return replay;
    const settled = await this.balances.settledNet(merchantId);
    const amount = requested ?? settled - (await this.chains.total(merchantOutflowChain(merchantId)));
    const reservationId = randomBytes(12).toString('hex');
    if (amount >= 1) await this.outbox.open({ _id: reservationId, kind: 'payout', opId: payoutId, merchantId, chains: [merchantOutflowChain(merchantId)], amount });
    const covered = amount >= 1 && (await this.chains.reserve(merchantOutflowChain(merchantId), reservationId, amount, (total) => total <= settled));
    if (!covered) {
      await this.outbox.close(reservationId);
      throw new ConflictException({ code: 'insufficient_merchant_balance', message: "The merchant's available balance does not cover this payout" });
    }
    let payout: Payout;
    try {
      payout = (
        await this.payouts.create({
        _id: payoutId,
        merchantId,
        amount,
        amountMist: (BigInt(amount) * this.config.mistPerUnit).toString(),
        currency: (await this.balances.summary(merchantId)).currency,
        status: 'pending',
        reservationId,
        fromAddress: await this.merchants.settlementAddressOf(merchantId),
        toAddress: walletAddress,
        requestedBy,
        })
      ).toObject();
    } catch (error) {
      await this.chains.release(merchantOutflowChain(merchantId), reservationId, amount);
      await this.outbox.close(reservationId);
      if (!isDuplicateKeyError(error)) throw error;
      return (await this.payouts.findById(payoutId).lean().exec())!;
    }
    // Written and reserved: accepted even if Redis is away now (the money outbox sweep queues it).
    await this.enqueue(payoutId).catch((error: Error) => this.logger.warn(`payout ${payoutId} not queued yet: ${error.message}`));
    this.emit(payout);
    return payout;
  }

  /** The money outbox sweep's part for a payout (see RefundsService.repair). */
  async repair(entry: MoneyOutboxEntry, ageMs: number): Promise<MoneyRepair> {
    const payout = await this.payouts.findById(entry.opId).lean().exec();
    if (!payout || payout.reservationId !== entry._id) {
      if (ageMs < ORPHAN_ENTRY_MS) return 'waiting';
      for (const chain of await this.outbox.reservedChains(entry)) await this.chains.release(chain, entry._id, entry.amount);
      await this.outbox.close(entry._id);
      return 'released';
    }
    const decided = await this.claims.findById(payout._id).lean().exec();
    if (decided) {
      await this.apply(payout, decided);
      return 'finished';
    }
    if (await hasLiveJob(this.queue, payout._id)) return 'waiting';
    await (await this.queue.getJob(payout._id))?.remove();
    await this.enqueue(payout._id);
    return 'requeued';
  }

  private async enqueue(payoutId: string): Promise<void> {
    await this.queue.add(PAYOUT_JOB, { payoutId }, { jobId: payoutId, attempts: PAYOUT_ATTEMPTS, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: 1_000, removeOnFail: 5_000 });
  }

  async list(merchantId: string, principal: Principal): Promise<PayoutDto[]> {
    await this.merchants.get(merchantId, principal);
    const payouts = await this.payouts.find({ merchantId }).sort({ createdAt: -1 }).limit(1000).lean().exec();
    return payouts.map(toPayoutDto);
  }

  /** What is held for payouts in flight (still in the wallet). */
  async reserved(merchantId: string): Promise<number> {
    const pending = await this.payouts.find({ merchantId, status: 'pending' }, { amount: 1 }).lean().exec();
    return pending.reduce((sum, payout) => sum + payout.amount, 0);
  }

  /** The job: the transfer exactly once (stored bytes + digest under the wallet's lease), then the outcome once. */
  async execute(payoutId: string, lastAttempt: boolean): Promise<PayoutOutcome> {
    const payout = await this.payouts.findById(payoutId).lean().exec();
    if (!payout) return 'skipped';
    const decided = await this.claims.findById(payoutId).lean().exec();
    if (decided) {
      await this.apply(payout, decided);
      return 'skipped';
    }
    try {
      const result = await this.settlement.settle({ transactionId: payoutId, fromAddress: payout.fromAddress, toAddress: payout.toAddress, amountMist: BigInt(payout.amountMist) });
      await this.decide(payout, { _id: payoutId, outcome: 'paid', txHash: result.txHash, at: new Date() });
      return 'paid';
    } catch (error) {
      const retryable = !(error instanceof SettlementError) || error.retryable;
      if (retryable && !lastAttempt) {
        this.logger.warn(`payout ${payoutId}: attempt failed, will retry: ${(error as Error).message}`);
        return 'retry';
      }
      const failureReason = error instanceof SettlementError ? `${error.code}: ${error.message}` : `Payout failed: ${(error as Error).message}`;
      await this.decide(payout, { _id: payoutId, outcome: 'failed', failureReason, at: new Date() });
      return 'failed';
    }
  }

  private async decide(payout: Payout, claim: PayoutClaim): Promise<void> {
    let decided = claim;
    try {
      await this.claims.create(claim);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      decided = (await this.claims.findById(payout._id).lean().exec())!;
    }
    await this.apply(payout, decided);
  }

  /** Applies a decided outcome, then its effects (the webhook record among them) before the outbox entry closes. */
  private async apply(payout: Payout, claim: PayoutClaim): Promise<void> {
    if (claim.outcome === 'failed') await this.chains.release(merchantOutflowChain(payout.merchantId), payout.reservationId, payout.amount);
    let final: Payout | null = payout;
    if (payout.status === 'pending') {
      const fields = claim.outcome === 'paid' ? { status: 'paid' as const, txHash: claim.txHash, paidAt: claim.at } : { status: 'failed' as const, failureReason: claim.failureReason, failedAt: claim.at };
      final = await this.payouts.findOneAndUpdate({ _id: payout._id }, { $set: fields }, { returnDocument: 'after' }).lean().exec();
    } else if (!(await this.outbox.isOpen(payout.reservationId))) return;
    if (!final) return;
    await this.events.emitAsync(PAYOUT_UPDATED, eventOf(final));
    await this.outbox.close(payout.reservationId);
  }

  private emit(payout: Payout): void {
    this.events.emit(PAYOUT_UPDATED, eventOf(payout));
  }
}

function eventOf(payout: Payout): PayoutEvent {
  return {
    payoutId: payout._id,
    merchantId: payout.merchantId,
    amount: payout.amount,
    amountMist: payout.amountMist,
    currency: payout.currency,
    status: payout.status,
    toAddress: payout.toAddress,
    ...(payout.txHash && { txHash: payout.txHash }),
    ...(payout.failureReason && { failureReason: payout.failureReason }),
    at: new Date(),
  };
}

const derivedId = (seed: string) => `po_${createHash('sha256').update(seed).digest('hex').slice(0, 24)}`;

function toPayoutDto(payout: Payout): PayoutDto {
  return {
    id: payout._id,
    merchantId: payout.merchantId,
    amount: payout.amount,
    currency: payout.currency,
    status: payout.status,
    destination: payout.toAddress,
    txHash: payout.txHash ?? null,
    failureReason: payout.failureReason ?? null,
    createdAt: payout.createdAt,
  };
}
