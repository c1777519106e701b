import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { SchemaTypes } from 'mongoose';

/**
 * Who got to decide a payment's next phase. `_id` is `<transactionId>:start` (settlement or
 * cancellation, whichever comes first) or `<transactionId>:final` (completed, failed or cancelled,
 * with the fields that outcome sets), `<transactionId>:pin` (a payment that waited for its PIN: verified,
 * declined or expired); `<transactionId>:done:<effect>` records an effect of the final
 * state as done (outcome `done`, see PaymentFinalizer). Inserted once: a unique `_id` is the atomic compare-and-set
 * that FerretDB v1 and MongoDB share; the payment document then follows the claim.
 */
@Schema({ collection: 'payment_claims', versionKey: false })
export class PaymentClaim {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true }) transactionId: string;
  /** start: 'settlement' | 'cancellation'; final: the final status; pin: 'verified' | 'declined' | 'expired'. */
  @Prop({ required: true }) outcome: string;
  /** For final claims: what the outcome writes on the payment, so anyone can finish applying it. */
  @Prop({ type: SchemaTypes.Mixed }) fields?: Record<string, unknown>;
  @Prop({ required: true }) createdAt: Date;
}

export const PaymentClaimSchema = SchemaFactory.createForClass(PaymentClaim);
