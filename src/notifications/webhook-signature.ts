import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * NFC Pay webhook signatures, as Stripe makes them:
 *   X-NFCPay-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>[,v1=...]
 * Right after a secret rotation a delivery carries one v1 per valid secret.
 * This file has no dependencies beyond node:crypto; the README quotes verifyWebhookSignature as is.
 */
export const SIGNATURE_HEADER = 'X-NFCPay-Signature';

export function signWebhook(body: string, secrets: string[], timestamp = Math.floor(Date.now() / 1000)): string {
  const signatures = secrets.map((secret) => `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`);
  return [`t=${timestamp}`, ...signatures].join(',');
}

/**
 * True when `header` holds a v1 signature of `rawBody` made with `secret` at most
 * `toleranceSeconds` ago (or ahead). Use the raw request body, byte for byte, not re-serialised JSON.
 */
export function verifyWebhookSignature(rawBody: string | Buffer, header: string, secret: string, toleranceSeconds = 300, nowSeconds = Math.floor(Date.now() / 1000)): boolean {
  const parts = header.split(',').map((part) => part.trim().split('='));
  const timestamp = Number(parts.find(([key]) => key === 't')?.[1]);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
  return parts
    .filter(([key, value]) => key === 'v1' && /^[0-9a-f]{64}$/.test(value ?? ''))
    .some(([, value]) => timingSafeEqual(Buffer.from(value, 'hex'), expected));
}
