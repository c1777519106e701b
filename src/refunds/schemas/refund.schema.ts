import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const REFUND_STATUSES = ['pending', 'succeeded', 'failed', 'canceled'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];
export const REFUND_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'] as const;
export type RefundReason = (typeof REFUND_REASONS)[number];

/** Money going back from a merchant's settlement wallet to the cardholder's wallet, exactly once. */
@Schema({ collection: 'refunds', versionKey: false, timestamps: true })
export class Refund {
  /** The refund id, also its settlement id (the stored bytes and digest are keyed by it). */
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true }) transactionId: string;
  @Prop({ required: true }) merchantId: string;
  @Prop() userId?: string;
  @Prop({ required: true }) cardUuid: string;
  /** In the card currency's minor unit, like the payment's amount. */
  @Prop({ required: true }) amount: number;
  @Prop({ required: true }) amountMist: string;
  @Prop({ required: true }) currency: string;
  @Prop({ type: String, enum: REFUND_REASONS }) reason?: RefundReason;
  @Prop({ type: String, required: true, enum: REFUND_STATUSES }) status: RefundStatus;
  /** The reservation on the payment's and the merchant's money chains, given back if the refund fails. */
  @Prop({ required: true }) reservationId: string;
  @Prop({ required: true }) fromAddress: string;
  @Prop({ required: true }) toAddress: string;
  /** Who asked for it (`role:id`). */
  @Prop({ required: true }) requestedBy: string;
  @Prop() txHash?: string;
  @Prop() failureReason?: string;
  @Prop() succeededAt?: Date;
  @Prop() failedAt?: Date;
  @Prop() canceledAt?: Date;

  createdAt: Date;
  updatedAt: Date;
}

export const RefundSchema = SchemaFactory.createForClass(Refund);
RefundSchema.index({ transactionId: 1, createdAt: 1 });
RefundSchema.index({ merchantId: 1, status: 1 });

/** One per refund: the unique insert that decides its outcome once (FerretDB has no conditional update). */
@Schema({ collection: 'refund_claims', versionKey: false })
export class RefundClaim {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ type: String, required: true }) outcome: 'succeeded' | 'failed' | 'canceled';
  @Prop() txHash?: string;
  @Prop() failureReason?: string;
  @Prop({ required: true }) at: Date;
}

export const RefundClaimSchema = SchemaFactory.createForClass(RefundClaim);

/**
 * One per refund: whether its transfer may start or it is canceled, decided by whichever inserts
 * first (the job, just before it first builds the transfer, or a cancel), so a refund whose money
 * may be on its way is never canceled and a canceled one never sent.
 */
@Schema({ collection: 'refund_commitments', versionKey: false })
export class RefundCommitment {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ type: String, required: true }) decision: 'transfer' | 'cancel';
  @Prop({ required: true }) at: Date;
}

export const RefundCommitmentSchema = SchemaFactory.createForClass(RefundCommitment);
