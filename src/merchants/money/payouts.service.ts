import { createHash, randomBytes } from 'node:crypto';
import { InjectQueue } from '@nestjs/bull';
import { ConflictException, ForbiddenException, Inject, Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectModel } from '@nestjs/mongoose';
import type { Queue } from 'bull';
import type { Model } from 'mongoose';
import { OUTFLOW_SETTLEMENT } from '../../blockchain/blockchain.tokens';
import type { SettlementService } from '../../blockchain/settlement/settlement.service';
import { isAdmin, isMerchantOwner, type Principal } from '../../common/auth/principal';
import { paymentsConfig, type PaymentsConfig } from '../../config/app.config';
import { MerchantsService } from '../merchants.service';
import { MerchantBalanceService } from './merchant-balance.service';
import type { CreatePayoutDto, PayoutDto } from './merchant-money.dto';
import { merchantOutflowChain, MoneyChain } from './money-chain';
import { MoneyOutbox, type MoneyOutboxEntry } from './money-outbox';
import { MoneyOutflow, type OutflowResult } from './money-outflow';
import type { MoneyRepair } from './money-repair';
import { Payout, PayoutClaim, PAYOUT_UPDATED, type PayoutEvent } from './payout.schema';

export const PAYOUTS_QUEUE = 'payouts';
export const PAYOUT_JOB = 'payout';
const PAYOUT_ATTEMPTS = 5;

export type PayoutOutcome = OutflowResult<PayoutClaim>;

/**
 * Payouts on demand: from the merchant's settlement wallet to its own walletAddress, exactly once,
 * with the same reservation on the merchant's outflow chain as refunds, so refunds and payouts
 * racing each other never take more than settled.
 */
@Injectable()
export class PayoutsService {
  private readonly outflow: MoneyOutflow<Payout, PayoutClaim>;

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
  ) {
    this.outflow = new MoneyOutflow(
      {
        label: 'payout',
        records: payouts,
        claims,
        queue,
        jobName: PAYOUT_JOB,
        jobData: (payoutId) => ({ payoutId }),
        attempts: PAYOUT_ATTEMPTS,
        landed: 'paid',
        giveBack: (payout) => this.chains.release(merchantOutflowChain(payout.merchantId), payout.reservationId, payout.amount),
        finalFields,
        accepted: (payout) => this.events.emit(PAYOUT_UPDATED, eventOf(payout)),
        finished: (payout) => this.events.emitAsync(PAYOUT_UPDATED, eventOf(payout)),
      },
      settlement,
      outbox,
      chains,
      new Logger(PayoutsService.name),
    );
  }

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
    // The key names one payout: another amount under it is a mistake to refuse, not the first payout to answer.
    if (replay && requested !== undefined && requested !== replay.amount) throw keyReusedWithAnotherBody();
    if (replay) return replay;
    const settled = await this.balances.settledNet(merchantId);
    const amount = requested ?? settled - (await this.chains.total(merchantOutflowChain(merchantId)));
    const currency = (await this.balances.summary(merchantId)).currency;
    const fromAddress = await this.merchants.settlementAddressOf(merchantId);
    const reservationId = await this.hold(merchantId, payoutId, amount, settled);
    return this.outflow.record({
      _id: payoutId,
      merchantId,
      amount,
      amountMist: (BigInt(amount) * this.config.mistPerUnit).toString(),
      currency,
      status: 'pending',
      reservationId,
      fromAddress,
      toAddress: walletAddress,
      requestedBy,
    });
  }

  /** The money outbox entry first, then the reservation on the merchant's outflow chain; a refusal leaves nothing held. */
  private async hold(merchantId: string, payoutId: string, amount: number, settled: number): Promise<string> {
    const reservationId = randomBytes(12).toString('hex');
    if (amount >= 1) await this.outbox.open({ _id: reservationId, kind: 'payout', opId: payoutId, merchantId, chains: [merchantOutflowChain(merchantId)], amount });
    const covered = amount >= 1 && (await this.chains.reserve(merchantOutflowChain(merchantId), reservationId, amount, (total) => total <= settled));
    if (!covered) {
      await this.outbox.close(reservationId);
      throw new ConflictException({ code: 'insufficient_merchant_balance', message: "The merchant's available balance does not cover this payout" });
    }
    return reservationId;
  }

  /** The money outbox sweep's part for a payout (see MoneyOutflow.repair). */
  repair(entry: MoneyOutboxEntry, ageMs: number): Promise<MoneyRepair> {
    return this.outflow.repair(entry, ageMs);
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

  /** The job: the transfer exactly once, then the outcome once. */
  execute(payoutId: string, lastAttempt: boolean): Promise<PayoutOutcome> {
    return this.outflow.transfer(payoutId, lastAttempt);
  }
}

function finalFields(claim: PayoutClaim): Partial<Payout> {
  return claim.outcome === 'paid' ? { status: 'paid', txHash: claim.txHash, paidAt: claim.at } : { status: 'failed', failureReason: claim.failureReason, failedAt: claim.at };
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

const keyReusedWithAnotherBody = () => new ConflictException({ code: 'idempotency_key_reused', message: 'This Idempotency-Key was already used with a different request body' });

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
