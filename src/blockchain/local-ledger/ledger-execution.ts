import { createHash } from 'node:crypto';
import { bcs } from '@mysten/sui/bcs';
import { fromBase64, normalizeSuiAddress, toBase58 } from '@mysten/sui/utils';
import {
  COMPUTATION_UNITS,
  NON_REFUNDABLE_PER_COIN,
  STORAGE_COST_PER_COIN,
  STORAGE_REBATE_PER_COIN,
} from './ledger-costs';
import { ChangedCoin, CoinDeletion, CoinState, CoinWrite, ExecutionFailure, TransactionRecord } from './ledger-records';
import { LocalLedgerError } from './local-ledger.error';

type ParsedTransactionData = ReturnType<typeof bcs.TransactionData.parse>;
export type TransactionDataV1 = NonNullable<ParsedTransactionData['V1']>;
type ProgrammableTransaction = NonNullable<TransactionDataV1['kind']['ProgrammableTransaction']>;
type Command = ProgrammableTransaction['commands'][number];
type Argument = Command extends { SplitCoins?: infer S } ? NonNullable<S> extends { coin: infer A } ? A : never : never;

export interface ObjectRef {
  objectId: string;
  version: number;
  digest: string;
}

/** Parses BCS transaction bytes; anything but a V1 programmable transaction is refused. */
export function parseTransaction(bytes: Uint8Array): { data: TransactionDataV1; pt: ProgrammableTransaction } {
  let parsed: ParsedTransactionData;
  try {
    parsed = bcs.TransactionData.parse(bytes);
  } catch {
    throw new LocalLedgerError('InvalidTransaction', 'transaction bytes are not valid BCS TransactionData');
  }
  const data = parsed.V1;
  const pt = data?.kind.ProgrammableTransaction;
  if (!data || !pt) throw new LocalLedgerError('Unsupported', 'only programmable transactions are supported');
  return { data, pt };
}

/** The owned objects a transaction consumes: its gas payment first, then its object inputs. */
export function ownedInputRefs(data: TransactionDataV1, pt: ProgrammableTransaction): ObjectRef[] {
  const refs = data.gasData.payment.map(toRef);
  for (const input of pt.inputs) {
    if (input.Pure) continue;
    const owned = input.Object?.ImmOrOwnedObject;
    if (!owned) throw new LocalLedgerError('Unsupported', 'only pure and owned-object inputs are supported');
    refs.push(toRef(owned));
  }
  const ids = new Set(refs.map((ref) => ref.objectId));
  if (ids.size !== refs.length) throw new LocalLedgerError('InvalidTransaction', 'an object is used more than once');
  return refs;
}

function toRef(ref: { objectId: string; version: string; digest: string }): ObjectRef {
  return { objectId: normalizeSuiAddress(ref.objectId), version: Number(ref.version), digest: ref.digest };
}

export function coinDigest(objectId: string, version: number, owner: string, balance: bigint): string {
  return toBase58(createHash('sha256').update(`${objectId}:${version}:${owner}:${balance}`).digest());
}

function createdObjectId(txDigest: string, index: number): string {
  return normalizeSuiAddress(createHash('sha256').update(`${txDigest}:${index}`).digest('hex'));
}

export interface ExecutionInput {
  digest: string;
  bytes: string;
  signatures: string[];
  timestampMs: number;
  referenceGasPrice: bigint;
  data: TransactionDataV1;
  pt: ProgrammableTransaction;
  /** Current state of every object in `ownedInputRefs`, by id. */
  objects: Map<string, CoinState>;
}

interface WorkingCoin {
  objectId: string;
  owner: string;
  balance: bigint;
  input: CoinState | null;
  deleted: boolean;
}

class ExecutionAbort extends Error {
  constructor(readonly failure: ExecutionFailure) {
    super(failure.message);
  }
}

/**
 * Checks a transaction against the current objects and works out its complete outcome. Pure: the
 * caller persists the returned record, which is what makes applying it repeatable after a crash.
 * Validation problems throw `LocalLedgerError` (nothing happens, like a validator rejecting);
 * problems while running the commands yield a failed record that still charges gas, as on Sui.
 */
