import { decodeSuiPrivateKey } from '@mysten/sui/cryptography';
import { CustodialSigner } from '../wallets/custodial-signer';
import type { WalletService } from '../wallets/wallet.service';
import type { GasSponsor } from './gas-station';

/** The custodial wallet that sponsors gas in local mode; a reserved id no user can have. */
export const LOCAL_SPONSOR_WALLET_ID = 'platform:gas-sponsor';

/**
 * The gas sponsor: on a network, the operator's key (SUI_GAS_SPONSOR_KEY, held in an opaque
 * signer like every custodial key); in local mode, a custodial wallet of the platform's own,
 * funded by the local faucet.
 */
export async function gasSponsor(secretKey: string | undefined, wallets: WalletService): Promise<GasSponsor> {
  if (secretKey) return signerFromSecretKey(secretKey);
  const { address } = await wallets.createWallet(LOCAL_SPONSOR_WALLET_ID);
  const signer = await wallets.signerFor(address);
  return { address, signTransaction: (bytes) => signer.signTransaction(bytes) };
}

function signerFromSecretKey(secretKey: string): GasSponsor {
  let decoded: ReturnType<typeof decodeSuiPrivateKey>;
  try {
    decoded = decodeSuiPrivateKey(secretKey);
  } catch {
    // The key itself stays out of the message.
    throw new Error('SUI_GAS_SPONSOR_KEY is not a Sui private key (expected suiprivkey1…)');
  }
  if (decoded.scheme !== 'ED25519') throw new Error(`SUI_GAS_SPONSOR_KEY must be an Ed25519 key, got ${decoded.scheme}`);
  const signer = CustodialSigner.fromSeed(decoded.secretKey);
  decoded.secretKey.fill(0);
  return { address: signer.toSuiAddress(), signTransaction: (bytes) => signer.signTransaction(bytes) };
}
