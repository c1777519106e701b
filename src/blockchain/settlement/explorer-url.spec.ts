import { explorerUrl } from './explorer-url';

it('links public networks to suiscan and nothing for the local ledger', () => {
  expect(explorerUrl('mainnet', 'Abc')).toBe('https://suiscan.xyz/mainnet/tx/Abc');
  expect(explorerUrl('testnet', 'Abc')).toBe('https://suiscan.xyz/testnet/tx/Abc');
  expect(explorerUrl('devnet', 'Abc')).toBe('https://suiscan.xyz/devnet/tx/Abc');
  expect(explorerUrl('localnet', 'Abc')).toBeNull();
});
