import type { ClientWithCoreApi } from '@mysten/sui/client';
import { TransactionDataBuilder } from '@mysten/sui/transactions';
import { LocalLedgerError } from './local-ledger.error';

/**
 * Failure drills for the local ledger (LOCAL_LEDGER_FAULTS, never on a real network): a
 * settlement of a chosen amount fails as a node would make it fail, so the soak harness can prove
 * retries and permanent failures end right. `1313000:transient:2` fails the first two
 * submissions of a 1 313 000-MIST transfer with a network error; `1717000:permanent` refuses
 * every one as if the wallet were empty. The two hangs hold a process still at the points a crash
 * hurts most, so a test can kill it there: `1414000:hang-before` never submits the first transfer
 * (its bytes are stored, nothing reached the chain) and `1515000:hang-after` executes it and never
 * answers (it landed, nobody heard).
 */
export interface LedgerFault {
  amountMist: bigint;
  kind: FaultKind;
  times: number;
}

const FAULT_KINDS = ['transient', 'permanent', 'hang-before', 'hang-after'] as const;
type FaultKind = (typeof FAULT_KINDS)[number];
const isFaultKind = (kind: string | undefined): kind is FaultKind => (FAULT_KINDS as readonly (string | undefined)[]).includes(kind);

/** Deliberately deaf to the submission's abort signal: the process is stuck (or dead) here, not the network slow. */
const never = () => new Promise<never>(() => undefined);

export function parseLedgerFaults(spec: string | undefined): LedgerFault[] {
  if (!spec?.trim()) return [];
  return spec.split(',').map((part) => {
    const [amount, kind, times] = part.trim().split(':');
    if (!/^\d+$/.test(amount ?? '') || !isFaultKind(kind) || (times !== undefined && !/^\d+$/.test(times))) {
      throw new Error(`LOCAL_LEDGER_FAULTS: "${part}" is not <amountMist>:<transient|hang-before|hang-after>[:<times>] or <amountMist>:permanent`);
    }
    return { amountMist: BigInt(amount), kind, times: kind === 'permanent' ? Infinity : Number(times ?? 1) };
  });
}

/** Wraps a ledger so that executions matching a fault fail as configured; everything else is untouched. */
export function withLedgerFaults<T extends ClientWithCoreApi>(ledger: T, faults: LedgerFault[]): T {
  if (!faults.length) return ledger;
  const failures = new Map<string, number>();
  const execute = ledger.core.executeTransaction.bind(ledger.core);
  const faulty: typeof execute = async (options) => {
    const bytes = options.transaction;
    const data = TransactionDataBuilder.fromBytes(bytes);
    const fault = faults.find((f) => transferredAmounts(data).includes(f.amountMist));
    if (fault) {
      // Counted per sender and amount, not per digest: a retry may rebuild the transaction (its
      // gas coin moved on meanwhile), and the drill is about the payment, not one set of bytes.
      const key = `${data.sender}:${fault.amountMist}`;
      const seen = failures.get(key) ?? 0;
      if (seen < fault.times) {
        failures.set(key, seen + 1);
        if (fault.kind === 'transient') throw new Error('fetch failed: simulated network failure (LOCAL_LEDGER_FAULTS)');
        if (fault.kind === 'hang-before') return never();
        if (fault.kind === 'hang-after') return execute(options).then(never);
        throw new LocalLedgerError('GasBalanceTooLow', 'simulated empty wallet (LOCAL_LEDGER_FAULTS)');
      }
    }
    return execute(options);
  };
  return new Proxy(ledger, {
    get(target, property, receiver) {
      if (property === 'executeTransaction') return faulty;
      if (property === 'core') return receiver;
      return Reflect.get(target, property, target);
    },
  });
}

/** The u64 pure inputs of a transaction: the amounts it splits off. */
function transferredAmounts({ inputs }: TransactionDataBuilder): bigint[] {
  return inputs.flatMap((input) => {
    const pure = input.Pure?.bytes;
    if (!pure) return [];
    const raw = Buffer.from(pure, 'base64');
    return raw.length === 8 ? [raw.readBigUInt64LE(0)] : [];
  });
}
