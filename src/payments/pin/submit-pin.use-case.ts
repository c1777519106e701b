import { ConflictException, GoneException, Injectable, NotFoundException } from '@nestjs/common';
import { CardPinsService, type PinCheck } from '../../cards/pin/card-pins';
import type { Principal } from '../../common/auth/principal';
import { type PinOutcome, PaymentTransactionsRepository } from '../payment-transactions.repository';
import type { Transaction } from '../schemas/transaction.schema';
import { PinStep } from './pin-step';

/** What the PIN route answers: 200 verified, 400 wrong or declined (409, 410 and 404 are thrown). */
export interface PinAnswer {
  status: 200 | 400;
  body: Record<string, unknown>;
}

type PinDecline = { declineCode: 'pin_tries_exceeded' | 'pin_blocked' | 'pin_required'; reason: string };

/**
 * The cardholder's PIN for a tap that answered requires_pin, entered at the terminal that took it:
 * right → the payment goes on to pending and settles; wrong → 400 with the attempts left (three per
 * card); the last wrong one declines the payment and blocks the card (pin_blocked); too late → 410
 * and expired. However many submissions race, the PIN claim lets one of them decide.
 */
@Injectable()
export class SubmitPinUseCase {
  constructor(
    private readonly transactions: PaymentTransactionsRepository,
    private readonly pins: CardPinsService,
    private readonly step: PinStep,
  ) {}

  async execute(principal: Principal, transactionId: string, pin: string, requestId: string): Promise<PinAnswer> {
    const payment = await this.waitingPayment(principal, transactionId);
    if (this.step.isDue(payment)) return this.answerDecided(await this.step.decide(payment, 'expired'), 'expired', requestId, payment);
    const check = await this.pins.check(payment.cardUuid, pin);
    if (check.outcome === 'correct') return this.answerDecided(await this.step.decide(payment, 'verified'), 'verified', requestId, payment);
    if (check.outcome === 'incorrect' && check.attemptsLeft > 0) return incorrectAnswer(payment, check.attemptsLeft, 'requires_pin', requestId);
    const decline = declineOf(check);
    return this.answerDecided(await this.step.decide(payment, 'declined', decline), 'declined', requestId, payment, check);
  }

  /** Only the terminal that took the tap; another terminal's or merchant's payment answers like an unknown one. */
  private async waitingPayment(principal: Principal, transactionId: string): Promise<Transaction> {
    const payment = await this.transactions.find(transactionId);
    if (!payment || principal.role !== 'terminal' || payment.terminalId !== principal.id || payment.merchantId !== principal.merchantId) throw new NotFoundException('Transaction not found');
    if (payment.status === 'requires_pin') return payment;
    if (payment.status === 'expired') throw expiredError();
    throw new ConflictException({ code: 'pin_not_expected', message: `This payment is not waiting for a PIN (it is ${payment.status})` });
  }

  /** The answer for the outcome this submission asked for, or, when another decided first, for that one. */
  private answerDecided(decided: { outcome: PinOutcome; won: boolean }, asked: PinOutcome, requestId: string, payment: Transaction, check?: PinCheck): PinAnswer {
    if (!decided.won || decided.outcome !== asked) {
      if (decided.outcome === 'expired') throw expiredError();
      throw new ConflictException({ code: 'pin_not_expected', message: decided.outcome === 'verified' ? 'The PIN was verified already for this payment' : 'This payment was declined' });
    }
    if (asked === 'expired') throw expiredError();
    if (asked === 'verified') {
      const { transactionId } = payment;
      return { status: 200, body: { success: true, transactionId, status: 'pending', message: 'PIN verified; the payment settles in the background', requestId, statusUrl: `/api/payment/status/${transactionId}`, websocketChannel: `transaction:${transactionId}` } };
    }
    if (check?.outcome === 'incorrect') return incorrectAnswer(payment, 0, 'declined', requestId);
    const decline = declineOf(check!);
    return { status: 400, body: { success: false, error: 'Transaction not authorized', reason: decline.reason, declineCode: decline.declineCode, transactionId: payment.transactionId, status: 'declined', requestId } };
  }
}

function incorrectAnswer(payment: Transaction, attemptsLeft: number, status: 'requires_pin' | 'declined', requestId: string): PinAnswer {
  return {
    status: 400,
    body: {
      success: false,
      error: 'PIN incorrect',
      declineCode: 'pin_incorrect',
      attemptsLeft,
      transactionId: payment.transactionId,
      status,
      ...(attemptsLeft === 0 && { cardStatus: 'pin_blocked', reason: 'Three wrong PINs: the payment is declined and the card blocked until its holder unblocks it' }),
      requestId,
    },
  };
}

function declineOf(check: PinCheck): PinDecline {
  if (check.outcome === 'incorrect') return { declineCode: 'pin_tries_exceeded', reason: 'Three wrong PINs in a row' };
  if (check.outcome === 'no_pin') return { declineCode: 'pin_required', reason: 'The card has no PIN set' };
  return { declineCode: 'pin_blocked', reason: 'The card is blocked after wrong PINs' };
}

const expiredError = () => new GoneException({ code: 'pin_expired', message: 'No PIN was entered in time: the payment expired and its limit was given back' });
