import { Ed25519Keypair } from '@mysten/sui/keypairs/ed25519';
import { Secp256k1Keypair } from '@mysten/sui/keypairs/secp256k1';
import { transactionSigner } from './transaction-signer';

describe('transactionSigner', () => {
  const bytes = new Uint8Array(200).map((_, i) => i);

  it('names the Ed25519 key that signed the transaction bytes', async () => {
    const keypair = new Ed25519Keypair();
    const { signature } = await keypair.signTransaction(bytes);
    expect(await transactionSigner(bytes, signature)).toBe(keypair.toSuiAddress());
  });

  it('rejects a signature over other bytes, a personal-message signature and garbage', async () => {
    const keypair = new Ed25519Keypair();
    const { signature } = await keypair.signTransaction(bytes);
    const { signature: personal } = await keypair.signPersonalMessage(bytes);
    const tampered = bytes.slice();
    tampered[0] ^= 1;

    expect(await transactionSigner(tampered, signature)).toBeNull();
    expect(await transactionSigner(bytes, personal)).toBeNull();
    expect(await transactionSigner(bytes, 'not a signature')).toBeNull();
  });

  it('checks other schemes through the SDK', async () => {
    const keypair = new Secp256k1Keypair();
    const { signature } = await keypair.signTransaction(bytes);
    expect(await transactionSigner(bytes, signature)).toBe(keypair.toSuiAddress());
  });
});
