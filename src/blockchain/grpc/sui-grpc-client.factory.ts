import { SuiGrpcClient, type RpcTransport } from '@mysten/sui/grpc';
import type { SuiNetwork } from '../blockchain.config';

export const PUBLIC_GRPC_URLS: Record<SuiNetwork, string> = {
  mainnet: 'https://fullnode.mainnet.sui.io:443',
  testnet: 'https://fullnode.testnet.sui.io:443',
  devnet: 'https://fullnode.devnet.sui.io:443',
};

export interface SuiGrpcClientOptions {
  network: SuiNetwork;
  /** SUI_GRPC_URL; defaults to Mysten's public fullnode of the network. */
  url?: string | null;
  /** Replaces the HTTP layer entirely (tests, custom channels). */
  transport?: RpcTransport;
  /** Replaces only `fetch` under the default gRPC-web transport (proxies, instrumentation). */
  fetch?: typeof fetch;
}

/** The real-network Sui client. Settlement uses only its `core` API, as with the local ledger. */
export function createSuiGrpcClient(options: SuiGrpcClientOptions): SuiGrpcClient {
  if (options.transport) return new SuiGrpcClient({ network: options.network, transport: options.transport });
  return new SuiGrpcClient({ network: options.network, baseUrl: options.url ?? PUBLIC_GRPC_URLS[options.network], fetch: options.fetch });
}
