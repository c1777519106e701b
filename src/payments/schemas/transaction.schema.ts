import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, SchemaTypes } from 'mongoose';
import { PAYMENT_STATUSES, type PaymentStatus } from '../payment-state';

@Schema({ _id: false })
export class FraudVerdict {
  @Prop({ required: true }) score: number;
  @Prop({ required: true }) decision: string;
  @Prop({ type: [SchemaTypes.Mixed], default: [] }) reasons: { rule: string; detail: string; weight: number }[];
  @Prop() degraded?: boolean;
  @Prop() riskScore?: number;
  @Prop() riskLevel?: string;
  @Prop() modelVersion?: string;
  @Prop() modelEnforced?: boolean;
  @Prop({ type: [SchemaTypes.Mixed], default: undefined }) topFeatures?: { feature: string; contribution: number }[];
}

@Schema({ _id: false })
export class LimitReservation {
  /** The calendar day (LIMITS_TIMEZONE) the amount was reserved against. */
  @Prop({ required: true }) day: string;
  @Prop({ required: true }) amount: number;
  /** The control chains it also reserved in (see SpendingLimitsService). */
  @Prop({ type: [String], default: undefined }) windows?: string[];
}

@Schema({ collection: 'transactions', timestamps: { createdAt: true, updatedAt: true } })
export class Transaction {
  /** The transactionId again: FerretDB finds a document without scanning only by `_id`. */
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  transactionId: string;

  @Prop({ type: String, required: true, enum: PAYMENT_STATUSES })
  status: PaymentStatus;

  /** A tap that asked for the PIN: when it had to be entered by (then the payment expires); kept afterwards. */
  @Prop() pinExpiresAt?: Date;
  @Prop() expiredAt?: Date;

  @Prop({ required: true }) cardUuid: string;
  /** The card as its merchant sees it (CardReferences): what events for the merchant side carry. */
  @Prop() cardRef?: string;
  /** The cardholder (the card's owner), whoever initiated the payment. */
  @Prop() userId?: string;
  @Prop({ required: true }) merchantId: string;
  @Prop({ required: true }) terminalId: string;
  @Prop({ required: true }) amount: number;
  @Prop({ required: true, default: 'VND' }) currency: string;
  /** The Sui amount, `amount × SETTLEMENT_MIST_PER_UNIT`, as a decimal string (u64). */
  @Prop() amountMist?: string;
  @Prop() merchantWalletAddress?: string;
  /** The platform fee and what the merchant nets (minor units and MIST), fixed at acceptance; fee + net = amount. */
  @Prop() fee?: number;
  @Prop() net?: number;
  @Prop() feeMist?: string;
  @Prop() netMist?: string;

  /** Who called process-async: `user:<id>` or `terminal:<id>`. */
  @Prop({ required: true }) initiatedBy: string;
  @Prop() authCode?: string;
  @Prop() declineCode?: string;
  @Prop() failureReason?: string;
  @Prop({ type: FraudVerdict }) fraud?: FraudVerdict;
  @Prop({ type: LimitReservation }) limitReservation?: LimitReservation;

  @Prop() txHash?: string;
  @Prop() gasFeeMist?: string;
  @Prop({ type: SchemaTypes.Mixed }) chain?: Record<string, unknown>;
  @Prop({ type: String }) explorerUrl?: string | null;
  @Prop({ default: 0 }) attempts: number;

  @Prop() processingStartedAt?: Date;
  @Prop() completedAt?: Date;
  @Prop() failedAt?: Date;
  @Prop() cancelledAt?: Date;
  /** Milliseconds from processing start to the chain's answer. */
  @Prop() blockchainProcessingTime?: number;

  @Prop({ type: SchemaTypes.Mixed, default: {} })
  metadata: Record<string, unknown>;

  createdAt: Date;
  updatedAt: Date;
}

export type TransactionDocument = HydratedDocument<Transaction>;
export const TransactionSchema = SchemaFactory.createForClass(Transaction);
// History for a cardholder, a card, a merchant, newest first (MongoDB uses them; FerretDB v1 scans).
TransactionSchema.index({ userId: 1, createdAt: -1 });
TransactionSchema.index({ cardUuid: 1, createdAt: -1 });
TransactionSchema.index({ merchantId: 1, createdAt: -1 });
