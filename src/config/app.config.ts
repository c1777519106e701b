import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { blockchainSection } from '../blockchain/blockchain.config';
import { fraudSection } from '../fraud/fraud.config';
import { configToken } from './config-token';
import { developmentSecret } from './dev-secrets';
import { ConfigError, type EnvironmentVariables, validateEnvironment } from './env.validation';
import { projectRoot } from './project-root';

export const DEVELOPMENT_ADMIN_EMAIL = 'admin@nfcpay.local';

/**
 * The whole configuration, built once at start-up from the environment (main.ts) or from an explicit
 * object (tests, benches) and injected by section. Nothing else reads process.env.
 */
export function loadConfiguration(raw: Record<string, string | undefined>) {
  const env = validateEnvironment(raw);
  const production = env.NODE_ENV === 'production';
  const cacheDir = env.NFCPAY_CACHE_DIR ?? join(projectRoot, '.cache');
  const secret = (name: string, configured: string | undefined) => configured ?? (production ? undefined : developmentSecret(cacheDir, name));
  return {
    app: {
      nodeEnv: env.NODE_ENV,
      isProduction: production,
      role: env.APP_ROLE,
      port: env.PORT,
      host: env.HOST,
      metricsPort: env.METRICS_PORT,
      bodyLimit: env.BODY_LIMIT,
      maxInFlightRequests: env.MAX_IN_FLIGHT_REQUESTS,
      frontendUrl: env.FRONTEND_URL,
      logLevel: env.LOG_LEVEL,
      logFormat: env.LOG_FORMAT ?? (env.NODE_ENV === 'development' ? 'pretty' : 'json'),
      cacheDir,
    },
    database: {
      /** No MONGODB_URI: `npm start` runs its own MongoDB-compatible server (never in production). */
      embedded: !env.MONGODB_URI,
      uri: env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017',
      dbName: env.MONGODB_DB_NAME,
      monitorCommands: env.MONGODB_MONITOR_COMMANDS,
      maxPoolSize: env.MONGODB_MAX_POOL_SIZE,
    },
    redis: {
      embedded: !env.REDIS_URL,
      url: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      keyPrefix: env.REDIS_KEY_PREFIX,
      queueLockDurationMs: env.QUEUE_LOCK_DURATION_MS,
      queueStalledIntervalMs: env.QUEUE_STALLED_INTERVAL_MS,
    },
    auth: {
      jwtSecret: secret('JWT_SECRET', env.JWT_SECRET)!,
      jwtExpiresIn: env.JWT_EXPIRES_IN,
      terminalOfflineAfterSeconds: env.TERMINAL_OFFLINE_AFTER_SECONDS,
      ...adminAccount(env, (name) => developmentSecret(cacheDir, name)),
    },
    payments: {
      limitsTimeZone: env.LIMITS_TIMEZONE,
      mistPerUnit: BigInt(env.SETTLEMENT_MIST_PER_UNIT),
      paymentConcurrency: env.PAYMENT_QUEUE_CONCURRENCY,
      outboxSweepIntervalMs: env.OUTBOX_SWEEP_INTERVAL_MS,
      idempotencyTtlHours: env.IDEMPOTENCY_TTL_HOURS,
      platformFeeBps: env.PLATFORM_FEE_BPS,
      payoutSchedule: parsePayoutSchedule(env.PAYOUT_SCHEDULE),
    },
    /** Named request limits. TTLs in milliseconds, as @nestjs/throttler 6 takes them. */
    throttling: {
      enabled: env.THROTTLE_ENABLED,
      payment: { limit: env.THROTTLE_PAYMENT_LIMIT, cardLimit: env.THROTTLE_PAYMENT_CARD_LIMIT, ttlMs: env.THROTTLE_PAYMENT_TTL_SECONDS * 1000 },
      nfc: { limit: env.THROTTLE_NFC_LIMIT, ttlMs: env.THROTTLE_NFC_TTL_SECONDS * 1000 },
      auth: { ipLimit: env.THROTTLE_AUTH_IP_LIMIT, accountLimit: env.THROTTLE_AUTH_ACCOUNT_LIMIT, ttlMs: env.THROTTLE_AUTH_TTL_SECONDS * 1000 },
    },
    /** Merchant webhooks and failure alerts (src/notifications, src/merchants). */
    webhooks: {
      /** Encrypts merchants' webhook secrets at rest; without it (WEBHOOKS_ENABLED=false) setting a webhook answers 503. */
      secretKey: env.WEBHOOKS_ENABLED ? secret('WEBHOOK_SECRET_KEY', env.WEBHOOK_SECRET_KEY) : undefined,
      requireHttps: production,
      allowPrivateUrls: env.WEBHOOK_ALLOW_PRIVATE_URLS,
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
      retryDelayMs: env.WEBHOOK_RETRY_DELAY_MS,
      maxAttempts: env.WEBHOOK_MAX_ATTEMPTS,
      concurrency: env.WEBHOOK_CONCURRENCY,
      secretGraceHours: env.WEBHOOK_SECRET_GRACE_HOURS,
      alertWebhookUrl: env.ALERT_WEBHOOK_URL,
      alertConcurrency: env.NOTIFICATION_QUEUE_CONCURRENCY,
    },
    metrics: { token: secret('METRICS_TOKEN', env.METRICS_TOKEN)!, production },
    blockchain: blockchainSection(env),
    fraud: fraudSection(env),
    cards: {
      issuerKey: cardIssuerKey(env.CARD_ISSUER_KEY, production, (name) => developmentSecret(cacheDir, name)),
      cvmLimitDefault: env.CVM_LIMIT_DEFAULT,
      pinEntryTimeoutMs: env.PIN_ENTRY_TIMEOUT_SECONDS * 1000,
    },
  };
}

