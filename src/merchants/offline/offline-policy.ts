import { Injectable } from '@nestjs/common';
import { InjectModel, Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Model } from 'mongoose';

/** How much a terminal may take while it cannot reach the server (Adyen's maxAmount/maxPayments, Square's caps and window). */
export interface OfflinePolicyValues {
  enabled: boolean;
  /** Largest single offline tap, in the minor unit. */
  maxTapAmount: number;
  /** Most taps held, and their largest total, per forwarded batch. */
  maxTaps: number;
  maxTotal: number;
  /** A tap older than this when it arrives is declined (at most 24). */
  maxAgeHours: number;
}

export type OfflinePolicyView = OfflinePolicyValues & { source: 'default' | 'merchant' | 'terminal' };

/** Off unless an admin turns it on: an offline tap is the merchant's risk. */
export const OFFLINE_OFF: OfflinePolicyValues = { enabled: false, maxTapAmount: 0, maxTaps: 0, maxTotal: 0, maxAgeHours: 0 };

/** One per merchant (`m:<merchantId>`) or terminal override (`t:<terminalId>`): read by `_id`, never scanned. */
@Schema({ collection: 'offline_policies', versionKey: false, timestamps: { createdAt: false, updatedAt: true } })
export class OfflinePolicy {
  @Prop({ type: String, required: true }) _id: string;
  @Prop({ required: true }) enabled: boolean;
  @Prop({ required: true }) maxTapAmount: number;
  @Prop({ required: true }) maxTaps: number;
  @Prop({ required: true }) maxTotal: number;
  @Prop({ required: true }) maxAgeHours: number;
}
export const OfflinePolicySchema = SchemaFactory.createForClass(OfflinePolicy);

const pick = ({ enabled, maxTapAmount, maxTaps, maxTotal, maxAgeHours }: OfflinePolicyValues): OfflinePolicyValues => ({ enabled, maxTapAmount, maxTaps, maxTotal, maxAgeHours });

@Injectable()
export class OfflinePolicyService {
  constructor(@InjectModel(OfflinePolicy.name) private readonly policies: Model<OfflinePolicy>) {}

  async setForMerchant(merchantId: string, values: OfflinePolicyValues): Promise<OfflinePolicyView> {
    await this.policies.replaceOne({ _id: `m:${merchantId}` }, pick(values), { upsert: true }).exec();
    return { ...pick(values), source: 'merchant' };
  }

  async setForTerminal(terminalId: string, values: OfflinePolicyValues): Promise<OfflinePolicyView> {
    await this.policies.replaceOne({ _id: `t:${terminalId}` }, pick(values), { upsert: true }).exec();
    return { ...pick(values), source: 'terminal' };
  }

  /** The terminal's override, else its merchant's policy, else off. */
  async effective(merchantId: string, terminalId: string): Promise<OfflinePolicyView> {
    const [terminal, merchant] = await Promise.all([this.policies.findById(`t:${terminalId}`).lean().exec(), this.policies.findById(`m:${merchantId}`).lean().exec()]);
    if (terminal) return { ...pick(terminal), source: 'terminal' };
    if (merchant) return { ...pick(merchant), source: 'merchant' };
    return { ...OFFLINE_OFF, source: 'default' };
  }
}
