import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument } from 'mongoose';

export const MERCHANT_STATUSES = ['active', 'suspended'] as const;
export type MerchantStatus = (typeof MERCHANT_STATUSES)[number];

/** Miscellaneous retail: the category of a merchant registered without one. */
export const DEFAULT_MCC = '5999';

@Schema({ collection: 'merchants', timestamps: true })
export class Merchant {
  @Prop({ required: true, unique: true })
  merchantId: string;

  @Prop({ required: true })
  name: string;

  /** The merchant's own Sui address: where payouts go (the platform cannot spend from it). */
  @Prop({ required: true })
  walletAddress: string;

  /**
   * The custodial wallet payments settle into and refunds and payouts leave from. Made with the
   * merchant; merchants from before it get theirs on first use.
   */
  @Prop()
  settlementAddress?: string;

  @Prop({ type: String, required: true, enum: MERCHANT_STATUSES, default: 'active' })
  status: MerchantStatus;

  @Prop()
  webhookUrl?: string;

  /** The merchant category code (ISO 18245), which card controls allow or block. */
  @Prop({ required: true, default: DEFAULT_MCC })
  mcc: string;

  /** The webhook signing secret, encrypted (WebhookSecretBox); never cached, never answered after it was shown. */
  @Prop()
  webhookSecret?: string;

  /** After a rotation, the old secret (encrypted) still signs deliveries until `previousWebhookSecretUntil`. */
  @Prop()
  previousWebhookSecret?: string;

  @Prop()
  previousWebhookSecretUntil?: Date;

  /**
   * Renewed on every suspension. Terminal tokens carry the generation they were issued under, so
   * tokens from before a suspension stay dead after the merchant is reactivated.
   */
  @Prop({ required: true, default: 0 })
  accessGeneration: number;

  /** false: a tap naming only a cardUuid (no SUN proof) is declined card_auth_required here, for every card. Unset means true. */
  @Prop()
  acceptUnauthenticatedCards?: boolean;

  /** Renewed on every change (nextRevision); orders cache writes (see RevisionedCache). */
  @Prop({ required: true, default: 0 })
  revision: number;

  createdAt: Date;
  updatedAt: Date;
}

export type MerchantDocument = HydratedDocument<Merchant>;
export const MerchantSchema = SchemaFactory.createForClass(Merchant);
