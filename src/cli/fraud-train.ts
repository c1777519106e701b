import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../config/project-root';
import { train } from '../fraud/model/training/train';

/** `npm run fraud:train`: trains the fraud model (fixed seed) and writes src/fraud/model/models/<version>.json. */
function main(): void {
  const started = performance.now();
  const model = train();
  const file = join(projectRoot, 'src', 'fraud', 'model', 'models', `${model.version}.json`);
  writeFileSync(file, `${JSON.stringify(model, null, 2)}\n`);
  console.log(`wrote ${file} in ${Math.round(performance.now() - started)} ms`);
  console.log(JSON.stringify(model.metrics, null, 2));
}

main();
