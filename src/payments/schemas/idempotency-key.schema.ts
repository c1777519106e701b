import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { SchemaTypes } from 'mongoose';

/** One accepted `Idempotency-Key` per caller: the request's fingerprint and, once done, its answer. */
@Schema({ collection: 'idempotency_keys', versionKey: false })
export class IdempotencyKey {
  /** sha256 of caller and key. */
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true }) requestHash: string;
  /** Fixed when the key is first claimed, so a retry after a crash can only ever be this payment. */
  @Prop({ required: true }) transactionId: string;
  @Prop({ type: String, required: true, enum: ['in_progress', 'completed'] }) state: 'in_progress' | 'completed';
  /** While in progress: when another request may take over (the first one died). */
  @Prop() lockedUntil?: Date;
  @Prop() responseStatus?: number;
  @Prop({ type: SchemaTypes.Mixed }) responseBody?: Record<string, unknown>;
  @Prop({ required: true }) createdAt: Date;
  /** Kept at least this long; a periodic clean-up removes older keys (FerretDB has no TTL indexes). */
  @Prop({ required: true }) expiresAt: Date;
}

export const IdempotencyKeySchema = SchemaFactory.createForClass(IdempotencyKey);
IdempotencyKeySchema.index({ expiresAt: 1 });
