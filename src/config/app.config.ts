import { ConfigType, registerAs } from '@nestjs/config';
import { developmentSecret } from './dev-secrets';
import { validateEnvironment } from './env.validation';

/** Typed, validated configuration, grouped by concern. Inject with `@Inject(appConfig.KEY)`. */
export const appConfig = registerAs('app', () => {
  const env = validateEnvironment(process.env);
  return {
    nodeEnv: env.NODE_ENV,
    isProduction: env.NODE_ENV === 'production',
    port: env.PORT,
    host: env.HOST,
    bodyLimit: env.BODY_LIMIT,
    frontendUrl: env.FRONTEND_URL,
    logLevel: env.LOG_LEVEL,
    logFormat: env.LOG_FORMAT ?? (env.NODE_ENV === 'development' ? 'pretty' : 'json'),
  };
});

export const databaseConfig = registerAs('database', () => {
  const env = validateEnvironment(process.env);
  return { uri: env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017', dbName: env.MONGODB_DB_NAME };
});

export const redisConfig = registerAs('redis', () => {
  const env = validateEnvironment(process.env);
  return {
    url: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    keyPrefix: env.REDIS_KEY_PREFIX,
    queueLockDurationMs: env.QUEUE_LOCK_DURATION_MS,
    queueStalledIntervalMs: env.QUEUE_STALLED_INTERVAL_MS,
  };
});

export const authConfig = registerAs('auth', () => {
  const env = validateEnvironment(process.env);
  return {
    jwtSecret: env.JWT_SECRET ?? developmentSecret('JWT_SECRET'),
    jwtExpiresIn: env.JWT_EXPIRES_IN,
    ...adminAccount(env),
  };
});

export const paymentsConfig = registerAs('payments', () => {
  const env = validateEnvironment(process.env);
  return {
    limitsTimeZone: env.LIMITS_TIMEZONE,
    mistPerUnit: BigInt(env.SETTLEMENT_MIST_PER_UNIT),
    apiEnabled: env.API_ENABLED,
    workersEnabled: env.WORKERS_ENABLED,
    paymentConcurrency: env.PAYMENT_QUEUE_CONCURRENCY,
    notificationConcurrency: env.NOTIFICATION_QUEUE_CONCURRENCY,
    outboxSweepIntervalMs: env.OUTBOX_SWEEP_INTERVAL_MS,
    idempotencyTtlHours: env.IDEMPOTENCY_TTL_HOURS,
  };
});

/** Named request limits (src/common/throttling). TTLs in milliseconds, as @nestjs/throttler 6 takes them. */
export const throttlingConfig = registerAs('throttling', () => {
  const env = validateEnvironment(process.env);
  return {
    enabled: env.THROTTLE_ENABLED,
    payment: { limit: env.THROTTLE_PAYMENT_LIMIT, cardLimit: env.THROTTLE_PAYMENT_CARD_LIMIT, ttlMs: env.THROTTLE_PAYMENT_TTL_SECONDS * 1000 },
    nfc: { limit: env.THROTTLE_NFC_LIMIT, ttlMs: env.THROTTLE_NFC_TTL_SECONDS * 1000 },
    auth: { ipLimit: env.THROTTLE_AUTH_IP_LIMIT, accountLimit: env.THROTTLE_AUTH_ACCOUNT_LIMIT, ttlMs: env.THROTTLE_AUTH_TTL_SECONDS * 1000 },
  };
});

/** Merchant webhooks and failure alerts (src/notifications, src/merchants). */
export const webhooksConfig = registerAs('webhooks', () => {
  const env = validateEnvironment(process.env);
  const production = env.NODE_ENV === 'production';
  return {
    /**
     * 32-byte key encrypting merchants' webhook secrets at rest. Production without it still starts
     * (webhooks are optional), but nothing can be signed: setting a webhook answers 503.
     */
    secretKey: env.WEBHOOK_SECRET_KEY ?? (production ? undefined : developmentSecret('WEBHOOK_SECRET_KEY')),
    requireHttps: production,
    allowPrivateUrls: env.WEBHOOK_ALLOW_PRIVATE_URLS,
    timeoutMs: env.WEBHOOK_TIMEOUT_MS,
    retryDelayMs: env.WEBHOOK_RETRY_DELAY_MS,
    maxAttempts: env.WEBHOOK_MAX_ATTEMPTS,
    concurrency: env.WEBHOOK_CONCURRENCY,
    secretGraceHours: env.WEBHOOK_SECRET_GRACE_HOURS,
    alertWebhookUrl: env.ALERT_WEBHOOK_URL,
    alertConcurrency: env.NOTIFICATION_QUEUE_CONCURRENCY,
    workersEnabled: env.WORKERS_ENABLED,
  };
});

export const metricsConfig = registerAs('metrics', () => {
  const env = validateEnvironment(process.env);
  return { token: env.METRICS_TOKEN, production: env.NODE_ENV === 'production' };
});

export type ThrottlingConfig = ConfigType<typeof throttlingConfig>;
export type WebhooksConfig = ConfigType<typeof webhooksConfig>;
export type MetricsConfig = ConfigType<typeof metricsConfig>;
export type PaymentsConfig = ConfigType<typeof paymentsConfig>;
/** Outside production, with no admin configured, a development admin whose password is in .cache/dev-secrets.json. */
function adminAccount(env: ReturnType<typeof validateEnvironment>): { adminEmail?: string; adminPassword?: string } {
  if (env.ADMIN_EMAIL && env.ADMIN_PASSWORD) return { adminEmail: env.ADMIN_EMAIL, adminPassword: env.ADMIN_PASSWORD };
  if (env.NODE_ENV === 'production') return {};
  return { adminEmail: DEVELOPMENT_ADMIN_EMAIL, adminPassword: developmentSecret('ADMIN_PASSWORD') };
}

export const DEVELOPMENT_ADMIN_EMAIL = 'admin@nfcpay.local';

export type AppConfig = ConfigType<typeof appConfig>;
export type DatabaseConfig = ConfigType<typeof databaseConfig>;
export type RedisConfig = ConfigType<typeof redisConfig>;
export type AuthConfig = ConfigType<typeof authConfig>;
