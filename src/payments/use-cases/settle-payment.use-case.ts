import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { SettlementError } from '../../blockchain/settlement/settlement.error';
import { SettlementService } from '../../blockchain/settlement/settlement.service';
import type { SettlementResult } from '../../blockchain/settlement/settlement.types';
import { PLATFORM_FEE_WALLET_OWNER } from '../../blockchain/wallets/custody-owners';
import { WalletService } from '../../blockchain/wallets/wallet.service';
import { CLOCK, type Clock } from '../../common/time/clock';
import { PAYMENT_UPDATED, toPaymentEvent } from '../payment.events';
import { PaymentFinalizer } from '../payment-finalizer';
import { PaymentTransactionsRepository } from '../payment-transactions.repository';
import type { Transaction } from '../schemas/transaction.schema';

export type SettleOutcome = 'completed' | 'failed' | 'retry' | 'skipped';

/**
 * Settles one accepted payment: claim its start → move the money on Sui exactly once →
 * completed, or failed (limit given back, alert raised) when nothing can have been sent. Safe to run any number of times for the
 * same payment: the claims decide once, and the settlement resubmits its stored bytes.
 */
@Injectable()
export class SettlePaymentUseCase {
  private readonly logger = new Logger(SettlePaymentUseCase.name);

  constructor(
    private readonly transactions: PaymentTransactionsRepository,
    private readonly finalizer: PaymentFinalizer,
    private readonly settlement: SettlementService,
    private readonly wallets: WalletService,
    private readonly events: EventEmitter2,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** @param lastAttempt no retry of the job follows: a transient failure now fails the payment unless its bytes were stored. */
  async execute(transactionId: string, lastAttempt: boolean): Promise<SettleOutcome> {
    const payment = await this.start(transactionId);
    if (!payment) return 'skipped';
    const started = this.clock.now().getTime();
    let settled: { payer: string; result: SettlementResult };
    try {
      settled = await this.transfer(payment);
    } catch (error) {
      return this.notSettled(transactionId, error, lastAttempt);
    }
    // The ledger confirmed the transfer: a failure to record it from here leaves the payment processing
    // (the job's retries, then the outbox sweep run it again and the stored digest answers), never failed.
    const { payer, result } = settled;
    await this.finalizer.complete(transactionId, {
      txHash: result.txHash,
      gasFeeMist: result.gasFeeMist,
      explorerUrl: result.explorerUrl,
      chain: {
        network: result.network,
        checkpoint: result.checkpoint,
        epoch: result.epoch,
        gasUsed: result.gasUsed,
        balanceChanges: result.balanceChanges,
        payerWallet: payer,
        payerBalanceMist: result.senderBalanceMist,
      },
      blockchainProcessingTime: this.clock.now().getTime() - started,
    });
    return 'completed';
  }

  /**
   * A transfer that threw. The payment fails (and its limit goes back) only when the ledger said it
   * did not execute (a permanent failure) or when no bytes were ever stored, hence sent, for it. A
   * transient failure after its bytes were stored (a submission that timed out may have landed) keeps
   * it processing: once the job's attempts are used up, the outbox sweep runs it again and the rerun
   * finds the stored digest landed, or resubmits the bytes.
   */
  private async notSettled(transactionId: string, error: unknown, lastAttempt: boolean): Promise<SettleOutcome> {
    const retryable = !(error instanceof SettlementError) || error.retryable;
    if (retryable && (!lastAttempt || (await this.settlement.mayHaveSent(transactionId)))) {
      this.logger.warn(`payment ${transactionId}: settlement attempt failed, will retry${lastAttempt ? ' after the outbox sweep' : ''}: ${(error as Error).message}`);
      return 'retry';
    }
    await this.finalizer.fail(transactionId, reasonOf(error));
    return 'failed';
  }

  /** Moves the payment's money on Sui exactly once (the settlement engine's stored bytes and digest). */
  private async transfer(payment: Transaction): Promise<{ payer: string; result: SettlementResult }> {
    const payer = await this.wallets.walletOf(payment.userId ?? '');
    if (!payer) throw new SettlementError('WALLET_KEY', 'the cardholder has no custodial wallet');
    const result = await this.settlement.settle({
      transactionId: payment.transactionId,
      fromAddress: payer.address,
      toAddress: payment.merchantWalletAddress!,
      // Payments from before fees move their whole amount.
      amountMist: BigInt(payment.netMist ?? payment.amountMist!),
      // The attempts counted before this start (markProcessing answers the document as it was).
      firstStart: !payment.attempts,
      ...(BigInt(payment.feeMist ?? 0) > 0n && { fee: { toAddress: (await this.wallets.createWallet(PLATFORM_FEE_WALLET_OWNER, { fund: false })).address, amountMist: BigInt(payment.feeMist!) } }),
    });
    return { payer: payer.address, result };
  }

  /** The payment to settle, or null when it is cancelled or already decided (finishing what a crash left). */
  private async start(transactionId: string): Promise<Transaction | null> {
    if ((await this.transactions.claimStart(transactionId, 'settlement')) === 'cancellation') {
      await this.finalizer.cancel(transactionId);
      return null;
    }
    const decided = await this.transactions.finalClaim(transactionId);
    if (decided) {
      await this.finalizer.repair(decided);
      return null;
    }
    const now = this.clock.now();
    const processing = await this.transactions.markProcessing(transactionId, now);
    if (processing?.firstStart) this.events.emit(PAYMENT_UPDATED, toPaymentEvent(processing.payment, now));
    return processing?.payment ?? null;
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof SettlementError) return `${error.code}: ${error.message}`;
  return `Settlement failed: ${(error as Error).message ?? 'unknown error'}`;
}
