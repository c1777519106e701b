import type { Transaction } from './schemas/transaction.schema';

/**
 * The platform's cut of a payment and what the merchant nets, fixed when the payment is accepted.
 * Rounded down in the card currency's minor unit, so fee + net is the amount exactly, in minor
 * units and in MIST alike; below 10 000 bps the merchant nets at least 1.
 */
export function splitFee(amount: number, feeBps: number, mistPerUnit: bigint): Required<Pick<Transaction, 'fee' | 'net' | 'feeMist' | 'netMist'>> {
  const fee = Math.floor((amount * feeBps) / 10_000);
  const net = amount - fee;
  return { fee, net, feeMist: (BigInt(fee) * mistPerUnit).toString(), netMist: (BigInt(net) * mistPerUnit).toString() };
}
