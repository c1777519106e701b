const MIST_PER_SUI = 1_000_000_000n;

/** 1234500000n → "1.2345"; exact, no floating point. */
export function formatSui(mist: bigint): string {
  const sign = mist < 0n ? '-' : '';
  const abs = mist < 0n ? -mist : mist;
  const fraction = (abs % MIST_PER_SUI).toString().padStart(9, '0').replace(/0+$/, '');
  return `${sign}${abs / MIST_PER_SUI}${fraction ? `.${fraction}` : ''}`;
}
