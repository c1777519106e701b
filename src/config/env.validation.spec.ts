import 'reflect-metadata';
import { ConfigError, validateEnvironment } from './env.validation';
import { PRODUCTION_ENVIRONMENT } from './production-environment.fixture';

describe('validateEnvironment', () => {
  it('fills in the development defaults', () => {
    const env = validateEnvironment({});
    expect(env).toMatchObject({ NODE_ENV: 'development', PORT: 8080, MONGODB_DB_NAME: 'nfcpay', REDIS_KEY_PREFIX: 'nfcpay:', BODY_LIMIT: '32kb' });
  });

  it('converts numbers and treats empty values as unset', () => {
    expect(validateEnvironment({ PORT: '9090', LOG_FORMAT: '' }).PORT).toBe(9090);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['NODE_ENV', 'staging'],
    ['MONGODB_URI', 'http://db'],
    ['REDIS_URL', 'localhost:6379'],
    ['JWT_SECRET', 'short'],
    ['JWT_EXPIRES_IN', '1 hour'],
    ['LOG_LEVEL', 'verbose'],
    ['BODY_LIMIT', 'lots'],
  ])('rejects %s=%s with one line naming it', (name, value) => {
    expect(() => validateEnvironment({ [name]: value })).toThrow(ConfigError);
    expect(() => validateEnvironment({ [name]: value })).toThrow(new RegExp(`^Invalid configuration: ${name}: [^\\n]+$`));
  });

  describe('in production', () => {
    const complete: Record<string, string | undefined> = { ...PRODUCTION_ENVIRONMENT };

    it('starts with every secret and server given', () => {
      expect(validateEnvironment(complete).NODE_ENV).toBe('production');
    });

    it.each(['JWT_SECRET', 'MONGODB_URI', 'REDIS_URL', 'WALLET_MASTER_KEY', 'SUI_NETWORK', 'METRICS_TOKEN', 'WEBHOOK_SECRET_KEY'])('requires %s', (name) => {
      expect(() => validateEnvironment({ ...complete, [name]: undefined })).toThrow(new RegExp(`^Invalid configuration: ${name}: is required[^\\n]*$`));
    });

    it('starts on the local ledger only when SUI_NETWORK=local says so', () => {
      expect(validateEnvironment({ ...complete, SUI_NETWORK: 'local' }).SUI_NETWORK).toBe('local');
    });

    it('needs no webhook key when webhooks are off', () => {
      expect(validateEnvironment({ ...complete, WEBHOOK_SECRET_KEY: undefined, WEBHOOKS_ENABLED: 'false' }).WEBHOOKS_ENABLED).toBe(false);
    });

    it.each(['a'.repeat(40), 'changeme-changeme-changeme-changeme!', 'my-super-secret-jwt-signing-key-123456'])('refuses the weak secret %s', (secret) => {
      expect(() => validateEnvironment({ ...complete, JWT_SECRET: secret })).toThrow(/JWT_SECRET: is too weak/);
    });
  });
});

describe('booleans', () => {
  it.each([
    ['false', false],
    ['0', false],
    ['true', true],
    ['yes', true],
  ])('reads THROTTLE_ENABLED=%s as %s', (raw, expected) => {
    expect(validateEnvironment({ THROTTLE_ENABLED: raw }).THROTTLE_ENABLED).toBe(expected);
  });

  it('rejects a word it does not know', () => {
    expect(() => validateEnvironment({ THROTTLE_ENABLED: 'maybe' })).toThrow(/THROTTLE_ENABLED/);
  });
});
