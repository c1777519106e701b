import { plainToInstance, Transform, TransformFnParams } from 'class-transformer';
import { getMetadataStorage, IsBoolean, IsEmail, IsIn, IsInt, IsTimeZone, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, ValidateBy, validateSync } from 'class-validator';

export const APP_ROLES = ['all', 'api', 'worker'] as const;
export type AppRole = (typeof APP_ROLES)[number];

/** "true"/"1"/"yes" and "false"/"0"/"no"; anything else is left for @IsBoolean to reject. */
function toBoolean({ obj, key }: TransformFnParams): unknown {
  const raw = obj[key];
  if (typeof raw === 'boolean') return raw;
  if (/^(true|1|yes)$/i.test(String(raw))) return true;
  if (/^(false|0|no)$/i.test(String(raw))) return false;
  return raw;
}

/** Whole numbers as digits only ("1e5" or "10.0" stay strings, for @IsInt to reject). */
function toInteger({ obj, key }: TransformFnParams): unknown {
  const raw = obj[key];
  return typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : raw;
}

/** Digits (with `_` separators allowed, as in 1_000_000) as a bigint; anything else is left for the check to reject. */
function toBigInt({ obj, key }: TransformFnParams): unknown {
  const raw = String(obj[key]).trim().replace(/_/g, '');
  return /^\d+$/.test(raw) ? BigInt(raw) : obj[key];
}

function IsPositiveBigInt() {
  return ValidateBy({
    name: 'isPositiveBigInt',
    validator: { validate: (value) => typeof value === 'bigint' && value > 0n, defaultMessage: (args) => `${args?.property} must be a positive integer` },
  });
}

/**
 * Every environment variable the process reads, validated once at start-up. `.env.example`
 * documents each of them; keep the two in step.
 */
export class EnvironmentVariables {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  /** all: one process serves the API and runs the workers; api or worker: one role per process. */
  @IsIn(APP_ROLES)
  APP_ROLE: AppRole = 'all';

  /** A worker-only process serves /health and /metrics here. */
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(65535)
  METRICS_PORT: number = 9464;

  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 8080;

  /** Loopback by default: a development server is not on the network unless asked (HOST=0.0.0.0 in containers). */
  @IsString()
  HOST: string = '127.0.0.1';

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

  /** A file holding ADMIN_PASSWORD (a Docker or Kubernetes secret); read at start-up. */
  @IsOptional()
  @IsString()
  ADMIN_PASSWORD_FILE?: string;

  /** MIST (1e-9 SUI) settled per minor unit of the card currency: 75 000 VND × 1000 = 0.075 SUI. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  SETTLEMENT_MIST_PER_UNIT: number = 1000;

  /** IANA time zone whose calendar day the daily card limits count in. */
  @IsString()
  @IsTimeZone({ message: 'LIMITS_TIMEZONE must be an IANA time zone such as UTC or Asia/Ho_Chi_Minh' })
  LIMITS_TIMEZONE: string = 'UTC';

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(256)
  PAYMENT_QUEUE_CONCURRENCY: number = 16;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(64)
  NOTIFICATION_QUEUE_CONCURRENCY: number = 4;

  /** How long a worker holds a job before Bull counts it as stalled (its worker died) and retries it. */
  @Transform(toInteger)
  @IsInt()
  @Min(500)
  QUEUE_LOCK_DURATION_MS: number = 30_000;

  @Transform(toInteger)
  @IsInt()
  @Min(500)
  QUEUE_STALLED_INTERVAL_MS: number = 30_000;

  @Transform(toInteger)
  @IsInt()
  @Min(100)
  OUTBOX_SWEEP_INTERVAL_MS: number = 5_000;

  @Transform(toInteger)
  @IsInt()
  @Min(24)
  IDEMPOTENCY_TTL_HOURS: number = 24;

  /**
   * Connections to MongoDB per process. FerretDB's SQLite backend (the embedded server) holds an
   * update's query open while it takes a second connection for the write, out of a pool of 100 (400
   * in our build): enough concurrent updates across all processes deadlock it. A small pool per
   * process keeps them far below that; group commit needs few connections anyway.
   */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(500)
  MONGODB_MAX_POOL_SIZE: number = 20;

  /** Count every MongoDB command in /metrics (nfcpay_db_commands_total; profiling). */
  @Transform(toBoolean)
  @IsBoolean()
  MONGODB_MONITOR_COMMANDS: boolean = false;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  @IsOptional()
  @IsIn(['json', 'pretty'])
  LOG_FORMAT?: 'json' | 'pretty';

