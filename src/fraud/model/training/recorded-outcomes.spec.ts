import { FEATURE_NAMES } from '../features';
import { samplesFromLabels } from './recorded-outcomes';
import { MODEL_VERSION, train } from './train';

const features = (value: number) => Object.fromEntries(FEATURE_NAMES.map((name) => [name, value]));

describe('recorded outcomes as training samples', () => {
  it('turns labels into samples in transaction order, skipping those without every feature', () => {
    const { samples, skipped } = samplesFromLabels([
      { _id: 'tx-b', label: 0, features: features(2), rulesScore: 10 },
      { _id: 'tx-a', label: 1, features: features(1), rulesScore: 55 },
      { _id: 'tx-c', label: 1 },
      { _id: 'tx-d', label: 1, features: { log_amount: 5 } },
    ]);
    expect(skipped).toBe(2);
    expect(samples).toEqual([
      { x: FEATURE_NAMES.map(() => 1), label: 1, scenario: 'recorded', rulesScore: 55 },
      { x: FEATURE_NAMES.map(() => 2), label: 0, scenario: 'recorded', rulesScore: 10 },
    ]);
  });

  it('trains on them beside the simulation as another version, saying how many', () => {
    const { samples } = samplesFromLabels([
      { _id: 'tx-a', label: 1, features: features(1), rulesScore: 55 },
      { _id: 'tx-b', label: 0, features: features(0), rulesScore: 0 },
    ]);
    const model = train(samples);
    expect(model.version).toBe(`${MODEL_VERSION}-o2`);
    expect(model.trainedWith).toMatchObject({ recordedOutcomes: 2 });
  }, 60_000);
});
