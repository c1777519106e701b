import { createCipheriv } from 'node:crypto';

const BLOCK = 16;
const RB = 0x87;

/** AES-128-CMAC (RFC 4493 / NIST SP 800-38B); node:crypto has AES but no CMAC. */
export function aesCmac(key: Buffer, message: Buffer): Buffer {
  if (key.length !== BLOCK) throw new RangeError('AES-CMAC takes a 16-byte key');
  const encrypt = (block: Buffer) => {
    const cipher = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false);
    return Buffer.concat([cipher.update(block), cipher.final()]);
  };
  const k1 = doubled(encrypt(Buffer.alloc(BLOCK)));
  const k2 = doubled(k1);
  const complete = message.length > 0 && message.length % BLOCK === 0;
  const last = complete ? xor(message.subarray(message.length - BLOCK), k1) : xor(padded(message.subarray(message.length - (message.length % BLOCK))), k2);
  const fullBlocks = complete ? message.length / BLOCK - 1 : Math.floor(message.length / BLOCK);
  let state = Buffer.alloc(BLOCK);
  for (let i = 0; i < fullBlocks; i++) state = encrypt(xor(state, message.subarray(i * BLOCK, (i + 1) * BLOCK)));
  return encrypt(xor(state, last));
}

/** Multiplication by x in GF(2^128): the subkey step. */
function doubled(block: Buffer): Buffer {
  const out = Buffer.alloc(BLOCK);
  for (let i = 0; i < BLOCK; i++) out[i] = ((block[i] << 1) & 0xff) | (i + 1 < BLOCK ? block[i + 1] >> 7 : 0);
  if (block[0] & 0x80) out[BLOCK - 1] ^= RB;
  return out;
}

/** A partial last block gets 10…0 padding. */
function padded(partial: Buffer): Buffer {
  const out = Buffer.alloc(BLOCK);
  partial.copy(out);
  out[partial.length] = 0x80;
  return out;
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(BLOCK);
  for (let i = 0; i < BLOCK; i++) out[i] = a[i] ^ b[i];
  return out;
}
