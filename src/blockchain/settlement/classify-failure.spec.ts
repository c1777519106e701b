import { RpcError } from '@mysten/sui/grpc';
import { LocalLedgerError } from '../local-ledger/local-ledger.error';
import { classifyFailure, onChainFailure } from './classify-failure';
import { SettlementError } from './settlement.error';

describe('classifyFailure', () => {
  it.each([
    [new LocalLedgerError('ObjectVersionUnavailableForConsumption', 'Object ID 0x1 Version 3 Digest x is not available for consumption, current version: 4'), 'STALE_OBJECT', 'transient'],
    [new Error('Transaction is denied due to conflicting transaction(s)'), 'STALE_OBJECT', 'transient'],
    [new RpcError('upstream connect error', 'UNAVAILABLE'), 'NETWORK', 'transient'],
    [new RpcError('deadline', 'DEADLINE_EXCEEDED'), 'TIMEOUT', 'transient'],
    [new TypeError('fetch failed'), 'NETWORK', 'transient'],
    [new LocalLedgerError('GasBalanceTooLow', 'Balance of gas object 5 is lower than the needed amount: 10'), 'INSUFFICIENT_BALANCE', 'permanent'],
    [new LocalLedgerError('InvalidSignature', 'Signature is not valid: bad'), 'INVALID_SIGNATURE', 'permanent'],
    [Object.assign(new Error('wallet key could not be decrypted'), { name: 'WalletKeyError' }), 'WALLET_KEY', 'permanent'],
    [new Error('something nobody expected'), 'UNKNOWN', 'transient'],
  ])('%s → %s (%s)', (error, code, kind) => {
    expect(classifyFailure(error)).toMatchObject({ code, kind });
  });

  it('keeps settlement errors as they are', () => {
    const error = new SettlementError('INVALID_ADDRESS', 'bad');
    expect(classifyFailure(error)).toBe(error);
    expect(error.retryable).toBe(false);
  });

  it('makes on-chain failures permanent and keeps the digest and fee', () => {
    expect(onChainFailure('InsufficientCoinBalance: Insufficient coin balance for operation.', 'D1', '9880')).toMatchObject({
      code: 'INSUFFICIENT_BALANCE',
      kind: 'permanent',
      onChain: { txHash: 'D1', gasFeeMist: '9880' },
    });
    expect(onChainFailure('MoveAbort in 0x2::coin', 'D2', '1')).toMatchObject({ code: 'EXECUTION_FAILED', kind: 'permanent' });
  });
});
