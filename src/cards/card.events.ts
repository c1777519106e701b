import type { CardStatus } from './schemas/card.schema';

export const CARD_UPDATED = 'card.updated';

/** Emitted after every change to a card; realtime turns it into `card:status:update`. */
export interface CardUpdatedEvent {
  cardUuid: string;
  ownerId: string;
  status: CardStatus;
  dailyLimit: number;
  singleTransactionLimit: number;
  reason?: string;
}
