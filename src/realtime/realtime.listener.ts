import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { CARD_UPDATED, type CardUpdatedEvent } from '../cards/card.events';
import { ALERT_RAISED, type AlertRaisedEvent } from '../notifications/alert.events';
import {
  MERCHANT_ACCESS_REVOKED,
  type MerchantAccessRevokedEvent,
  TERMINAL_ACCESS_REVOKED,
  type TerminalAccessRevokedEvent,
} from '../merchants/merchant-access.events';
import { PAYMENT_CANCELLED, PAYMENT_COMPLETED, PAYMENT_FAILED, PAYMENT_REQUIRES_PIN, PAYMENT_UPDATED, type PaymentEvent } from '../payments/payment.events';
import { REFUND_UPDATED, type RefundEvent } from '../refunds/refund.events';
import { PAYOUT_UPDATED, type PayoutEvent } from '../merchants/money/payout.schema';
import { PAYMENT_REQUEST_PAID, type PaymentRequestPaidEvent } from '../payment-requests/payment-request.schema';
import { RealtimeService } from './realtime.service';

/** Domain events → socket events. A broadcast problem never reaches the module that emitted. */
@Injectable()
export class RealtimeEventsListener {
  private readonly logger = new Logger(RealtimeEventsListener.name);

  constructor(private readonly realtime: RealtimeService) {}

  @OnEvent(PAYMENT_UPDATED)
  onPaymentUpdated(event: PaymentEvent): void {
    this.guard(PAYMENT_UPDATED, () => this.realtime.paymentUpdated(event));
  }

  @OnEvent(PAYMENT_REQUIRES_PIN)
  onPaymentRequiresPin(event: PaymentEvent): void {
    this.guard(PAYMENT_REQUIRES_PIN, () => this.realtime.paymentRequiresPin(event));
  }

  @OnEvent(PAYMENT_COMPLETED)
  onPaymentCompleted(event: PaymentEvent): void {
    this.guard(PAYMENT_COMPLETED, () => this.realtime.paymentFinished(event));
    this.realtime.balanceChanged(event).catch((error: Error) => this.logger.warn(`balance:update not sent: ${error.message}`));
  }

  @OnEvent(PAYMENT_FAILED)
  onPaymentFailed(event: PaymentEvent): void {
    this.guard(PAYMENT_FAILED, () => this.realtime.paymentFinished(event));
  }

  @OnEvent(PAYMENT_CANCELLED)
  onPaymentCancelled(event: PaymentEvent): void {
    this.guard(PAYMENT_CANCELLED, () => this.realtime.paymentFinished(event));
  }

  @OnEvent(REFUND_UPDATED)
  onRefundUpdated(event: RefundEvent): void {
    this.guard(REFUND_UPDATED, () => this.realtime.refundUpdated(event));
  }

  @OnEvent(PAYOUT_UPDATED)
  onPayoutUpdated(event: PayoutEvent): void {
    this.guard(PAYOUT_UPDATED, () => this.realtime.payoutUpdated(event));
  }

  @OnEvent(PAYMENT_REQUEST_PAID)
  onPaymentRequestPaid(event: PaymentRequestPaidEvent): void {
    this.guard(PAYMENT_REQUEST_PAID, () => this.realtime.paymentRequestPaid(event));
  }

  @OnEvent(CARD_UPDATED)
  onCardUpdated(event: CardUpdatedEvent): void {
    this.guard(CARD_UPDATED, () => this.realtime.cardUpdated(event));
  }

  @OnEvent(ALERT_RAISED)
  onAlertRaised(event: AlertRaisedEvent): void {
    this.guard(ALERT_RAISED, () => this.realtime.systemAlert({ message: event.message, level: 'error', audience: 'admins' }));
  }

  /** Emitted in one process only; the broadcast reaches the terminal's sockets on every instance. */
  @OnEvent(TERMINAL_ACCESS_REVOKED)
  onTerminalAccessRevoked(event: TerminalAccessRevokedEvent): void {
    this.guard(TERMINAL_ACCESS_REVOKED, () => this.realtime.terminalRevoked(event));
  }

  @OnEvent(MERCHANT_ACCESS_REVOKED)
  onMerchantAccessRevoked(event: MerchantAccessRevokedEvent): void {
    this.guard(MERCHANT_ACCESS_REVOKED, () => this.realtime.merchantRevoked(event));
  }

  private guard(name: string, broadcast: () => void): void {
    try {
      broadcast();
    } catch (error) {
      this.logger.warn(`Broadcast for ${name} failed: ${(error as Error).message}`);
    }
  }
}
