/** Emitted (EventEmitter2) when an admin's review verdict says a payment was fraud: block the card. */
export const FRAUD_CARD_FLAGGED = 'fraud.card_flagged';

export interface FraudCardFlaggedEvent {
  cardUuid: string;
  transactionId: string;
}
