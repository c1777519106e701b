import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { REFUND_UPDATED, type RefundEvent } from '../../refunds/refund.events';
import { FraudAssessmentsStore } from '../fraud-assessments.store';
import { FraudClock } from '../fraud-clock';
import { FraudLabel, type LabelSource } from './fraud-label.schema';

export interface LabelledOutcome {
  transactionId: string;
  label: 0 | 1;
  source: LabelSource;
  detail: string;
  assessmentId?: string;
  actor: string;
}

/**
 * Outcomes established after the fact become training labels: a review closed as fraud (1) or as
 * legitimate (0), a refund asked with reason `fraudulent` (1). Each copies the payment's model
 * features from its stored assessment, so training needs no replay.
 */
@Injectable()
export class FraudLabelsService {
  private readonly logger = new Logger('FraudLabels');

  constructor(
    @InjectModel(FraudLabel.name) private readonly labels: Model<FraudLabel>,
    private readonly assessments: FraudAssessmentsStore,
    private readonly clock: FraudClock,
  ) {}

  async record(outcome: LabelledOutcome): Promise<void> {
    const assessment = outcome.assessmentId ? await this.assessments.find(outcome.assessmentId) : await this.assessments.findByTransaction(outcome.transactionId);
    const label: FraudLabel = {
      _id: outcome.transactionId,
      label: outcome.label,
      source: outcome.source,
      detail: outcome.detail,
      recordedBy: outcome.actor,
      recordedAt: new Date(this.clock.now()),
      ...(assessment && { assessmentId: assessment.assessmentId, at: assessment.at, rulesScore: assessment.score }),
      ...(assessment?.features && { features: assessment.features }),
    };
    await this.labels.replaceOne({ _id: outcome.transactionId }, label, { upsert: true }).exec();
  }

  /** When the refund is asked: the merchant's word that the payment was fraud stands whatever becomes of the refund. */
  @OnEvent(REFUND_UPDATED, { async: true, promisify: true })
  async onRefund(event: RefundEvent): Promise<void> {
    if (event.reason !== 'fraudulent' || event.status !== 'pending') return;
    await this.record({ transactionId: event.transactionId, label: 1, source: 'refund', detail: 'fraudulent', actor: event.requestedBy ?? 'refund' }).catch((error: Error) =>
      this.logger.warn(`label of ${event.transactionId} (fraudulent refund) not recorded: ${error.message}`),
    );
  }
}
