import { ServiceUnavailableException } from '@nestjs/common';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfiguration } from '../../config/app.config';
import { CardIssuer } from './card-issuer';

const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: 'q7Vx2LmN9pR4tW8yB3cF6hJ1kZ5sD0gA',
  MONGODB_URI: 'mongodb://db',
  REDIS_URL: 'redis://cache',
  WALLET_MASTER_KEY: '0'.repeat(64),
  SUI_NETWORK: 'testnet',
  METRICS_TOKEN: 'metrics-token-0123456789',
  WEBHOOKS_ENABLED: 'false',
};

describe('CARD_ISSUER_KEY', () => {
  it('is the configured 16 bytes', () => {
    const config = loadConfiguration({ ...PRODUCTION, CARD_ISSUER_KEY: '00000000000000000000000000000001' });
    expect(config.cards.issuerKey?.toString('hex')).toBe('00000000000000000000000000000001');
    expect(new CardIssuer(config.cards).programming('04a39493cc8680', 1).k2).toBe('f4b404be700ab285e333e32348fa3d3b');
  });

  it('refuses anything but 32 hex digits', () => {
    expect(() => loadConfiguration({ ...PRODUCTION, CARD_ISSUER_KEY: 'abc' })).toThrow(/CARD_ISSUER_KEY/);
  });

  it('in production without it: no secure card can be registered (503 naming it), and no SUN tap verifies', () => {
    const issuer = new CardIssuer(loadConfiguration(PRODUCTION).cards);
    expect(() => issuer.programming('04a39493cc8680', 1)).toThrow(ServiceUnavailableException);
    expect(() => issuer.programming('04a39493cc8680', 1)).toThrow(/CARD_ISSUER_KEY/);
    expect(issuer.encryptionKey()).toBeUndefined();
  });

  it('outside production, is generated once into the development secrets', () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'nfcpay-issuer-'));
    const first = loadConfiguration({ NFCPAY_CACHE_DIR: cacheDir }).cards.issuerKey;
    expect(first).toHaveLength(16);
    expect(loadConfiguration({ NFCPAY_CACHE_DIR: cacheDir }).cards.issuerKey?.equals(first!)).toBe(true);
  });
});
