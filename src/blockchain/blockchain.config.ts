import { registerAs } from '@nestjs/config';

export const SUI_NETWORKS = ['testnet', 'mainnet', 'devnet'] as const;
export type SuiNetwork = (typeof SUI_NETWORKS)[number];

export interface BlockchainConfig {
  /** null: no Sui node, settle on the local ledger. */
  network: SuiNetwork | null;
  /** gRPC endpoint; null picks the public fullnode of `network`. */
  grpcUrl: string | null;
  /** MIST settled per minor unit of the card currency. */
  mistPerUnit: bigint;
  walletMasterKey: string | undefined;
  /** What the local faucet gives each new wallet. */
  faucetMist: bigint;
  production: boolean;
}

export function parseBlockchainEnv(env: NodeJS.ProcessEnv): BlockchainConfig {
  const network = env.SUI_NETWORK?.trim() || null;
  if (network !== null && !(SUI_NETWORKS as readonly string[]).includes(network)) {
    throw new Error(`SUI_NETWORK must be one of ${SUI_NETWORKS.join(', ')} (or unset for the local ledger), got "${network}"`);
  }
  const grpcUrl = env.SUI_GRPC_URL?.trim() || null;
  if (grpcUrl !== null && !/^https?:\/\/\S+$/.test(grpcUrl)) throw new Error(`SUI_GRPC_URL must be an http(s) URL, got "${grpcUrl}"`);
  return {
    network: network as SuiNetwork | null,
    grpcUrl,
    mistPerUnit: positiveInteger(env, 'SETTLEMENT_MIST_PER_UNIT', 1000n),
    walletMasterKey: env.WALLET_MASTER_KEY?.trim() || undefined,
    faucetMist: positiveInteger(env, 'LOCAL_LEDGER_FAUCET_MIST', 1_000_000_000_000n),
    production: env.NODE_ENV === 'production',
  };
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: bigint): bigint {
  const raw = env[name]?.trim().replace(/_/g, '');
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw) || BigInt(raw) === 0n) throw new Error(`${name} must be a positive integer, got "${env[name]}"`);
  return BigInt(raw);
}

export const blockchainConfig = registerAs('blockchain', (): BlockchainConfig => parseBlockchainEnv(process.env));
