import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** A merchant's signing secret, shown to the merchant once: `whsec_` + 256 random bits. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/**
 * Webhook secrets at rest: AES-256-GCM under WEBHOOK_SECRET_KEY. The secret must be usable to
 * sign every delivery, so it cannot be hashed like a terminal secret; encrypted, a database dump
 * alone does not let anyone forge a merchant's webhooks. Stored as `v1.<iv>.<tag>.<ciphertext>`.
 */
export class WebhookSecretBox {
  readonly #key: Buffer;

  constructor(configuredKey: string) {
    this.#key = keyBytes(configuredKey);
  }

  seal(secret: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  open(sealed: string): string {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || !ciphertext) throw new Error('unknown webhook secret format');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }

  toJSON(): string {
    return 'WebhookSecretBox';
  }
}

/** 64 hex digits or 32 bytes of base64 as given; a generated development secret is hashed to 32 bytes. */
function keyBytes(configured: string): Buffer {
  if (/^[0-9a-fA-F]{64}$/.test(configured)) return Buffer.from(configured, 'hex');
  const decoded = Buffer.from(configured, configured.includes('+') || configured.includes('/') ? 'base64' : 'base64url');
  if (decoded.length === 32) return decoded;
  return createHash('sha256').update(configured).digest();
}
