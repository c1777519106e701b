import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const PAYOUT_STATUSES = ['pending', 'paid', 'failed'] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];

/** Money leaving a merchant's settlement wallet for its own `walletAddress`, exactly once. */
@Schema({ collection: 'payouts', versionKey: false, timestamps: true })
export class Payout {
  /** The payout id, also its settlement id (the stored bytes and digest are keyed by it). */
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true }) merchantId: string;
  /** In the card currency's minor unit, like payments. */
  @Prop({ required: true }) amount: number;
  @Prop({ required: true }) amountMist: string;
  @Prop({ required: true }) currency: string;
  @Prop({ type: String, required: true, enum: PAYOUT_STATUSES }) status: PayoutStatus;
  /** Its reservation on the merchant's outflow chain, given back if it fails. */
  @Prop({ required: true }) reservationId: string;
  @Prop({ required: true }) fromAddress: string;
  @Prop({ required: true }) toAddress: string;
  @Prop({ required: true }) requestedBy: string;
  @Prop() txHash?: string;
  @Prop() failureReason?: string;
  @Prop() paidAt?: Date;
  @Prop() failedAt?: Date;

  createdAt: Date;
  updatedAt: Date;
}

export const PayoutSchema = SchemaFactory.createForClass(Payout);
PayoutSchema.index({ merchantId: 1, createdAt: -1 });

/** One per payout: the unique insert that decides its outcome once. */
@Schema({ collection: 'payout_claims', versionKey: false })
export class PayoutClaim {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ type: String, required: true }) outcome: 'paid' | 'failed';
  @Prop() txHash?: string;
  @Prop() failureReason?: string;
  @Prop({ required: true }) at: Date;
}

export const PayoutClaimSchema = SchemaFactory.createForClass(PayoutClaim);

/** Emitted when a payout is asked for and when it is final; webhooks and metrics listen. */
export const PAYOUT_UPDATED = 'payout.updated';

export interface PayoutEvent {
  payoutId: string;
  merchantId: string;
  amount: number;
  amountMist: string;
  currency: string;
  status: PayoutStatus;
  toAddress: string;
  txHash?: string;
  failureReason?: string;
  at: Date;
}
