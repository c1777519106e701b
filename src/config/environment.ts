import { existsSync } from 'node:fs';

/**
 * The process environment, with a `.env` file in the working directory loaded under it (variables
 * already set win). The one place the app reads process.env; everything else gets configuration.
 */
export function processEnvironment(): Record<string, string | undefined> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  return { ...process.env };
}