  /** Requests one process works on at once; more are answered 503 with Retry-After instead of queueing without bound. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  MAX_IN_FLIGHT_REQUESTS: number = 512;

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
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  THROTTLE_PAYMENT_LIMIT: number = 120;

  /** `strict-nfc-card`: process-async calls per card per THROTTLE_PAYMENT_TTL_SECONDS. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  THROTTLE_PAYMENT_CARD_LIMIT: number = 30;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  THROTTLE_PAYMENT_TTL_SECONDS: number = 60;

  /** `nfc`: calls to status, history and ops routes per caller (or IP) per THROTTLE_NFC_TTL_SECONDS. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  THROTTLE_NFC_LIMIT: number = 600;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  THROTTLE_NFC_TTL_SECONDS: number = 60;

  /** `auth-ip`: login, register and terminal-token calls per client IP per THROTTLE_AUTH_TTL_SECONDS. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  THROTTLE_AUTH_IP_LIMIT: number = 30;

  /** `auth-account`: login calls per email, terminal-token calls per terminalId, per THROTTLE_AUTH_TTL_SECONDS. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  THROTTLE_AUTH_ACCOUNT_LIMIT: number = 10;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  THROTTLE_AUTH_TTL_SECONDS: number = 60;

  // --- merchant webhooks and alerts (src/notifications) ---------------------------------------

  /** 32 bytes (base64 or hex) encrypting webhook secrets at rest. Production without it cannot sign webhooks. */
  @IsOptional()
  @Matches(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)$/, { message: 'WEBHOOK_SECRET_KEY must be 32 bytes as 64 hex digits or base64 (openssl rand -base64 32)' })
  WEBHOOK_SECRET_KEY?: string;

  /** false: this deployment sends no merchant webhooks, and production needs no WEBHOOK_SECRET_KEY. */
  @Transform(toBoolean)
  @IsBoolean()
  WEBHOOKS_ENABLED: boolean = true;

  /** Development only: let webhook URLs point at loopback, private or link-local addresses. */
  @Transform(toBoolean)
  @IsBoolean()
  WEBHOOK_ALLOW_PRIVATE_URLS: boolean = false;

  @Transform(toInteger)
  @IsInt()
  @Min(100)
  @Max(60_000)
  WEBHOOK_TIMEOUT_MS: number = 10_000;

  /** Bull exponential backoff base: the n-th retry waits (2^n - 1) × this. */
  @Transform(toInteger)
  @IsInt()
  @Min(10)
  WEBHOOK_RETRY_DELAY_MS: number = 8_000;

  /** With the default delay, 15 attempts span about 3 days. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(30)
  WEBHOOK_MAX_ATTEMPTS: number = 15;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(256)
  WEBHOOK_CONCURRENCY: number = 32;

  /** After a rotation, deliveries are also signed with the old secret for this many hours. */
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(720)
  WEBHOOK_SECRET_GRACE_HOURS: number = 24;

  /** Optional: every failed-payment alert is also POSTed here (JSON). */
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'ALERT_WEBHOOK_URL must be an http(s) URL' })
  ALERT_WEBHOOK_URL?: string;

  // --- metrics (src/metrics) -------------------------------------------------------------------

  /** GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`. Required in production; generated into the development secrets otherwise. */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters' })
  METRICS_TOKEN?: string;

  // --- development servers (src/embedded) ---------------------------------------------------

  /** Where FerretDB is built and development secrets are kept (default: .cache in the project). */
  @IsOptional()
  @IsString()
  NFCPAY_CACHE_DIR?: string;

  /** Run the embedded FerretDB on this PostgreSQL instead of SQLite. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'FERRETDB_POSTGRESQL_URL must be a postgres:// URL' })
  FERRETDB_POSTGRESQL_URL?: string;

  // --- Sui (src/blockchain) ------------------------------------------------------------------

  /** testnet | mainnet | devnet: a real network over gRPC; local: the in-process ledger. Unset means local outside production; production must say. */
  @IsOptional()
  @IsIn(['testnet', 'mainnet', 'devnet', 'local'], { message: 'SUI_NETWORK must be one of testnet, mainnet, devnet, local' })
  SUI_NETWORK?: 'testnet' | 'mainnet' | 'devnet' | 'local';

  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'SUI_GRPC_URL must be an http(s) URL' })
  SUI_GRPC_URL?: string;

  /** What the local ledger's faucet gives each new wallet (MIST). */
  @Transform(toBigInt)
  @IsPositiveBigInt()
  LOCAL_LEDGER_FAUCET_MIST: bigint = 1_000_000_000_000n;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  WALLET_LEASE_TTL_MS: number = 30_000;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  SUI_SUBMIT_TIMEOUT_MS: number = 15_000;

  /** Failure drills on the local ledger only: `<amountMist>:transient:<n>,<amountMist>:permanent`. */
  @IsOptional()
  @IsString()
  LOCAL_LEDGER_FAULTS?: string;

  @Transform(toBoolean)
  @IsBoolean()
  SUI_SPONSORED_GAS: boolean = false;

  @IsOptional()
  @Matches(/^suiprivkey1[0-9a-z]+$/, { message: 'SUI_GAS_SPONSOR_KEY must be a suiprivkey1… key' })
  SUI_GAS_SPONSOR_KEY?: string;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(1024)
  SUI_GAS_POOL_SIZE: number = 16;

  // --- fraud (src/fraud) -----------------------------------------------------------------------

  /** With Redis down: allow_small, block_all or allow_all (see .env.example). */
  @IsIn(['allow_small', 'block_all', 'allow_all'])
  FRAUD_REDIS_DOWN_MODE: 'allow_small' | 'block_all' | 'allow_all' = 'allow_small';

  @Transform(toInteger)
  @IsInt()
  @Min(0)
  FRAUD_DEGRADED_MAX_AMOUNT: number = 200_000;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(10_000)
  FRAUD_REDIS_TIMEOUT_MS: number = 50;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(3650)
  FRAUD_ASSESSMENT_RETENTION_DAYS: number = 90;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(3650)
  FRAUD_BACKTEST_MAX_DAYS: number = 90;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  FRAUD_BACKTEST_MAX_PAYMENTS: number = 200_000;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(86_400)
  FRAUD_LIST_RESYNC_SECONDS: number = 60;

  /** A terminal not heard from (heartbeat) for longer than this shows as offline. */
  @Transform(toInteger)
  @IsInt()
  @Min(10)
  @Max(86_400)
  TERMINAL_OFFLINE_AFTER_SECONDS: number = 120;

  /** 16 bytes as 32 hex digits: every secure (SUN) card's keys derive from it. Production without it registers no secure card. */
  @IsOptional()
  @Matches(/^[0-9a-fA-F]{32}$/, { message: 'CARD_ISSUER_KEY must be 16 bytes as 32 hex digits (openssl rand -hex 16)' })
  CARD_ISSUER_KEY?: string;

  /** Above this amount (minor units) a contactless tap needs the cardholder's PIN, unless an admin set the card's own cvmLimit. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  CVM_LIMIT_DEFAULT: number = 1_000_000;

  /** How long a tap waiting for its PIN (requires_pin) stays open before it expires and its limit is given back. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(600)
  PIN_ENTRY_TIMEOUT_SECONDS: number = 60;

  // --- merchant money (src/merchants/money) -----------------------------------------------------

  /** Platform fee on each payment, in basis points (100 = 1%, at most 5000), sent to the platform fee wallet in the payment's own transaction. */
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(5_000)
  PLATFORM_FEE_BPS: number = 0;

  /** Scheduled payouts of every merchant's available balance: off, daily@HH (an hour in LIMITS_TIMEZONE) or threshold:<amount> (at most once a day). */
  @IsString()
  @Matches(/^(off|daily@([01]\d|2[0-3])|threshold:[1-9]\d{0,11})$/, { message: 'PAYOUT_SCHEDULE must be off, daily@HH (00-23) or threshold:<amount in the minor unit>' })
  PAYOUT_SCHEDULE: string = 'off';
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

