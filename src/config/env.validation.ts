import { plainToInstance, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

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
  for (const name of ['JWT_SECRET', 'MONGODB_URI', 'REDIS_URL'] as const) {
    if (!env[name]) throw new ConfigError(`Invalid configuration: ${name}: is required when NODE_ENV=production`);
  }
  if (isWeakSecret(env.JWT_SECRET!)) {
    throw new ConfigError('Invalid configuration: JWT_SECRET: is too weak for production (use 32+ random characters, e.g. `openssl rand -base64 48`)');
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
