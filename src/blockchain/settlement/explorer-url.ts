const SUISCAN_NETWORKS = new Set(['mainnet', 'testnet', 'devnet']);

/** Suiscan page of a transaction; null where no public explorer can see it (the local ledger). */
export function explorerUrl(network: string, digest: string): string | null {
  return SUISCAN_NETWORKS.has(network) ? `https://suiscan.xyz/${network}/tx/${digest}` : null;
}
