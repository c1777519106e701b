import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { InMemoryFraudCounters } from './counters/in-memory-fraud-counters';
import { fraudConfig, type FraudConfig } from './fraud.config';
import type { FraudDecision, FraudReason } from './fraud.types';
import { FraudClock } from './fraud-clock';
import { FraudListsService } from './fraud-lists.service';
import { FraudRulesPatch, mergeRules, rulesConfigProblem } from './fraud-rules.config';
import { FraudRulesService } from './fraud-rules.service';
import { modelFeatures } from './model/features';
import { FraudModelService } from './model/fraud-model.service';
import { applyModel } from './model/model-rule';
import { evaluateRules } from './rules/rule-engine';
import { FraudAssessmentRecord } from './schemas/fraud-assessment.schema';

export interface BacktestExample {
  assessmentId: string;
  at: Date;
  cardUuid: string;
  merchantId: string;
  terminalId: string;
  amount: number;
  historicalDecision: FraudDecision;
  decision: FraudDecision;
  score: number;
  reasons: FraudReason[];
}

export interface BacktestResult {
  total: number;
  wouldBlock: number;
  wouldReview: number;
  wouldAllow: number;
  /** How many payments the proposal decides differently from what was decided then. */
  changed: number;
  truncated: boolean;
  rulesVersion: number;
  examples: BacktestExample[];
}

const EXAMPLES_PER_DECISION = 10;

/**
 * Replays the stored assessments of the last N days in time order through a proposed rule set
 * (the model rule with the active model included), with fresh in-memory counters and today's
 * block lists. Saves nothing.
 *
 * A replayed payment counts as approved when the proposal does not block it and it was not
 * declined for another reason then (approved, unknown, or declined only by a fraud block).
 */
@Injectable()
export class FraudBacktestService {
  constructor(
    @InjectModel(FraudAssessmentRecord.name) private readonly assessments: Model<FraudAssessmentRecord>,
    private readonly rules: FraudRulesService,
    private readonly lists: FraudListsService,
    private readonly clock: FraudClock,
    @Inject(fraudConfig.KEY) private readonly config: FraudConfig,
    private readonly models: FraudModelService,
  ) {}

  async run(proposal: FraudRulesPatch | undefined, days: number): Promise<BacktestResult> {
    if (days > this.config.backtestMaxDays) throw new BadRequestException(`days must be at most ${this.config.backtestMaxDays}`);
    const base = this.rules.current();
    const config = mergeRules(base.config, proposal);
    const problem = rulesConfigProblem(config);
    if (problem) throw new BadRequestException(problem);

    const counters = new InMemoryFraudCounters(await this.lists.snapshot());
    const result: BacktestResult = { total: 0, wouldBlock: 0, wouldReview: 0, wouldAllow: 0, changed: 0, truncated: false, rulesVersion: base.version, examples: [] };
    const examples: Record<'block' | 'review', BacktestExample[]> = { block: [], review: [] };
    const since = new Date(this.clock.now() - days * 86_400_000);
    const cursor = this.assessments
      .find({ at: { $gte: since } })
      .sort({ at: 1, _id: 1 })
      .limit(this.config.backtestMaxPayments + 1)
      .lean<FraudAssessmentRecord>()
      .cursor();
    for await (const doc of cursor) {
      if (result.total === this.config.backtestMaxPayments) {
        result.truncated = true;
        break;
      }
      const at = new Date(doc.at).getTime();
      const features = counters.read(doc, at, config);
      const x = modelFeatures({ amount: doc.amount, at, cardIssuedAt: doc.cardIssuedAt && new Date(doc.cardIssuedAt).getTime(), mcc: doc.mcc }, features);
      const verdict = applyModel(evaluateRules({ input: doc, features }, config), this.models.score(x), config.rules.model);
      result.total++;
      if (verdict.decision === 'block') result.wouldBlock++;
      else if (verdict.decision === 'review') result.wouldReview++;
      else result.wouldAllow++;
      if (verdict.decision !== doc.decision) result.changed++;
      if (verdict.decision !== 'allow' && examples[verdict.decision].length < EXAMPLES_PER_DECISION) {
        examples[verdict.decision].push({
          assessmentId: doc.assessmentId,
          at: new Date(doc.at),
          cardUuid: doc.cardUuid,
          merchantId: doc.merchantId,
          terminalId: doc.terminalId,
          amount: doc.amount,
          historicalDecision: doc.decision,
          decision: verdict.decision,
          score: verdict.score,
          reasons: verdict.reasons,
        });
      }
      const declinedForOtherReasons = doc.approved === false && doc.decision !== 'block';
      counters.record(doc, at, verdict.decision !== 'block' && !declinedForOtherReasons);
    }
    result.examples = [...examples.block, ...examples.review];
    return result;
  }
}
