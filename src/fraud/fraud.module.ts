import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CardsModule } from '../cards/cards.module';
import { RedisFraudCounters } from './counters/redis-fraud-counters';
import { FraudService } from './fraud.service';
import { FraudAssessmentsStore } from './fraud-assessments.store';
import { FraudAuditService } from './fraud-audit.service';
import { FraudBacktestService } from './fraud-backtest.service';
import { FraudClock } from './fraud-clock';
import { FraudListsService } from './fraud-lists.service';
import { FraudReviewsService } from './fraud-reviews.service';
import { FraudRulesService } from './fraud-rules.service';
import { FraudAssessmentRecord, FraudAssessmentSchema } from './schemas/fraud-assessment.schema';
import { FraudAuditEntry, FraudAuditSchema } from './schemas/fraud-audit.schema';
import { FraudListEntry, FraudListEntrySchema } from './schemas/fraud-list-entry.schema';
import { FraudReview, FraudReviewSchema } from './schemas/fraud-review.schema';
import { FraudRuleSet, FraudRuleSetSchema } from './schemas/fraud-rule-set.schema';
import { LimitPolicyRecord, LimitPolicySchema } from './limit-policy/limit-policy.schema';
import { LimitPolicyService } from './limit-policy/limit-policy.service';
import { FraudModelService } from './model/fraud-model.service';
import { FraudModelState, FraudModelStateSchema } from './model/schemas';
import { FraudLabel, FraudLabelSchema } from './labels/fraud-label.schema';
import { FraudLabelsService } from './labels/fraud-labels.service';

/**
 * Risk assessment of payments. Needs the global RedisModule (REDIS_CLIENT), MongooseModule.forRoot
 * and EventEmitterModule.forRoot. Payments injects FraudService.
 */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: FraudAssessmentRecord.name, schema: FraudAssessmentSchema },
      { name: FraudRuleSet.name, schema: FraudRuleSetSchema },
      { name: FraudAuditEntry.name, schema: FraudAuditSchema },
      { name: FraudListEntry.name, schema: FraudListEntrySchema },
      { name: FraudReview.name, schema: FraudReviewSchema },
      { name: LimitPolicyRecord.name, schema: LimitPolicySchema },
      { name: FraudModelState.name, schema: FraudModelStateSchema },
      { name: FraudLabel.name, schema: FraudLabelSchema },
    ]),
    CardsModule,
  ],
  providers: [
    FraudClock,
    RedisFraudCounters,
    FraudAuditService,
    FraudRulesService,
    FraudListsService,
    FraudAssessmentsStore,
    FraudLabelsService,
    FraudReviewsService,
    FraudBacktestService,
    LimitPolicyService,
    FraudModelService,
    FraudService,
  ],
  exports: [FraudService, FraudRulesService, FraudListsService, FraudReviewsService, FraudBacktestService, FraudAuditService, FraudAssessmentsStore, LimitPolicyService, FraudModelService],
})
export class FraudModule {}
