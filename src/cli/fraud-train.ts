import '../require-node-24';
import mongoose from 'mongoose';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfiguration } from '../config/app.config';
import { processEnvironment } from '../config/environment';
import { ConfigError } from '../config/env.validation';
import { projectRoot } from '../config/project-root';
import { type RecordedLabel, samplesFromLabels } from '../fraud/model/training/recorded-outcomes';
import type { Sample } from '../fraud/model/training/simulator';
import { train } from '../fraud/model/training/train';

const USAGE = 'usage: npm run fraud:train [-- --outcomes]   (--outcomes also trains on the labels recorded in MONGODB_URI)';

/**
 * `npm run fraud:train`: trains the fraud model on the seeded simulation alone and writes
 * src/fraud/model/models/<version>.json, the same file every time. With `--outcomes` it adds the
 * labels the deployment recorded (fraud_labels in MONGODB_URI: reviews closed as fraud or
 * legitimate, refunds asked as fraudulent); with any, the model is another version
 * (`<version>-o<count>`), a new file beside the bundled one.
 */
async function main(): Promise<void> {
  const values = options();
  const started = performance.now();
  const extra = values.outcomes ? await recordedOutcomes() : [];
  const model = train(extra);
  const file = join(projectRoot, 'src', 'fraud', 'model', 'models', `${model.version}.json`);
  writeFileSync(file, `${JSON.stringify(model, null, 2)}\n`);
  console.log(`wrote ${file} in ${Math.round(performance.now() - started)} ms`);
  console.log(JSON.stringify(model.metrics, null, 2));
  if (extra.length) console.log(`${model.version} is not bundled until it is added to src/fraud/model/models/index.ts; it then runs in shadow until activated`);
}

function options(): { outcomes: boolean } {
  try {
    return parseArgs({ options: { outcomes: { type: 'boolean', default: false } } }).values;
  } catch {
    throw new ConfigError(USAGE);
  }
}

async function recordedOutcomes(): Promise<Sample[]> {
  const env = processEnvironment();
  if (!env.MONGODB_URI) throw new ConfigError(`Set MONGODB_URI to the deployment's database to train on its recorded outcomes\n${USAGE}`);
  const { database } = loadConfiguration({ ...env, LOG_LEVEL: 'warn' });
  const connection = await mongoose.createConnection(database.uri, { dbName: database.dbName }).asPromise();
  try {
    const labels = await connection.collection<RecordedLabel>('fraud_labels').find({}, { projection: { label: 1, features: 1, rulesScore: 1 } }).toArray();
    const { samples, skipped } = samplesFromLabels(labels);
    console.log(`recorded outcomes: ${samples.length} used, ${skipped} without this model's features`);
    return samples;
  } finally {
    await connection.close();
  }
}

main().catch((error: Error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exitCode = 1;
});
