import 'reflect-metadata';
import { validateEnvironment } from '../config/env.validation';
import { blockchainSection } from './blockchain.config';
import { PRODUCTION_ENVIRONMENT } from '../config/production-environment.fixture';

const parseBlockchainEnv = (raw: Record<string, string>) => blockchainSection(validateEnvironment(raw));

describe('blockchain config', () => {
  it('defaults to the local ledger with the documented amounts', () => {
    expect(parseBlockchainEnv({})).toEqual({
      network: null,
      grpcUrl: null,
      mistPerUnit: 1000n,
      walletMasterKey: undefined,
      faucetMist: 1_000_000_000_000n,
      production: false,
      walletLeaseTtlMs: 30_000,
      submitTimeoutMs: 15_000,
      ledgerFaults: [],
      sponsoredGas: false,
      gasSponsorKey: undefined,
      gasPoolSize: 16,
    });
  });

  it('reads sponsored gas behind its flag, and needs the sponsor key on a network', () => {
    expect(parseBlockchainEnv({ SUI_SPONSORED_GAS: 'true', SUI_GAS_POOL_SIZE: '4' })).toMatchObject({ sponsoredGas: true, gasSponsorKey: undefined, gasPoolSize: 4 });
    expect(() => parseBlockchainEnv({ SUI_SPONSORED_GAS: 'maybe' })).toThrow(/SUI_SPONSORED_GAS/);
    expect(() => parseBlockchainEnv({ SUI_SPONSORED_GAS: 'true', SUI_NETWORK: 'testnet' })).toThrow(/SUI_GAS_SPONSOR_KEY: SUI_SPONSORED_GAS on a network needs/);
    expect(parseBlockchainEnv({ SUI_SPONSORED_GAS: 'true', SUI_NETWORK: 'testnet', SUI_GAS_SPONSOR_KEY: 'suiprivkey1abc' })).toMatchObject({ gasSponsorKey: 'suiprivkey1abc' });
  });

  it('reads failure drills for the local ledger only', () => {
    expect(parseBlockchainEnv({ LOCAL_LEDGER_FAULTS: '1313000:transient:2,1717000:permanent,1414000:hang-before,1515000:hang-after:3' }).ledgerFaults).toEqual([
      { amountMist: 1_313_000n, kind: 'transient', times: 2 },
      { amountMist: 1_717_000n, kind: 'permanent', times: Infinity },
      { amountMist: 1_414_000n, kind: 'hang-before', times: 1 },
      { amountMist: 1_515_000n, kind: 'hang-after', times: 3 },
    ]);
    expect(() => parseBlockchainEnv({ LOCAL_LEDGER_FAULTS: '1313000:sometimes' })).toThrow(/LOCAL_LEDGER_FAULTS/);
    expect(() => parseBlockchainEnv({ LOCAL_LEDGER_FAULTS: '1:permanent', SUI_NETWORK: 'testnet' })).toThrow(/never on a network/);
  });

  it('refuses a wallet lease that could lapse during a submission', () => {
    expect(() => parseBlockchainEnv({ WALLET_LEASE_TTL_MS: '10999', SUI_SUBMIT_TIMEOUT_MS: '1000' })).toThrow(/WALLET_LEASE_TTL_MS: must be at least/);
    expect(parseBlockchainEnv({ WALLET_LEASE_TTL_MS: '11000', SUI_SUBMIT_TIMEOUT_MS: '1000' })).toMatchObject({ walletLeaseTtlMs: 11000, submitTimeoutMs: 1000 });
  });

  it('reads a network, an endpoint and amounts', () => {
    const config = parseBlockchainEnv({
      ...PRODUCTION_ENVIRONMENT,
      SUI_NETWORK: 'testnet',
      SUI_GRPC_URL: 'https://grpc.example:443',
      SETTLEMENT_MIST_PER_UNIT: '2000',
      LOCAL_LEDGER_FAUCET_MIST: '1_000_000',
    });
    expect(config).toMatchObject({ network: 'testnet', grpcUrl: 'https://grpc.example:443', mistPerUnit: 2000n, faucetMist: 1_000_000n, production: true });
  });

  it('treats SUI_NETWORK=local as the local ledger, said on purpose', () => {
    expect(parseBlockchainEnv({ SUI_NETWORK: 'local' }).network).toBeNull();
  });

  it('refuses unknown networks, bad URLs and non-positive amounts', () => {
    expect(() => parseBlockchainEnv({ SUI_NETWORK: 'localnet' })).toThrow(/SUI_NETWORK/);
    expect(() => parseBlockchainEnv({ SUI_GRPC_URL: 'fullnode' })).toThrow(/SUI_GRPC_URL/);
    expect(() => parseBlockchainEnv({ SETTLEMENT_MIST_PER_UNIT: '0' })).toThrow(/SETTLEMENT_MIST_PER_UNIT/);
    expect(() => parseBlockchainEnv({ LOCAL_LEDGER_FAUCET_MIST: '-5' })).toThrow(/LOCAL_LEDGER_FAUCET_MIST/);
  });
});
