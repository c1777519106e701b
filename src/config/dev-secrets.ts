import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { projectRoot } from '../embedded/embedded-servers';

const file = join(process.env.NFCPAY_CACHE_DIR ?? join(projectRoot, '.cache'), 'dev-secrets.json');

/**
 * Outside production a secret that was not configured is generated once into a git-ignored file,
 * so every local instance (API and worker processes) agrees on it and restarts keep tokens valid.
 */
export function developmentSecret(name: string): string {
  const secrets: Record<string, string> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  if (!secrets[name]) {
    secrets[name] = randomBytes(48).toString('base64url');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets[name];
}
