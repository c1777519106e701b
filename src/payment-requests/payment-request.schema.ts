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

/** One per request: the unique insert that lets exactly one cardholder pay it (FerretDB has no conditional update). */
@Schema({ collection: 'payment_request_claims', versionKey: false })
export class PaymentRequestClaim {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true }) userId: string;
  @Prop({ required: true }) at: Date;
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
