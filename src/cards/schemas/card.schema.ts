import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, SchemaTypes } from 'mongoose';
import type { SpendingLimit } from '../card-controls';

/** `pin_blocked`: three wrong PINs in a row; its holder lifts it with their password (POST /api/cards/:cardUuid/pin/unblock). */
export const CARD_STATUSES = ['active', 'blocked', 'lost', 'expired', 'pin_blocked'] as const;
export type CardStatus = (typeof CARD_STATUSES)[number];

export const DEFAULT_DAILY_LIMIT = 2_000_000;
export const DEFAULT_SINGLE_TRANSACTION_LIMIT = 500_000;

@Schema({ collection: 'cards', timestamps: true })
export class Card {
  /**
   * The cardUuid again: FerretDB finds a document without scanning its collection only by `_id`,
   * and every tap looks its card up. Cards registered before this have an ObjectId here and are
   * found by cardUuid (a scan).
   */
  @Prop({
    type: String,
    default: function (this: Card) {
      return this.cardUuid;
    },
  })
  _id: string;

  @Prop({ required: true, unique: true })
  cardUuid: string;

  /** The cardholder's user id. */
  @Prop({ required: true })
  ownerId: string;

  @Prop({ type: String, required: true, enum: CARD_STATUSES, default: 'active' })
  status: CardStatus;

  @Prop()
  blockedReason?: string;

  /** Who blocked it: a cardholder may lift only their own block. */
  @Prop({ type: String, enum: ['holder', 'admin', 'fraud'] })
  blockedBy?: 'holder' | 'admin' | 'fraud';

  /** Minor units of `currency` per day (the day in LIMITS_TIMEZONE). */
  @Prop({ required: true, default: DEFAULT_DAILY_LIMIT })
  dailyLimit: number;

  @Prop({ required: true, default: DEFAULT_SINGLE_TRANSACTION_LIMIT })
  singleTransactionLimit: number;

  /** Set by an admin; unset means the CVM_LIMIT_DEFAULT setting. */
  @Prop()
  cvmLimit?: number;

  /** Set by an admin (PSD2): the N-th tap in a row without a PIN needs one. Unset: off. */
  @Prop()
  cvmConsecutiveTaps?: number;

  /** The cardholder's controls beyond the two above (see card-controls.ts). */
  @Prop({ type: [SchemaTypes.Mixed], default: undefined })
  spendingLimits?: SpendingLimit[];

  /** Merchant category codes the card never pays at. */
  @Prop({ type: [String], default: undefined })
  blockedCategories?: string[];

  /** An administrator's bounds on the cardholder's controls, enforced as controls too. */
  @Prop({ type: [SchemaTypes.Mixed], default: undefined })
  caps?: SpendingLimit[];

  @Prop({ required: true, default: 'VND' })
  currency: string;

  /** A secure (NTAG 424 DNA) card's UID, 14 lowercase hex characters: such a card must prove itself with SUN on every tap. */
  @Prop()
  nfcUid?: string;

  /** The Bolt Card key version of a secure card (1, then +1 per reprogramming); its keys derive from it. */
  @Prop()
  keyVersion?: number;

  /** Renewed on every change (nextRevision); orders cache writes (see RevisionedCache). */
  @Prop({ required: true, default: 0 })
  revision: number;

  createdAt: Date;
  updatedAt: Date;
}

export type CardDocument = HydratedDocument<Card>;
export const CardSchema = SchemaFactory.createForClass(Card);
// "My cards, newest first" for cardholders.
CardSchema.index({ ownerId: 1, createdAt: -1 });
