import { FEATURE_NAMES } from '../features';
import { BLOCK_AT, type FraudModelFile, REVIEW_AT, scoreWith } from '../scorer';
import { DEFAULT_RULES } from '../../fraud-rules.config';
import { DEFAULT_SIZE, type Sample, seeded, simulate } from './simulator';

export const MODEL_VERSION = 'lr-2026-12-v2';
export const SEED = 20261201;
const EPOCHS = 300;
const LEARNING_RATE = 0.5;
const L2 = 1e-4;
const HELD_OUT = 0.3;
/** Positives weigh this much more: attacks are rare, and a missed one costs more than a review. */
const POSITIVE_WEIGHT = 3;

/** A model trained with recorded outcomes is another model than the seeded one: its version says how many. */
export const versionWith = (recordedOutcomes: number) => (recordedOutcomes ? `${MODEL_VERSION}-o${recordedOutcomes}` : MODEL_VERSION);

/**
 * Logistic regression by full-batch gradient descent on standardised features, everything seeded:
 * the same code and the same recorded outcomes (none by default) give the same file byte for byte.
 * Held-out metrics put the model beside the rules.
 */
export function train(extra: Sample[] = []): FraudModelFile {
  const samples = [...simulate(SEED, DEFAULT_SIZE), ...extra];
  const split = seeded(SEED + 1);
  const trainSet: Sample[] = [];
  const heldOut: Sample[] = [];
  for (const sample of samples) (split() < HELD_OUT ? heldOut : trainSet).push(sample);

  const n = FEATURE_NAMES.length;
  const mean = Array.from({ length: n }, (_, i) => trainSet.reduce((s, x) => s + x.x[i], 0) / trainSet.length);
  const std = mean.map((m, i) => Math.sqrt(trainSet.reduce((s, x) => s + (x.x[i] - m) ** 2, 0) / trainSet.length) || 1);
  const z = trainSet.map((s) => s.x.map((v, i) => (v - mean[i]) / std[i]));
  const weights = new Array<number>(n).fill(0);
  let bias = 0;
  const totalWeight = trainSet.reduce((s, x) => s + (x.label ? POSITIVE_WEIGHT : 1), 0);
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    const grad = new Array<number>(n).fill(0);
    let gradBias = 0;
    for (let k = 0; k < z.length; k++) {
      const row = z[k];
      let logit = bias;
      for (let i = 0; i < n; i++) logit += weights[i] * row[i];
      const w = trainSet[k].label ? POSITIVE_WEIGHT : 1;
      const error = (1 / (1 + Math.exp(-logit)) - trainSet[k].label) * w;
      for (let i = 0; i < n; i++) grad[i] += error * row[i];
      gradBias += error;
    }
    for (let i = 0; i < n; i++) weights[i] -= LEARNING_RATE * (grad[i] / totalWeight + L2 * weights[i]);
    bias -= (LEARNING_RATE * gradBias) / totalWeight;
  }

  const model: FraudModelFile = {
    version: versionWith(extra.length),
    kind: 'logistic_regression',
    features: [...FEATURE_NAMES],
    mean: mean.map(round),
    std: std.map(round),
    weights: weights.map(round),
    bias: round(bias),
    trainedWith: { seed: SEED, simulation: DEFAULT_SIZE, recordedOutcomes: extra.length, samples: samples.length, trainSamples: trainSet.length, heldOutSamples: heldOut.length, epochs: EPOCHS, learningRate: LEARNING_RATE, l2: L2, positiveWeight: POSITIVE_WEIGHT },
    metrics: {},
  };
  model.metrics = evaluate(model, heldOut);
  return model;
}

function evaluate(model: FraudModelFile, heldOut: Sample[]): Record<string, unknown> {
  const modelScores = heldOut.map((s) => scoreWith(model, s.x).riskScore);
  const rulesScores = heldOut.map((s) => s.rulesScore);
  const labels = heldOut.map((s) => s.label);
  const { reviewAt, blockAt } = DEFAULT_RULES.decision;
  return {
    heldOut: { samples: heldOut.length, fraud: labels.filter(Boolean).length },
    model: { auc: round(auc(modelScores, labels)), review: at(modelScores, labels, REVIEW_AT), block: at(modelScores, labels, BLOCK_AT) },
    rules: { auc: round(auc(rulesScores, labels)), review: at(rulesScores, labels, reviewAt), block: at(rulesScores, labels, blockAt) },
  };
}

/** Precision and recall of "score ≥ threshold". */
function at(scores: number[], labels: number[], threshold: number) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  scores.forEach((s, i) => {
    if (s >= threshold && labels[i]) tp++;
    else if (s >= threshold) fp++;
    else if (labels[i]) fn++;
  });
  return { threshold, precision: round(tp / (tp + fp || 1)), recall: round(tp / (tp + fn || 1)), flagged: tp + fp };
}

/** Area under the ROC curve: the chance a random fraud scores above a random normal tap (ties half). */
export function auc(scores: number[], labels: number[]): number {
  const order = scores.map((s, i) => [s, labels[i]] as const).sort((a, b) => a[0] - b[0]);
  let rankSum = 0;
  let positives = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && order[j][0] === order[i][0]) j++;
    const rank = (i + j + 1) / 2;
    for (let k = i; k < j; k++) if (order[k][1]) (rankSum += rank), positives++;
    i = j;
  }
  const negatives = order.length - positives;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives || 1);
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;
