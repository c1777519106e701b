import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signWebhook, verifyWebhookSignature } from './webhook-signature';

describe('webhook signatures', () => {
  const body = JSON.stringify({ id: 'evt_1', type: 'payment.completed' });
  const now = 1_767_225_600;

  it('verifies what it signs, within 5 minutes either way', () => {
    const header = signWebhook(body, ['whsec_a'], now);
    expect(header).toMatch(/^t=1767225600,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(body, header, 'whsec_a', 300, now + 300)).toBe(true);
    expect(verifyWebhookSignature(Buffer.from(body), header, 'whsec_a', 300, now - 300)).toBe(true);
    expect(verifyWebhookSignature(body, header, 'whsec_a', 300, now + 301)).toBe(false);
    expect(verifyWebhookSignature(body, header, 'whsec_b', 300, now)).toBe(false);
    expect(verifyWebhookSignature(`${body} `, header, 'whsec_a', 300, now)).toBe(false);
  });

  it('accepts any of several v1 signatures (secret rotation) and refuses malformed headers', () => {
    const header = signWebhook(body, ['whsec_new', 'whsec_old'], now);
    expect(verifyWebhookSignature(body, header, 'whsec_old', 300, now)).toBe(true);
    expect(verifyWebhookSignature(body, header, 'whsec_new', 300, now)).toBe(true);
    for (const bad of ['', 'v1=abc', `t=${now}`, `t=x,v1=${'0'.repeat(64)}`, `t=${now},v1=zz`]) {
      expect(verifyWebhookSignature(body, bad, 'whsec_new', 300, now)).toBe(false);
    }
  });

  it('is the very function the README documents', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const source = readFileSync(join(__dirname, 'webhook-signature.ts'), 'utf8');
    const fn = (text: string) => /function verifyWebhookSignature[\s\S]*?\n}\n/.exec(text)?.[0];
    expect(fn(readme)).toBeDefined();
    expect(fn(readme)).toBe(fn(source));
  });
});
