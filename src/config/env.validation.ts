import { plainToInstance, Transform, TransformFnParams, Type } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsInt, IsTimeZone, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

/** "true"/"1"/"yes" and "false"/"0"/"no"; anything else is left for @IsBoolean to reject. */
function toBoolean({ obj, key }: TransformFnParams): unknown {
  const raw = obj[key];
  if (typeof raw === 'boolean') return raw;
  if (/^(true|1|yes)$/i.test(String(raw))) return true;
  if (/^(false|0|no)$/i.test(String(raw))) return false;
  return raw;
}

/**
 * Every environment variable the process reads, validated once at start-up. `.env.example`
 * documents each of them; keep the two in step.
 */
export class EnvironmentVariables {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 8080;

  @IsString()
  HOST: string = '0.0.0.0';

  @IsOptional()
  @Matches(/^mongodb(\+srv)?:\/\/\S+$/, { message: 'MONGODB_URI must be a mongodb:// or mongodb+srv:// URI' })
  MONGODB_URI?: string;

  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,63}$/, { message: 'MONGODB_DB_NAME must be 1-63 letters, digits, _ or -' })
  MONGODB_DB_NAME: string = 'nfcpay';

  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @IsString()
  @Matches(/^[A-Za-z0-9:_-]{0,64}$/, { message: 'REDIS_KEY_PREFIX may hold only letters, digits, ":", "_" and "-"' })
  REDIS_KEY_PREFIX: string = 'nfcpay:';

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  @IsString()
  @Matches(/^\d+[smhd]$/, { message: 'JWT_EXPIRES_IN must look like 900s, 15m, 12h or 7d' })
  JWT_EXPIRES_IN: string = '1h';

  /** Encrypts custodial wallet keys (validated in full by the blockchain config). */
  @IsOptional()
  @IsString()
  WALLET_MASTER_KEY?: string;

  @IsOptional()
  @IsEmail({}, { message: 'ADMIN_EMAIL must be an email address' })
  ADMIN_EMAIL?: string;

  @IsOptional()
  @IsString()
  @MinLength(12, { message: 'ADMIN_PASSWORD must be at least 12 characters' })
  ADMIN_PASSWORD?: string;

  /** MIST (1e-9 SUI) settled per minor unit of the card currency: 75 000 VND × 1000 = 0.075 SUI. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  SETTLEMENT_MIST_PER_UNIT: number = 1000;

  /** IANA time zone whose calendar day the daily card limits count in. */
  @IsString()
  @IsTimeZone({ message: 'LIMITS_TIMEZONE must be an IANA time zone such as UTC or Asia/Ho_Chi_Minh' })
  LIMITS_TIMEZONE: string = 'UTC';

  @Transform(toBoolean)
  @IsBoolean()
  API_ENABLED: boolean = true;

  @Transform(toBoolean)
  @IsBoolean()
  WORKERS_ENABLED: boolean = true;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(256)
  PAYMENT_QUEUE_CONCURRENCY: number = 16;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64)
  NOTIFICATION_QUEUE_CONCURRENCY: number = 4;

  /** How long a worker holds a job before Bull counts it as stalled (its worker died) and retries it. */
  @Type(() => Number)
  @IsInt()
  @Min(500)
  QUEUE_LOCK_DURATION_MS: number = 30_000;

  @Type(() => Number)
  @IsInt()
  @Min(500)
  QUEUE_STALLED_INTERVAL_MS: number = 30_000;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  OUTBOX_SWEEP_INTERVAL_MS: number = 5_000;

  @Type(() => Number)
  @IsInt()
  @Min(24)
  IDEMPOTENCY_TTL_HOURS: number = 24;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  @IsOptional()
  @IsIn(['json', 'pretty'])
  LOG_FORMAT?: 'json' | 'pretty';

  @IsString()
  @Matches(/^\d+(kb|mb)$/, { message: 'BODY_LIMIT must look like 32kb or 1mb' })
  BODY_LIMIT: string = '32kb';

  @IsString()
  FRONTEND_URL: string = 'http://localhost:3000';

  // --- throttling (src/common/throttling) -----------------------------------------------------

  /** Off only for load tests: every named limit is skipped. */
  @Transform(toBoolean)
  @IsBoolean()
  THROTTLE_ENABLED: boolean = true;

  /** `strict-nfc`: process-async calls per terminal (or cardholder) per THROTTLE_PAYMENT_TTL_SECONDS. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  THROTTLE_PAYMENT_LIMIT: number = 120;

  /** `strict-nfc-card`: process-async calls per card per THROTTLE_PAYMENT_TTL_SECONDS. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  THROTTLE_PAYMENT_CARD_LIMIT: number = 30;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  THROTTLE_PAYMENT_TTL_SECONDS: number = 60;

  /** `nfc`: calls to status, history and ops routes per caller (or IP) per THROTTLE_NFC_TTL_SECONDS. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  THROTTLE_NFC_LIMIT: number = 600;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  THROTTLE_NFC_TTL_SECONDS: number = 60;

  /** `auth-ip`: login, register and terminal-token calls per client IP per THROTTLE_AUTH_TTL_SECONDS. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  THROTTLE_AUTH_IP_LIMIT: number = 30;

  /** `auth-account`: login calls per email, terminal-token calls per terminalId, per THROTTLE_AUTH_TTL_SECONDS. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  THROTTLE_AUTH_ACCOUNT_LIMIT: number = 10;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  THROTTLE_AUTH_TTL_SECONDS: number = 60;

  // --- merchant webhooks and alerts (src/notifications) ---------------------------------------

  /** 32 bytes (base64 or hex) encrypting webhook secrets at rest. Production without it cannot sign webhooks. */
  @IsOptional()
  @Matches(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)$/, { message: 'WEBHOOK_SECRET_KEY must be 32 bytes as 64 hex digits or base64 (openssl rand -base64 32)' })
  WEBHOOK_SECRET_KEY?: string;

  /** Development only: let webhook URLs point at loopback, private or link-local addresses. */
  @Transform(toBoolean)
  @IsBoolean()
  WEBHOOK_ALLOW_PRIVATE_URLS: boolean = false;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60_000)
  WEBHOOK_TIMEOUT_MS: number = 10_000;

  /** Bull exponential backoff base: the n-th retry waits (2^n - 1) × this. */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  WEBHOOK_RETRY_DELAY_MS: number = 8_000;

  /** With the default delay, 15 attempts span about 3 days. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(30)
  WEBHOOK_MAX_ATTEMPTS: number = 15;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(256)
  WEBHOOK_CONCURRENCY: number = 32;

  /** After a rotation, deliveries are also signed with the old secret for this many hours. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(720)
  WEBHOOK_SECRET_GRACE_HOURS: number = 24;

  /** Optional: every failed-payment alert is also POSTed here (JSON). */
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'ALERT_WEBHOOK_URL must be an http(s) URL' })
  ALERT_WEBHOOK_URL?: string;

  // --- metrics (src/metrics) -------------------------------------------------------------------

  /** When set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`; otherwise protect it by network policy. */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters' })
  METRICS_TOKEN?: string;
}

