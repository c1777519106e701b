import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The folder holding package.json, wherever this file was compiled to (dist/, dist-load/, or run from src/). */
export const projectRoot = findProjectRoot(__dirname);

function findProjectRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  return resolve(from, '..', '..');
}
