import { Inject, Injectable } from '@nestjs/common';
import type { CardSnapshot } from '../../cards/cards.service';
import { CardPinsService } from '../../cards/pin/card-pins';
import type { Principal } from '../../common/auth/principal';
import { CLOCK, type Clock } from '../../common/time/clock';
import { cardsConfig, type CardsConfig } from '../../config/app.config';
import type { FraudAssessment } from '../fraud.port';
import type { Decline } from '../use-cases/payment-answers';
import { cvmOutcome, cvmReasonOf, type CvmReason, pinDeadline } from './cvm-policy';

export type Verification = { kind: 'none' } | { kind: 'pin'; expiresAt: Date } | { kind: 'decline'; decline: Decline };

export interface VerifiedTap {
  principal: Principal;
  amount: number;
  offline: boolean;
}

/**
 * The accept pipeline's CVM step: whether a tap needs the cardholder's PIN before it may settle.
 * Only a terminal's online tap: a cardholder paying from their own app proved themselves by signing
 * in, and an offline tap (which could not ask) is declined offline_pin_required earlier.
 */
@Injectable()
export class CardholderVerification {
  constructor(
    private readonly pins: CardPinsService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(cardsConfig.KEY) private readonly config: CardsConfig,
  ) {}

  async required(tap: VerifiedTap, card: CardSnapshot, fraud: FraudAssessment): Promise<Verification> {
    if (tap.principal.role !== 'terminal' || tap.offline) return { kind: 'none' };
    const reason = cvmReasonOf(tap.amount, card.cvmLimit, fraud.decision) ?? (await this.consecutive(card));
    const outcome = cvmOutcome(reason, reason ? await this.pins.hasPin(card.cardUuid) : false);
    if (outcome === 'pin') return { kind: 'pin', expiresAt: pinDeadline(this.clock.now(), this.config.pinEntryTimeoutMs) };
    if (outcome === 'pin_required') return { kind: 'decline', decline: { declineCode: 'pin_required', reason: "This payment needs the cardholder's PIN and the card has none set" } };
    return { kind: 'none' };
  }

  private async consecutive(card: CardSnapshot): Promise<CvmReason | null> {
    if (!card.cvmConsecutiveTaps) return null;
    return (await this.pins.nthTapWithoutPin(card.cardUuid, card.cvmConsecutiveTaps)) ? 'consecutive' : null;
  }
}