/**
 * Production never falls back to a development default: every server, secret and the chain must
 * be named, so a deploy cannot quietly run on embedded servers, generated keys or the local ledger.
 */
function requireProductionSettings(env: EnvironmentVariables): void {
  const required = (name: keyof EnvironmentVariables, why = 'is required when NODE_ENV=production') => {
    if (!env[name]) throw new ConfigError(`Invalid configuration: ${name}: ${why}`);
  };
  required('JWT_SECRET');
  if (isWeakSecret(env.JWT_SECRET!)) {
    throw new ConfigError('Invalid configuration: JWT_SECRET: is too weak for production (use 32+ random characters, e.g. `openssl rand -base64 48`)');
  }
  required('MONGODB_URI');
  required('REDIS_URL');
  required('WALLET_MASTER_KEY');
  required('SUI_NETWORK', 'is required when NODE_ENV=production: testnet, mainnet or devnet (or local, on purpose, to settle on the in-process ledger)');
  required('METRICS_TOKEN', 'is required when NODE_ENV=production (Prometheus scrapes /metrics with it as a bearer token)');
  if (env.WEBHOOKS_ENABLED) required('WEBHOOK_SECRET_KEY', 'is required when NODE_ENV=production (or set WEBHOOKS_ENABLED=false)');
}

function isWeakSecret(secret: string): boolean {
  const distinct = new Set(secret).size;
  return distinct < 12 || /change.?me|secret|example|password/i.test(secret);
}

/** `PORT=` in a .env file means "unset", not "the empty string". */
function withoutEmptyValues(raw: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== ''));
}

/** The name of every variable EnvironmentVariables reads (from its validation metadata). */
export function environmentVariableNames(): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(EnvironmentVariables, '', true, false);
  return [...new Set(metadata.map((entry) => entry.propertyName))].sort();
}
