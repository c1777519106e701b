import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FEATURE_NAMES, modelFeatures } from './features';
import { BUNDLED_MODELS } from './models';
import { type FraudModelFile, matchesFeatures, scoreWith } from './scorer';
import { train } from './training/train';

const file = (version: string): FraudModelFile => JSON.parse(readFileSync(join(__dirname, 'models', `${version}.json`), 'utf8'));
const quiet = { cardApprovedLastMinute: 0, cardApprovedLastHour: 1, recentAmounts: [70_000, 80_000, 75_000], recentTerminals: ['t1'], recentMerchants: ['m1'], terminalSeenBefore: true, lastApprovedAt: Date.UTC(2026, 11, 1, 1), cardDeclines: 0, terminalDeclinedCards: 0, callerDeclines: 0, listed: { card: false, terminal: false, merchant: false } };
const at = Date.UTC(2026, 11, 1, 5);

describe('fraud model scorer', () => {
  const model = BUNDLED_MODELS.at(-1)!;

  it('is trained on the features this code computes, and scores as the file says', () => {
    expect(matchesFeatures(model)).toBe(true);
    const x = modelFeatures({ amount: 75_000, at }, quiet);
    expect(x).toHaveLength(FEATURE_NAMES.length);
    const logit = model.bias + model.weights.reduce((sum, w, i) => sum + (w * (x[i] - model.mean[i])) / model.std[i], 0);
    const score = scoreWith(model, x);
    expect(score.riskScore).toBe(Math.min(99, Math.floor(100 / (1 + Math.exp(-logit)))));
    expect(score.version).toBe(model.version);
  });

  it('scores a card spending fast across merchants as highest and a regular payment as normal, naming the features', () => {
    const fast = scoreWith(model, modelFeatures({ amount: 300_000, at }, { ...quiet, cardApprovedLastMinute: 3, cardApprovedLastHour: 3, recentTerminals: ['a', 'b', 'c'], recentMerchants: ['a', 'b', 'c'] }));
    expect(fast).toMatchObject({ riskLevel: 'highest' });
    expect(fast.topFeatures.map((f) => f.feature)).toContain('taps_last_minute');
    expect(scoreWith(model, modelFeatures({ amount: 75_000, at }, quiet))).toMatchObject({ riskLevel: 'normal' });
  });

  it('reads time since the last tap, card age and merchant category: a fresh card spending big at an electronics shop scores above an old card at a grocery', () => {
    const first = { ...quiet, recentAmounts: [], recentTerminals: [], recentMerchants: [], terminalSeenBefore: false, cardApprovedLastHour: 0, lastApprovedAt: null };
    const fresh = modelFeatures({ amount: 5_000_000, at, cardIssuedAt: at - 3_600_000, mcc: '5732' }, first);
    const old = modelFeatures({ amount: 5_000_000, at, cardIssuedAt: at - 400 * 86_400_000, mcc: '5411' }, first);
    const named = (x: number[]) => Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, x[i]]));
    expect(named(fresh)).toMatchObject({ mcc_high_risk: 1, log_card_age_days: Math.log1p(1 / 24), log_minutes_since_last_tap: Math.log1p(90 * 24 * 60) });
    expect(named(old)).toMatchObject({ mcc_high_risk: 0, log_card_age_days: Math.log1p(400) });
    expect(named(modelFeatures({ amount: 75_000, at }, quiet))).toMatchObject({ log_minutes_since_last_tap: Math.log1p(240), log_card_age_days: Math.log1p(365), mcc_high_risk: 0 });
    expect(scoreWith(model, fresh).riskScore).toBeGreaterThan(scoreWith(model, old).riskScore);
  });

  it('reproduces the bundled file from the training code (npm run fraud:train, fixed seed)', () => {
    expect(train()).toEqual(file(model.version));
  }, 60_000);
});
