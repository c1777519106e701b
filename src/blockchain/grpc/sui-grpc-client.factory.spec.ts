import { RpcError, type RpcTransport } from '@mysten/sui/grpc';
import { classifyFailure } from '../settlement/classify-failure';
import { createSuiGrpcClient } from './sui-grpc-client.factory';

/** Answers gRPC methods by name, as a fullnode would, without any network. */
function fakeTransport(answers: Record<string, (input: unknown) => unknown>): RpcTransport & { calls: string[] } {
  const calls: string[] = [];
  const streaming = () => {
    throw new Error('streaming is not used by settlement');
  };
  return {
    serverStreaming: streaming,
    clientStreaming: streaming,
    duplex: streaming,
    calls,
    mergeOptions: (options) => options ?? {},
    unary: ((method: { name: string }, input: unknown) => {
      calls.push(method.name);
      const answer = answers[method.name];
      return Promise.resolve().then(() => {
        if (!answer) throw new RpcError(`${method.name} not faked`, 'UNIMPLEMENTED');
        return { response: answer(input), status: { code: 'OK', detail: '' }, headers: {}, trailers: {} };
      });
    }) as unknown as RpcTransport['unary'],
  } as RpcTransport & { calls: string[] };
}

describe('createSuiGrpcClient', () => {
  it('reads the reference gas price through client.core', async () => {
    const transport = fakeTransport({ GetEpoch: () => ({ epoch: { referenceGasPrice: 750n } }) });
    const client = createSuiGrpcClient({ network: 'testnet', transport });

    expect(client.network).toBe('testnet');
    await expect(client.core.getReferenceGasPrice()).resolves.toEqual({ referenceGasPrice: '750' });
    expect(transport.calls).toEqual(['GetEpoch']);
  });

  it('reports an unknown digest as notFound, the signal settlement resubmits on', async () => {
    const transport = fakeTransport({
      GetTransaction: () => {
        throw new RpcError('transaction not found', 'NOT_FOUND');
      },
    });
    const client = createSuiGrpcClient({ network: 'mainnet', transport });

    await expect(client.core.getTransaction({ digest: 'GpijpsQ6NF2CMCM2fuuyGHv5v3oxquDZQv4XcoNCjHMV' })).rejects.toMatchObject({ reason: 'notFound' });
  });

  it('surfaces node errors that settlement classifies', async () => {
    const transport = fakeTransport({
      ExecuteTransaction: () => {
        throw new RpcError('upstream connect error', 'UNAVAILABLE');
      },
    });
    const client = createSuiGrpcClient({ network: 'devnet', transport });
    const error = await client.core.executeTransaction({ transaction: new Uint8Array([0]), signatures: [] }).catch((e: unknown) => e);

    expect(classifyFailure(error)).toMatchObject({ code: 'NETWORK', kind: 'transient' });
  });

  it.each([
    ['testnet', undefined, 'https://fullnode.testnet.sui.io:443/'],
    ['mainnet', 'https://sui-grpc.example.com', 'https://sui-grpc.example.com/'],
  ] as const)('sends %s requests to the configured or public endpoint', async (network, url, expected) => {
    const requested: string[] = [];
    const fetch = (async (input: string | URL | Request) => {
      requested.push(String(input instanceof Request ? input.url : input));
      throw new TypeError('fetch failed');
    }) as typeof globalThis.fetch;
    const client = createSuiGrpcClient({ network, url, fetch });

    const error = await client.core.getReferenceGasPrice().catch((e: unknown) => e);
    expect(requested[0]).toMatch(new RegExp(`^${expected.replace(/[.]/g, '\\.')}sui\\.rpc\\.v2\\.LedgerService/GetEpoch$`));
    expect(classifyFailure(error).kind).toBe('transient');
  });
});
