import { ConfigError, type EnvironmentVariables } from '../config/env.validation';
import { configToken } from '../config/config-token';
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

/** The blockchain section of the configuration, from the validated environment (cross-field rules here). */
export function blockchainSection(env: EnvironmentVariables): BlockchainConfig {
  const network = env.SUI_NETWORK && env.SUI_NETWORK !== 'local' ? env.SUI_NETWORK : null;
  const production = env.NODE_ENV === 'production';
  if (env.SUI_SPONSORED_GAS && network && !env.SUI_GAS_SPONSOR_KEY) {
    throw new ConfigError("Invalid configuration: SUI_GAS_SPONSOR_KEY: SUI_SPONSORED_GAS on a network needs the gas wallet's suiprivkey1… key");
  }
  return {
    network,
    grpcUrl: env.SUI_GRPC_URL ?? null,
    mistPerUnit: BigInt(env.SETTLEMENT_MIST_PER_UNIT),
    walletMasterKey: env.WALLET_MASTER_KEY?.trim() || undefined,
    faucetMist: env.LOCAL_LEDGER_FAUCET_MIST,
    production,
    ...leaseTimes(env),
    ledgerFaults: ledgerFaults(env.LOCAL_LEDGER_FAULTS, network !== null || production),
    sponsoredGas: env.SUI_SPONSORED_GAS,
    gasSponsorKey: env.SUI_GAS_SPONSOR_KEY,
    gasPoolSize: env.SUI_GAS_POOL_SIZE,
  };
}

function ledgerFaults(spec: string | undefined, onRealMoney: boolean): LedgerFault[] {
  let faults: LedgerFault[];
  try {
    faults = parseLedgerFaults(spec);
  } catch (error) {
    throw new ConfigError(`Invalid configuration: ${(error as Error).message}`);
  }
  if (faults.length && onRealMoney) throw new ConfigError('Invalid configuration: LOCAL_LEDGER_FAULTS: is for local-ledger drills only, never on a network or in production');
  return faults;
}

function leaseTimes(env: EnvironmentVariables): Pick<BlockchainConfig, 'walletLeaseTtlMs' | 'submitTimeoutMs'> {
  const { WALLET_LEASE_TTL_MS: walletLeaseTtlMs, SUI_SUBMIT_TIMEOUT_MS: submitTimeoutMs } = env;
  const minimum = submitTimeoutMs + LEASE_MARGIN_MS + LEASE_HEADROOM_MS;
  if (walletLeaseTtlMs < minimum) {
    throw new ConfigError(`Invalid configuration: WALLET_LEASE_TTL_MS: must be at least SUI_SUBMIT_TIMEOUT_MS + ${LEASE_MARGIN_MS + LEASE_HEADROOM_MS} (${minimum}), got ${walletLeaseTtlMs}`);
  }
  return { walletLeaseTtlMs, submitTimeoutMs };
}

export const blockchainConfig = configToken('blockchain');