export class ConfigError extends Error {}

/** Parses and checks the environment; throws a ConfigError whose message is one line naming the variable. */
export function validateEnvironment(raw: Record<string, unknown>): EnvironmentVariables {
  const env = plainToInstance(EnvironmentVariables, withoutEmptyValues(raw), { enableImplicitConversion: true });
  const [first] = validateSync(env, { skipMissingProperties: false, whitelist: false });
  if (first) {
    const message = Object.values(first.constraints ?? {}).reverse().join('; ') || 'is invalid';
    throw new ConfigError(`Invalid configuration: ${first.property}: ${message}`);
  }
  if (env.NODE_ENV === 'production') requireProductionSettings(env);
  return env;
}

function requireProductionSettings(env: EnvironmentVariables): void {
  if (!env.JWT_SECRET) throw new ConfigError('Invalid configuration: JWT_SECRET: is required when NODE_ENV=production');
  if (isWeakSecret(env.JWT_SECRET)) {
    throw new ConfigError('Invalid configuration: JWT_SECRET: is too weak for production (use 32+ random characters, e.g. `openssl rand -base64 48`)');
  }
  for (const name of ['MONGODB_URI', 'REDIS_URL', 'WALLET_MASTER_KEY'] as const) {
    if (!env[name]) throw new ConfigError(`Invalid configuration: ${name}: is required when NODE_ENV=production`);
  }
}

function isWeakSecret(secret: string): boolean {
  const distinct = new Set(secret).size;
  return distinct < 12 || /change.?me|secret|example|password/i.test(secret);
}

/** `PORT=` in a .env file means "unset", not "the empty string". */
function withoutEmptyValues(raw: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== ''));
}
