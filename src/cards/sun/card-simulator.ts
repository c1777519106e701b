import { createCipheriv, randomBytes } from 'node:crypto';
import { sdmMac } from './sun-message';

/**
 * A software NTAG 424 DNA for the demo and tests: from its programming keys (K1, K2) it answers each
 * tap with `p` and `c`, as the card mirrors them into its URL, its read counter one higher each time.
 */
export class SoftwareCard {
  constructor(
    readonly uid: string,
    private readonly keys: { k1: string; k2: string },
    /** The last counter used; the next tap uses counter + 1. */
    public counter = 0,
  ) {}

  tap(): { p: string; c: string } {
    this.counter += 1;
    return this.message(this.counter);
  }

  /** The message for a given counter (uppercase hex, as a card writes it). */
  message(counter: number): { p: string; c: string } {
    const plain = Buffer.concat([Buffer.from([0xc7]), Buffer.from(this.uid, 'hex'), counterLe(counter), randomBytes(5)]);
    const cipher = createCipheriv('aes-128-cbc', Buffer.from(this.keys.k1, 'hex'), Buffer.alloc(16)).setAutoPadding(false);
    const p = Buffer.concat([cipher.update(plain), cipher.final()]);
    const c = sdmMac(Buffer.from(this.keys.k2, 'hex'), { uid: this.uid.toLowerCase(), counter });
    return { p: p.toString('hex').toUpperCase(), c: c.toString('hex').toUpperCase() };
  }
}

function counterLe(counter: number): Buffer {
  const out = Buffer.alloc(3);
  out.writeUIntLE(counter, 0, 3);
  return out;
}
