import type { SuiClientTypes } from '@mysten/sui/client';
import { Inputs, type TransactionPlugin } from '@mysten/sui/transactions';
import { normalizeSuiAddress } from '@mysten/sui/utils';
import { DEFAULT_GAS_BUDGET, REFERENCE_GAS_PRICE } from './ledger-costs';

const MAX_GAS_COINS = 255;

type ObjectSource = Pick<SuiClientTypes.TransportMethods, 'getObjects' | 'listCoins'>;

/**
 * Fills in what a caller of `Transaction.build` left open (object versions, gas price, budget,
 * payment) from the local ledger. Settlements preset all of it, so this only serves ad-hoc use
 * of the SDK against the ledger, such as `signAndExecuteTransaction` in a script.
 */
export function localLedgerResolver(client: ObjectSource): TransactionPlugin {
  return async (data, options, next) => {
    if (data.inputs.some((input) => input.UnresolvedPure)) {
      throw new Error('local ledger: untyped pure inputs cannot be resolved; use tx.pure.u64(...) / tx.pure.address(...)');
    }
    const unresolved = data.inputs.flatMap((input, index) =>
      input.UnresolvedObject && !input.UnresolvedObject.version ? [{ index, objectId: normalizeSuiAddress(input.UnresolvedObject.objectId) }] : [],
    );
    if (unresolved.length) {
      const { objects } = await client.getObjects({ objectIds: unresolved.map((u) => u.objectId) });
      objects.forEach((object, i) => {
        if (object instanceof Error) throw object;
        data.inputs[unresolved[i].index] = Inputs.ObjectRef({ objectId: object.objectId, version: object.version, digest: object.digest });
      });
    }
    if (!options.onlyTransactionKind) {
      if (!data.sender) throw new Error('local ledger: the transaction has no sender');
      data.gasData.price ??= String(REFERENCE_GAS_PRICE);
      data.gasData.budget ??= String(DEFAULT_GAS_BUDGET);
      if (!data.gasData.payment) {
        const inputIds = new Set(data.inputs.map((input) => input.Object?.ImmOrOwnedObject?.objectId));
        const { objects } = await client.listCoins({ owner: data.gasData.owner ?? data.sender, limit: MAX_GAS_COINS });
        data.gasData.payment = objects
          .filter((coin) => !inputIds.has(coin.objectId))
          .map((coin) => ({ objectId: coin.objectId, version: coin.version, digest: coin.digest }));
      }
    }
    await next();
  };
}
