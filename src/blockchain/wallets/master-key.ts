import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { generateMasterKey, MasterKeyRing, parseMasterKeys, WalletKeyError } from './wallet-crypto';

export interface MasterKeySource {
  /** WALLET_MASTER_KEY, if set. */
  configured: string | undefined;
  production: boolean;
  /** Where development keeps a generated key (git-ignored). */
  devKeyFile: string;
  warn: (message: string) => void;
}

/**
 * The configured master keys; in production they are required. In development a key is generated
 * once into a local file so wallets created yesterday still decrypt today.
 */
export function resolveMasterKeyRing(source: MasterKeySource): MasterKeyRing {
  if (source.configured) return parseMasterKeys(source.configured);
  if (source.production) throw new WalletKeyError('WALLET_MASTER_KEY is required in production');
  if (!existsSync(source.devKeyFile)) {
    mkdirSync(dirname(source.devKeyFile), { recursive: true });
    writeFileSync(source.devKeyFile, `${generateMasterKey()}\n`, { mode: 0o600 });
  }
  chmodSync(source.devKeyFile, 0o600);
  source.warn(`WALLET_MASTER_KEY is not set: wallet keys are encrypted with a development key from ${source.devKeyFile}; set WALLET_MASTER_KEY outside development`);
  return parseMasterKeys(readFileSync(source.devKeyFile, 'utf8'));
}
