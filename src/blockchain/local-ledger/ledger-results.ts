import type { SuiClientTypes } from '@mysten/sui/client';
import { TransactionDataBuilder } from '@mysten/sui/transactions';
import { fromBase64 } from '@mysten/sui/utils';
import { normalizeStructTag } from '@mysten/sui/utils';
import { SUI_BALANCE_TYPE, SUI_COIN_TYPE } from './ledger-costs';
import { ChangedCoin, CoinState, TransactionRecord } from './ledger-records';

export const LOCAL_EPOCH = '0';
const SUI = normalizeStructTag(SUI_BALANCE_TYPE);

export function addressOwner(address: string): SuiClientTypes.ObjectOwner {
  return { $kind: 'AddressOwner', AddressOwner: address };
}

export function toCoin(coin: CoinState): SuiClientTypes.Coin {
  return {
    objectId: coin.objectId,
    version: String(coin.version),
    digest: coin.digest,
    owner: addressOwner(coin.owner),
    type: SUI_COIN_TYPE,
    balance: String(coin.balance),
  };
}

/** Renders a stored record the way a node answers, with only the parts `include` asks for. */
export function toTransactionResult<Include extends SuiClientTypes.TransactionInclude>(
  record: TransactionRecord,
  include: Include | undefined,
): SuiClientTypes.TransactionResult<Include> {
  const status = toStatus(record);
  const transaction = {
    digest: record.digest,
    signatures: record.signatures,
    epoch: LOCAL_EPOCH,
    timestampMs: null,
    checkpoint: null,
    status,
    balanceChanges: include?.balanceChanges
      ? record.balanceChanges.map((change) => ({ coinType: SUI, address: change.address, amount: change.amount }))
      : undefined,
    effects: include?.effects ? toEffects(record, status) : undefined,
    events: include?.events ? [] : undefined,
    objectTypes: include?.objectTypes ? Object.fromEntries(record.changed.map((c) => [c.objectId, SUI_COIN_TYPE])) : undefined,
    transaction: include?.transaction ? TransactionDataBuilder.fromBytes(fromBase64(record.bytes)).snapshot() : undefined,
    bcs: include?.bcs ? fromBase64(record.bytes) : undefined,
  } as SuiClientTypes.Transaction<Include>;
  return (
    record.failure ? { $kind: 'FailedTransaction', FailedTransaction: transaction } : { $kind: 'Transaction', Transaction: transaction }
  ) as SuiClientTypes.TransactionResult<Include>;
}

function toStatus(record: TransactionRecord): SuiClientTypes.ExecutionStatus {
  if (!record.failure) return { success: true, error: null };
  const { kind, message, command } = record.failure;
  return {
    success: false,
    error: { $kind: 'Unknown', Unknown: null, message: `${kind}: ${message}`, ...(command === null ? {} : { command }) },
  };
}

function toEffects(record: TransactionRecord, status: SuiClientTypes.ExecutionStatus): SuiClientTypes.TransactionEffects {
  const changedObjects = record.changed.map(toChangedObject);
  return {
    bcs: null,
    version: 2,
    status,
    gasUsed: record.gasUsed,
    transactionDigest: record.digest,
    gasObject: changedObjects.find((c) => c.objectId === record.gasObjectId) ?? null,
    eventsDigest: null,
    dependencies: record.dependencies,
    lamportVersion: String(record.lamportVersion),
    changedObjects,
    unchangedConsensusObjects: [],
    auxiliaryDataDigest: null,
  };
}

function toChangedObject(change: ChangedCoin): SuiClientTypes.ChangedObject {
  return {
    objectId: change.objectId,
    inputState: change.inputVersion === null ? 'DoesNotExist' : 'Exists',
    inputVersion: change.inputVersion === null ? null : String(change.inputVersion),
    inputDigest: change.inputDigest,
    inputOwner: change.inputOwner ? addressOwner(change.inputOwner) : null,
    outputState: change.outputVersion === null ? 'DoesNotExist' : 'ObjectWrite',
    outputVersion: change.outputVersion === null ? null : String(change.outputVersion),
    outputDigest: change.outputDigest,
    outputOwner: change.outputOwner ? addressOwner(change.outputOwner) : null,
    idOperation: change.operation,
  };
}
