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
    adminEmail: env.ADMIN_EMAIL,
    adminPassword: env.ADMIN_PASSWORD,
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

export type PaymentsConfig = ConfigType<typeof paymentsConfig>;
export type AppConfig = ConfigType<typeof appConfig>;
export type DatabaseConfig = ConfigType<typeof databaseConfig>;
export type RedisConfig = ConfigType<typeof redisConfig>;
export type AuthConfig = ConfigType<typeof authConfig>;
