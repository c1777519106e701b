import { inspect } from 'node:util';
import { Ed25519Keypair } from '@mysten/sui/keypairs/ed25519';
import { verifyTransactionSignature } from '@mysten/sui/verify';
import { CustodialSigner } from './custodial-signer';

describe('CustodialSigner', () => {
  it('signs exactly like the SDK keypair for the same seed', async () => {
    const { signer, seed } = CustodialSigner.generate();
    const keypair = Ed25519Keypair.fromSecretKey(seed);
    expect(signer.toSuiAddress()).toBe(keypair.toSuiAddress());
    const bytes = new Uint8Array([1, 2, 3, 4, 5]);
    const ours = await signer.signTransaction(bytes);
    expect(ours.signature).toBe((await keypair.signTransaction(bytes)).signature);
    await expect(verifyTransactionSignature(bytes, ours.signature, { address: signer.toSuiAddress() })).resolves.toBeDefined();
  });

  it('rebuilds the same wallet from its seed', () => {
    const { signer, seed } = CustodialSigner.generate();
    expect(CustodialSigner.fromSeed(seed).toSuiAddress()).toBe(signer.toSuiAddress());
  });

  it('shows only its address when logged or serialised', () => {
    const { signer, seed } = CustodialSigner.generate();
    const printed = [JSON.stringify(signer), inspect(signer, { showHidden: true, depth: 10 }), String(signer)].join('\n');
    const secretForms = [seed.toString('hex'), seed.toString('base64'), Ed25519Keypair.fromSecretKey(seed).getSecretKey()];
    for (const form of secretForms) expect(printed).not.toContain(form);
    expect(JSON.stringify(signer)).toContain(signer.toSuiAddress());
  });
});
