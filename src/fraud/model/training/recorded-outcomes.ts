import type { FraudLabel } from '../../labels/fraud-label.schema';
import { FEATURE_NAMES } from '../features';
import type { Sample } from './simulator';

export type RecordedLabel = Pick<FraudLabel, 'label' | 'features' | 'rulesScore'> & { _id: string };

/**
 * Labels recorded by the system (fraud_labels) as training samples, in transaction id order so the
 * same labels give the same model. A label is used only when its features were computed with every
 * feature this code trains on (older assessments lack the newer ones).
 */
export function samplesFromLabels(labels: RecordedLabel[]): { samples: Sample[]; skipped: number } {
  const samples: Sample[] = [];
  let skipped = 0;
  for (const label of [...labels].sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0))) {
    const features = label.features;
    if (!features || !FEATURE_NAMES.every((name) => typeof features[name] === 'number')) {
      skipped++;
      continue;
    }
    samples.push({ x: FEATURE_NAMES.map((name) => features[name]), label: label.label, scenario: 'recorded', rulesScore: label.rulesScore ?? 0 });
  }
  return { samples, skipped };
}
