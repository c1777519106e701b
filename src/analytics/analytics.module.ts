import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AnalyticsFacts } from './analytics-facts';
import { AnalyticsListener } from './analytics.listener';
import { AnalyticsService } from './analytics.service';
import { RollupFolder } from './rollup-folder';
import { AnalyticsFact, AnalyticsFactSchema, AnalyticsRollup, AnalyticsRollupSchema, FoldedFact, FoldedFactSchema, FoldJournal, FoldJournalSchema } from './schemas/analytics.schemas';

/**
 * Payment figures: facts recorded from domain events (every process that changes payments), folded
 * into rollup buckets by the worker role's periodic work, read by the API role's controller.
 */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: AnalyticsFact.name, schema: AnalyticsFactSchema },
      { name: AnalyticsRollup.name, schema: AnalyticsRollupSchema },
      { name: FoldedFact.name, schema: FoldedFactSchema },
      { name: FoldJournal.name, schema: FoldJournalSchema },
    ]),
  ],
  providers: [AnalyticsFacts, AnalyticsListener, AnalyticsService, RollupFolder],
  exports: [AnalyticsService, RollupFolder],
})
export class AnalyticsModule {}
