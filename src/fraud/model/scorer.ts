import { FEATURE_NAMES } from './features';

/** A trained model as stored in models/<version>.json. */
export interface FraudModelFile {
  version: string;
  kind: 'logistic_regression';
  features: string[];
  /** Standardisation of each feature, then one weight per feature. */
  mean: number[];
  std: number[];
  weights: number[];
  bias: number;
  trainedWith: Record<string, unknown>;
  metrics: Record<string, unknown>;
}

export type RiskLevel = 'normal' | 'elevated' | 'highest';

export interface ModelScore {
  version: string;
  riskScore: number;
  riskLevel: RiskLevel;
  /** The features that pushed the score up most, with their share of the logit. */
  topFeatures: { feature: string; contribution: number }[];
}

export const REVIEW_AT = 65;
export const BLOCK_AT = 75;
const TOP = 3;

export function riskLevelOf(riskScore: number, reviewAt = REVIEW_AT, blockAt = BLOCK_AT): RiskLevel {
  if (riskScore >= blockAt) return 'highest';
  if (riskScore >= reviewAt) return 'elevated';
  return 'normal';
}

/** Plain arithmetic over the file: a dozen multiply-adds and one exp. */
export function scoreWith(model: FraudModelFile, x: number[]): ModelScore {
  let logit = model.bias;
  const contributions: { feature: string; contribution: number }[] = [];
  for (let i = 0; i < model.weights.length; i++) {
    const c = (model.weights[i] * (x[i] - model.mean[i])) / model.std[i];
    logit += c;
    contributions.push({ feature: model.features[i], contribution: round(c) });
  }
  const p = 1 / (1 + Math.exp(-logit));
  const riskScore = Math.min(99, Math.floor(p * 100));
  const topFeatures = contributions.filter((c) => c.contribution > 0).sort((a, b) => b.contribution - a.contribution).slice(0, TOP);
  return { version: model.version, riskScore, riskLevel: riskLevelOf(riskScore), topFeatures };
}

/** Whether a file was trained on the features this code computes, in this order. */
export function matchesFeatures(model: FraudModelFile): boolean {
  return model.features.length === FEATURE_NAMES.length && model.features.every((f, i) => f === FEATURE_NAMES[i]);
}

const round = (n: number) => Math.round(n * 1000) / 1000;