export function planTransaction(input: ExecutionInput): TransactionRecord {
  const { data, pt } = input;
  const sender = normalizeSuiAddress(data.sender);
  // Sponsored gas: the gas coins belong to the gas owner, every other input to the sender.
  const gasOwner = normalizeSuiAddress(data.gasData.owner);
  const price = BigInt(data.gasData.price);
  const budget = BigInt(data.gasData.budget);
  if (price < input.referenceGasPrice) {
    throw new LocalLedgerError('GasPriceUnderRGP', `Gas price ${price} under reference gas price (RGP) ${input.referenceGasPrice}`);
  }
  const computationCost = price * COMPUTATION_UNITS;
  if (budget < computationCost) {
    throw new LocalLedgerError('GasBudgetTooLow', `Gas budget: ${budget} is lower than min: ${computationCost}`);
  }
  if (data.gasData.payment.length === 0) throw new LocalLedgerError('Unsupported', 'gas must be paid with coin objects');

  const refs = ownedInputRefs(data, pt);
  const gasCount = data.gasData.payment.length;
  refs.forEach((ref, i) => checkOwnedRef(ref, input.objects.get(ref.objectId), i < gasCount ? gasOwner : sender));
  const gasCoins = refs.slice(0, gasCount).map((ref) => input.objects.get(ref.objectId)!);
  const gasBalance = gasCoins.reduce((sum, coin) => sum + coin.balance, 0n);
  if (gasBalance < budget) {
    throw new LocalLedgerError('GasBalanceTooLow', `Balance of gas object ${gasBalance} is lower than the needed amount: ${budget}`);
  }

  const lamportVersion = Math.max(...refs.map((ref) => ref.version)) + 1;
  const gasId = gasCoins[0].objectId;
  let failure: ExecutionFailure | null = null;
  let coins = startingCoins(input.objects, gasId, gasCoins, budget);
  try {
    runCommands(pt, coins, gasId, input.digest, gasOwner !== sender);
  } catch (error) {
    if (!(error instanceof ExecutionAbort)) throw error;
    failure = error.failure;
    coins = startingCoins(input.objects, gasId, gasCoins, budget);
  }

  let written = 0n;
  let rebated = 0n;
  for (const coin of coins.values()) {
    if (!coin.deleted) written += 1n;
    if (coin.input) rebated += 1n;
  }
  let storageCost = STORAGE_COST_PER_COIN * written;
  if (!failure && computationCost + storageCost > budget) {
    failure = { kind: 'InsufficientGas', message: 'Insufficient gas for the transaction', command: null };
    coins = startingCoins(input.objects, gasId, gasCoins, budget);
    storageCost = STORAGE_COST_PER_COIN;
    rebated = BigInt(gasCoins.length);
  }
  const storageRebate = STORAGE_REBATE_PER_COIN * rebated;
  const charge = computationCost + storageCost - storageRebate;
  coins.get(gasId)!.balance += budget - (charge > budget ? budget : charge);

  return buildRecord(input, sender, coins, lamportVersion, failure, gasId, {
    computationCost: String(computationCost),
    storageCost: String(storageCost),
    storageRebate: String(storageRebate),
    nonRefundableStorageFee: String(NON_REFUNDABLE_PER_COIN * rebated),
  });
}

function checkOwnedRef(ref: ObjectRef, current: CoinState | undefined, signer: string): void {
  if (!current || ref.version > current.version) {
    throw new LocalLedgerError('ObjectNotFound', `Could not find the referenced object ${ref.objectId} at version ${ref.version}`);
  }
  if (ref.version < current.version || ref.digest !== current.digest) {
    throw new LocalLedgerError(
      'ObjectVersionUnavailableForConsumption',
      `Object ID ${ref.objectId} Version ${ref.version} Digest ${ref.digest} is not available for consumption, current version: ${current.version}`,
    );
  }
  if (current.owner !== signer) {
    throw new LocalLedgerError('IncorrectUserSignature', `Object ${ref.objectId} is owned by account address ${current.owner}, but given owner/signer address is ${signer}`);
  }
}

/** The coins a transaction starts with: extra gas coins are merged into the first ("gas smashing") and the budget is held back. */
function startingCoins(objects: Map<string, CoinState>, gasId: string, gasCoins: CoinState[], budget: bigint): Map<string, WorkingCoin> {
  const coins = new Map<string, WorkingCoin>();
  for (const state of objects.values()) {
    coins.set(state.objectId, { objectId: state.objectId, owner: state.owner, balance: state.balance, input: state, deleted: false });
  }
  const gas = coins.get(gasId)!;
  for (const extra of gasCoins.slice(1)) {
    const coin = coins.get(extra.objectId)!;
    gas.balance += coin.balance;
    coin.balance = 0n;
    coin.deleted = true;
  }
  gas.balance -= budget;
  return coins;
}

