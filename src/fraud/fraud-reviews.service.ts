import { ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { Model } from 'mongoose';
import { FRAUD_CARD_FLAGGED, FraudCardFlaggedEvent } from './fraud.events';
import type { AssessmentInput, ReviewableAssessment } from './fraud.types';
import { FraudAuditService } from './fraud-audit.service';
import { FraudClock } from './fraud-clock';
import { FraudListsService } from './fraud-lists.service';
import { FraudLabelsService } from './labels/fraud-labels.service';
import { FraudReview, ReviewVerdict } from './schemas/fraud-review.schema';

@Injectable()
export class FraudReviewsService {
  private readonly logger = new Logger('FraudReviews');

  constructor(
    @InjectModel(FraudReview.name) private readonly reviews: Model<FraudReview>,
    private readonly lists: FraudListsService,
    private readonly audit: FraudAuditService,
    private readonly events: EventEmitter2,
    private readonly clock: FraudClock,
    private readonly labels: FraudLabelsService,
  ) {}

  /** Idempotent per transactionId: a second call leaves the first review as it is. */
  async open(transactionId: string, assessment: ReviewableAssessment, input: AssessmentInput): Promise<void> {
    await this.reviews.updateOne(
      { transactionId },
      {
        $setOnInsert: {
          transactionId,
          assessmentId: assessment.assessmentId,
          cardUuid: input.cardUuid,
          userId: input.userId,
          amount: input.amount,
          merchantId: input.merchantId,
          terminalId: input.terminalId,
          score: assessment.score,
          reasons: assessment.reasons,
          ...(assessment.riskScore !== undefined && { riskScore: assessment.riskScore, riskLevel: assessment.riskLevel, modelVersion: assessment.modelVersion }),
          status: 'open',
          createdAt: new Date(this.clock.now()),
        },
      },
      { upsert: true },
    );
  }

  async listOpen(limit: number): Promise<FraudReview[]> {
    return this.reviews.find({ status: 'open' }).sort({ createdAt: -1, _id: -1 }).limit(limit).lean<FraudReview[]>().exec();
  }

  /**
   * Closes an open review and records its verdict as a training label. A `fraud` verdict puts the card on the block list (effective on its next
   * payment) and emits `fraud.card_flagged` so the cards module blocks the card itself.
   */
  async resolve(transactionId: string, verdict: ReviewVerdict, note: string | undefined, actor: string): Promise<FraudReview> {
    const resolved = await this.reviews
      .findOneAndUpdate(
        { transactionId, status: 'open' },
        { $set: { status: 'resolved', verdict, resolvedBy: actor, resolvedAt: new Date(this.clock.now()), ...(note !== undefined && { note }) } },
        { returnDocument: 'after' },
      )
      .lean<FraudReview>()
      .exec();
    if (!resolved) {
      const exists = await this.reviews.exists({ transactionId });
      if (exists) throw new ConflictException(`The review of ${transactionId} is already resolved`);
      throw new NotFoundException(`No review for transaction ${transactionId}`);
    }
    await this.audit.write('review.resolve', actor, { transactionId, verdict, cardUuid: resolved.cardUuid });
    // A training label for the fraud model; the verdict stands even if it cannot be written now.
    await this.labels
      .record({ transactionId, label: verdict === 'fraud' ? 1 : 0, source: 'review', detail: verdict, assessmentId: resolved.assessmentId, actor })
      .catch((error: Error) => this.logger.warn(`label of ${transactionId} (review) not recorded: ${error.message}`));
    if (verdict === 'fraud') {
      const event: FraudCardFlaggedEvent = { cardUuid: resolved.cardUuid, transactionId };
      this.events.emit(FRAUD_CARD_FLAGGED, event);
      // Saved in MongoDB even when Redis is down; the list mirror catches up at its next resync.
      await this.lists.add('card', resolved.cardUuid, `fraud verdict on transaction ${transactionId}`, actor).catch((error: Error) =>
        this.logger.warn(`Card ${resolved.cardUuid} listed but not yet mirrored: ${error.message}`),
      );
    }
    return resolved;
  }
}
