import { registerAs } from '@nestjs/config';
import { type LedgerFault, parseLedgerFaults } from './local-ledger/ledger-faults';

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
  /** How long a settlement holds its wallet; a crashed holder's wallet is free again after this. */
  walletLeaseTtlMs: number;
  /** How long one submission to the chain may take. */
  submitTimeoutMs: number;
  /** Failure drills on the local ledger (LOCAL_LEDGER_FAULTS). */
  ledgerFaults: LedgerFault[];
  /** SUI_SPONSORED_GAS: a platform wallet pays every settlement's gas; the user's wallet pays only the amount. */
  sponsoredGas: boolean;
  /** SUI_GAS_SPONSOR_KEY (`suiprivkey1…`, Ed25519): the sponsor on a network; local mode makes its own. */
  gasSponsorKey: string | undefined;
  /** SUI_GAS_POOL_SIZE: how many sponsor coins settlements spread over, i.e. how many run at once. */
  gasPoolSize: number;
}

/** The gas budget of one settlement (a split and a transfer cost about 2 000 000 MIST). */
export const GAS_BUDGET_MIST = 10_000_000n;

/** A submission starts only if the wallet lease outlives its timeout by this much (see SettlementService). */
export const LEASE_MARGIN_MS = 5_000;
/** Time a lease must leave, beyond that, to build and sign before submitting. */
const LEASE_HEADROOM_MS = 5_000;

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
    ...leaseTimes(env),
    ledgerFaults: ledgerFaults(env, network),
    ...gasSponsorship(env, network),
  };
}

function gasSponsorship(env: NodeJS.ProcessEnv, network: string | null): Pick<BlockchainConfig, 'sponsoredGas' | 'gasSponsorKey' | 'gasPoolSize'> {
  const flag = env.SUI_SPONSORED_GAS?.trim().toLowerCase() || 'false';
  if (flag !== 'true' && flag !== 'false') throw new Error(`SUI_SPONSORED_GAS must be true or false, got "${env.SUI_SPONSORED_GAS}"`);
  const sponsoredGas = flag === 'true';
  const gasSponsorKey = env.SUI_GAS_SPONSOR_KEY?.trim() || undefined;
  if (sponsoredGas && network && !gasSponsorKey) throw new Error('SUI_SPONSORED_GAS on a network needs SUI_GAS_SPONSOR_KEY (the gas wallet\'s suiprivkey1… key)');
  return { sponsoredGas, gasSponsorKey, gasPoolSize: Number(positiveInteger(env, 'SUI_GAS_POOL_SIZE', 16n)) };
}

function ledgerFaults(env: NodeJS.ProcessEnv, network: string | null): LedgerFault[] {
  const faults = parseLedgerFaults(env.LOCAL_LEDGER_FAULTS);
  if (faults.length && (network || env.NODE_ENV === 'production')) throw new Error('LOCAL_LEDGER_FAULTS is for local-ledger drills only, never on a network or in production');
  return faults;
}

function leaseTimes(env: NodeJS.ProcessEnv): Pick<BlockchainConfig, 'walletLeaseTtlMs' | 'submitTimeoutMs'> {
  const walletLeaseTtlMs = Number(positiveInteger(env, 'WALLET_LEASE_TTL_MS', 30_000n));
  const submitTimeoutMs = Number(positiveInteger(env, 'SUI_SUBMIT_TIMEOUT_MS', 15_000n));
  const minimum = submitTimeoutMs + LEASE_MARGIN_MS + LEASE_HEADROOM_MS;
  if (walletLeaseTtlMs < minimum) {
    throw new Error(`WALLET_LEASE_TTL_MS must be at least SUI_SUBMIT_TIMEOUT_MS + ${LEASE_MARGIN_MS + LEASE_HEADROOM_MS} (${minimum}), got ${walletLeaseTtlMs}`);
  }
  return { walletLeaseTtlMs, submitTimeoutMs };
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: bigint): bigint {
  const raw = env[name]?.trim().replace(/_/g, '');
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw) || BigInt(raw) === 0n) throw new Error(`${name} must be a positive integer, got "${env[name]}"`);
  return BigInt(raw);
}

export const blockchainConfig = registerAs('blockchain', (): BlockchainConfig => parseBlockchainEnv(process.env));
