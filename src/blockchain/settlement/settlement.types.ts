export interface SettlementRequest {
  /** The payment's id; at most one on-chain transfer ever exists per id. */
  transactionId: string;
  /** The paying custodial wallet (its key is looked up inside the blockchain module). */
  fromAddress: string;
  toAddress: string;
  amountMist: bigint;
  /** A second transfer in the same transaction (the platform fee): both happen or neither. */
  fee?: { toAddress: string; amountMist: bigint };
  /**
   * No settlement of this id ever started before, so no bytes can be stored for it: they are
   * stored at once instead of being looked up first (a round trip less). A wrong hint costs
   * nothing but that: storing is insert-first, and bytes already stored are the ones submitted.
   */
  firstStart?: boolean;
}

/** A signed transaction kept before submission, so any retry resubmits these bytes instead of building anew. */
export interface PreparedSettlement {
  digest: string;
  /** BCS transaction bytes, base64. */
  bytes: string;
  signatures: string[];
}

/**
 * Where prepared settlements live. The payments module may implement it on the payment document;
 * `MongoSettlementAttemptStore` is the stand-alone implementation.
 */
export interface SettlementAttemptStore {
  loadPrepared(transactionId: string): Promise<PreparedSettlement | null>;
  /**
   * Compare-and-set: stores `next` only if the stored digest is still `replacing` (null: nothing
   * stored yet). Returns whatever is stored afterwards, which is someone else's attempt if they won.
   * Throws `DigestTakenError` when another payment already stored the same digest.
   */
  savePrepared(transactionId: string, next: PreparedSettlement, replacing: string | null): Promise<PreparedSettlement>;
}

export interface SettlementBalanceChange {
  address: string;
  coinType: string;
  amount: string;
}

export interface SettlementResult {
  transactionId: string;
  txHash: string;
  status: 'success';
  amountMist: string;
  /** computationCost + storageCost − storageRebate. */
  gasFeeMist: string;
  gasUsed: { computationCost: string; storageCost: string; storageRebate: string };
  balanceChanges: SettlementBalanceChange[];
  /** The paying wallet's balance right after, when known without asking the chain again. */
  senderBalanceMist: string | null;
  checkpoint: string | null;
  epoch: string | null;
  network: string;
  /** Null on the local ledger, which no public explorer knows. */
  explorerUrl: string | null;
}
