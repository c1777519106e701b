/**
 * Shapes the local ledger keeps in MongoDB. Amounts are decimal strings (u64 does not fit a
 * double), versions are numbers (they grow by one per transaction), and no field name starts
 * with `$`, so the SDK's `$kind` unions are rebuilt when answering (see ledger-results.ts).
 */
export interface CoinState {
  objectId: string;
  version: number;
  digest: string;
  owner: string;
  balance: bigint;
  previousTransaction: string | null;
}

/** A coin as the transaction leaves it; `fromVersion` null means the transaction created it. */
export interface CoinWrite {
  objectId: string;
  fromVersion: number | null;
  version: number;
  digest: string;
  owner: string;
  balance: string;
}

export interface CoinDeletion {
  objectId: string;
  fromVersion: number;
  version: number;
}

export interface ChangedCoin {
  objectId: string;
  operation: 'None' | 'Created' | 'Deleted';
  inputVersion: number | null;
  inputDigest: string | null;
  inputOwner: string | null;
  outputVersion: number | null;
  outputDigest: string | null;
  outputOwner: string | null;
}

export interface ExecutionFailure {
  kind: string;
  message: string;
  command: number | null;
}

export interface GasUsed {
  computationCost: string;
  storageCost: string;
  storageRebate: string;
  nonRefundableStorageFee: string;
}

/** Everything a transaction did, decided before any object is written, so applying it can be repeated. */
export interface TransactionRecord {
  digest: string;
  sender: string;
  bytes: string;
  signatures: string[];
  timestampMs: number;
  failure: ExecutionFailure | null;
  gasUsed: GasUsed;
  gasObjectId: string;
  lamportVersion: number;
  dependencies: string[];
  changed: ChangedCoin[];
  balanceChanges: { address: string; amount: string }[];
  writes: CoinWrite[];
  deletions: CoinDeletion[];
}