function runCommands(pt: ProgrammableTransaction, coins: Map<string, WorkingCoin>, gasId: string, digest: string, sponsored: boolean): void {
  const results: string[][] = [];
  const inputCoinIds = pt.inputs.map((input) => (input.Object?.ImmOrOwnedObject ? normalizeSuiAddress(input.Object.ImmOrOwnedObject.objectId) : null));
  const fresh = new Set<string>();
  let created = 0;

  const coinOf = (arg: Argument, command: number): WorkingCoin => {
    let id: string | null | undefined;
    // The sponsor's coin pays gas only; the sender may not spend it.
    if (arg.GasCoin && sponsored) abort('CommandArgumentError', 'the gas coin of a sponsored transaction cannot be used by its commands', command);
    if (arg.GasCoin) id = gasId;
    else if (arg.Input !== undefined) id = inputCoinIds[arg.Input];
    else if (arg.Result !== undefined) id = results[arg.Result]?.length === 1 ? results[arg.Result][0] : undefined;
    else if (arg.NestedResult) id = results[arg.NestedResult[0]]?.[arg.NestedResult[1]];
    const coin = id ? coins.get(id) : undefined;
    if (!coin || coin.deleted) abort('CommandArgumentError', `argument is not an available coin`, command);
    return coin!;
  };
  const pure = <T>(arg: Argument, parse: (bytes: Uint8Array) => T, command: number): T => {
    const input = arg.Input !== undefined ? pt.inputs[arg.Input] : undefined;
    if (!input?.Pure) abort('CommandArgumentError', 'expected a pure input', command);
    try {
      return parse(fromBase64(input!.Pure!.bytes));
    } catch {
      return abort('CommandArgumentError', 'pure input has the wrong type', command);
    }
  };

  pt.commands.forEach((command, index) => {
    if (command.SplitCoins) {
      const source = coinOf(command.SplitCoins.coin, index);
      results[index] = command.SplitCoins.amounts.map((amountArg) => {
        const amount = BigInt(pure(amountArg, (b) => bcs.U64.parse(b), index));
        if (source.balance < amount) abort('InsufficientCoinBalance', 'Insufficient coin balance for operation.', index);
        source.balance -= amount;
        const objectId = createdObjectId(digest, created++);
        coins.set(objectId, { objectId, owner: source.owner, balance: amount, input: null, deleted: false });
        fresh.add(objectId);
        return objectId;
      });
    } else if (command.MergeCoins) {
      const target = coinOf(command.MergeCoins.destination, index);
      for (const sourceArg of command.MergeCoins.sources) {
        const source = coinOf(sourceArg, index);
        if (source === target || source.objectId === gasId) abort('CommandArgumentError', 'cannot merge a coin into itself or merge the gas coin', index);
        target.balance += source.balance;
        source.balance = 0n;
        source.deleted = true;
        fresh.delete(source.objectId);
      }
      results[index] = [];
    } else if (command.TransferObjects) {
      const recipient = normalizeSuiAddress(pure(command.TransferObjects.address, (b) => bcs.Address.parse(b), index));
      for (const objectArg of command.TransferObjects.objects) {
        const coin = coinOf(objectArg, index);
        coin.owner = recipient;
        fresh.delete(coin.objectId);
      }
      results[index] = [];
    } else {
      throw new LocalLedgerError('Unsupported', `command ${command.$kind} is not supported (only SplitCoins, MergeCoins, TransferObjects)`);
    }
  });
  if (fresh.size > 0) abort('UnusedValueWithoutDrop', 'a coin created by the transaction was neither transferred nor merged', null);
}

function abort(kind: string, message: string, command: number | null): never {
  throw new ExecutionAbort({ kind, message, command });
}

function buildRecord(
  input: ExecutionInput,
  sender: string,
  coins: Map<string, WorkingCoin>,
  lamportVersion: number,
  failure: ExecutionFailure | null,
  gasObjectId: string,
  gasUsed: TransactionRecord['gasUsed'],
): TransactionRecord {
  const writes: CoinWrite[] = [];
  const deletions: CoinDeletion[] = [];
  const changed: ChangedCoin[] = [];
  const net = new Map<string, bigint>();
  const addNet = (address: string, amount: bigint) => net.set(address, (net.get(address) ?? 0n) + amount);

  for (const coin of coins.values()) {
    const before = coin.input;
    if (before) addNet(before.owner, -before.balance);
    let write: CoinWrite | null = null;
    if (coin.deleted) {
      deletions.push({ objectId: coin.objectId, fromVersion: before!.version, version: lamportVersion });
    } else {
      addNet(coin.owner, coin.balance);
      write = {
        objectId: coin.objectId,
        fromVersion: before?.version ?? null,
        version: lamportVersion,
        digest: coinDigest(coin.objectId, lamportVersion, coin.owner, coin.balance),
        owner: coin.owner,
        balance: String(coin.balance),
      };
      writes.push(write);
    }
    changed.push({
      objectId: coin.objectId,
      operation: coin.deleted ? 'Deleted' : before ? 'None' : 'Created',
      inputVersion: before?.version ?? null,
      inputDigest: before?.digest ?? null,
      inputOwner: before?.owner ?? null,
      outputVersion: write?.version ?? null,
      outputDigest: write?.digest ?? null,
      outputOwner: write?.owner ?? null,
    });
  }

  const dependencies = [...new Set([...input.objects.values()].map((o) => o.previousTransaction).filter((d): d is string => !!d))];
  return {
    digest: input.digest,
    sender,
    bytes: input.bytes,
    signatures: input.signatures,
    timestampMs: input.timestampMs,
    failure,
    gasUsed,
    gasObjectId,
    lamportVersion,
    dependencies,
    changed,
    balanceChanges: [...net].filter(([, amount]) => amount !== 0n).map(([address, amount]) => ({ address, amount: String(amount) })),
    writes,
    deletions,
  };
}
