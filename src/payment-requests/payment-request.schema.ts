import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** A QR payment request: one amount, for one merchant, payable once until it expires. */
@Schema({ collection: 'payment_requests', versionKey: false, timestamps: true })
export class PaymentRequest {
  /** `pr_` + 24 hex: the Payment Kit nonce, which may be at most 36 characters. */
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true }) merchantId: string;
  /** The terminal the payment is taken at (the creating terminal, or the one staff named). */
  @Prop({ required: true }) terminalId: string;
  /** In the card currency's minor unit, like payments. */
  @Prop({ required: true }) amount: number;
  @Prop() description?: string;
  @Prop({ required: true }) expiresAt: Date;
  @Prop({ required: true }) uri: string;
  @Prop({ required: true }) createdBy: string;
  /** Set once its payment was accepted. */
  @Prop() transactionId?: string;
  @Prop() paidAt?: Date;

  createdAt: Date;
  updatedAt: Date;
}

export const PaymentRequestSchema = SchemaFactory.createForClass(PaymentRequest);

/**
 * The unique insert that lets exactly one cardholder pay a request (FerretDB has no conditional
 * update). Claims come in generations, `_id` = the request id, then `<id>#1`, `<id>#2`…: a claim
 * given up (its payment declined, or abandoned by a payer that died) is marked released, never
 * deleted, and the next payer inserts the next generation, so two payers never both win one.
 */
@Schema({ collection: 'payment_request_claims', versionKey: false })
export class PaymentRequestClaim {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true }) userId: string;
  /** The card it is being paid with: a retry by the same payer must name it to resume. */
  @Prop() cardUuid?: string;
  @Prop({ required: true }) at: Date;
  @Prop() releasedAt?: Date;
}

export const PaymentRequestClaimSchema = SchemaFactory.createForClass(PaymentRequestClaim);

/** Emitted when a request's payment was accepted; realtime tells the merchant's room. */
export const PAYMENT_REQUEST_PAID = 'payment_request.paid';

export interface PaymentRequestPaidEvent {
  paymentRequestId: string;
  merchantId: string;
  terminalId: string;
  amount: number;
  transactionId: string;
  at: Date;
}