export type NfcPayConfig = ReturnType<typeof loadConfiguration>;

export const appConfig = configToken('app');
export const databaseConfig = configToken('database');
export const redisConfig = configToken('redis');
export const authConfig = configToken('auth');
export const paymentsConfig = configToken('payments');
export const throttlingConfig = configToken('throttling');
export const webhooksConfig = configToken('webhooks');
export const metricsConfig = configToken('metrics');
export const cardsConfig = configToken('cards');

export type AppConfig = NfcPayConfig['app'];
export type DatabaseConfig = NfcPayConfig['database'];
export type RedisConfig = NfcPayConfig['redis'];
export type AuthConfig = NfcPayConfig['auth'];
export type PaymentsConfig = NfcPayConfig['payments'];
export type ThrottlingConfig = NfcPayConfig['throttling'];
export type WebhooksConfig = NfcPayConfig['webhooks'];
export type MetricsConfig = NfcPayConfig['metrics'];
export type CardsConfig = NfcPayConfig['cards'];

/**
 * ADMIN_EMAIL with ADMIN_PASSWORD (or ADMIN_PASSWORD_FILE) names the admin created at start-up in
 * any environment. Outside production, with none named, a development admin whose password is in
 * the development secrets.
 */
function adminAccount(env: EnvironmentVariables, devSecret: (name: string) => string): { adminEmail?: string; adminPassword?: string } {
  const password = env.ADMIN_PASSWORD ?? (env.ADMIN_PASSWORD_FILE ? readPasswordFile(env.ADMIN_PASSWORD_FILE) : undefined);
  if (env.ADMIN_EMAIL && !password) throw new ConfigError('Invalid configuration: ADMIN_PASSWORD: is required with ADMIN_EMAIL (or give ADMIN_PASSWORD_FILE)');
  if (env.ADMIN_EMAIL) return { adminEmail: env.ADMIN_EMAIL, adminPassword: password };
  if (env.NODE_ENV === 'production') return {};
  return { adminEmail: DEVELOPMENT_ADMIN_EMAIL, adminPassword: devSecret('ADMIN_PASSWORD') };
}

function readPasswordFile(path: string): string {
  let password: string;
  try {
    password = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new ConfigError(`Invalid configuration: ADMIN_PASSWORD_FILE: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (password.length < 12) throw new ConfigError('Invalid configuration: ADMIN_PASSWORD_FILE: the password in it must be at least 12 characters');
  return password;
}

/** The issuer key of secure cards; outside production, 16 bytes derived from a generated development secret. */
function cardIssuerKey(configured: string | undefined, production: boolean, devSecret: (name: string) => string): Buffer | undefined {
  if (configured) return Buffer.from(configured, 'hex');
  if (production) return undefined;
  return createHash('sha256').update(devSecret('CARD_ISSUER_KEY')).digest().subarray(0, 16);
}

/** PAYOUT_SCHEDULE, as validated: when the worker pays every merchant's available balance out. */
export type PayoutSchedule = { kind: 'off' } | { kind: 'daily'; hour: number } | { kind: 'threshold'; amount: number };

export function parsePayoutSchedule(value: string): PayoutSchedule {
  if (value.startsWith('daily@')) return { kind: 'daily', hour: Number(value.slice('daily@'.length)) };
  if (value.startsWith('threshold:')) return { kind: 'threshold', amount: Number(value.slice('threshold:'.length)) };
  return { kind: 'off' };
}
