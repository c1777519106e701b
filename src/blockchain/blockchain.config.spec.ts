import { parseBlockchainEnv } from './blockchain.config';

describe('blockchain config', () => {
  it('defaults to the local ledger with the documented amounts', () => {
    expect(parseBlockchainEnv({})).toEqual({
      network: null,
      grpcUrl: null,
      mistPerUnit: 1000n,
      walletMasterKey: undefined,
      faucetMist: 1_000_000_000_000n,
      production: false,
    });
  });

  it('reads a network, an endpoint and amounts', () => {
    const config = parseBlockchainEnv({
      SUI_NETWORK: 'testnet',
      SUI_GRPC_URL: 'https://grpc.example:443',
      SETTLEMENT_MIST_PER_UNIT: '2000',
      LOCAL_LEDGER_FAUCET_MIST: '1_000_000',
      NODE_ENV: 'production',
    });
    expect(config).toMatchObject({ network: 'testnet', grpcUrl: 'https://grpc.example:443', mistPerUnit: 2000n, faucetMist: 1_000_000n, production: true });
  });

  it('refuses unknown networks, bad URLs and non-positive amounts', () => {
    expect(() => parseBlockchainEnv({ SUI_NETWORK: 'localnet' })).toThrow(/SUI_NETWORK/);
    expect(() => parseBlockchainEnv({ SUI_GRPC_URL: 'fullnode' })).toThrow(/SUI_GRPC_URL/);
    expect(() => parseBlockchainEnv({ SETTLEMENT_MIST_PER_UNIT: '0' })).toThrow(/SETTLEMENT_MIST_PER_UNIT/);
    expect(() => parseBlockchainEnv({ LOCAL_LEDGER_FAUCET_MIST: '-5' })).toThrow(/LOCAL_LEDGER_FAUCET_MIST/);
  });
});
