import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import { REDIS_CLIENT } from '../redis/redis.constants';

const MAX_FAILURES = 5;
const WINDOW_SECONDS = 15 * 60;

/**
 * Counts failed logins per email in Redis, known or not, so a lockout says nothing about whether
 * an account exists. After five failures the email is locked until the window expires.
 */
@Injectable()
export class LoginAttemptsService {
  private readonly logger = new Logger(LoginAttemptsService.name);

  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  /** Seconds the email stays locked, or 0 when it may try. */
  async lockedForSeconds(email: string): Promise<number> {
    try {
      const [failures, ttl] = await this.redis.multi().get(key(email)).ttl(key(email)).exec().then((r) => r!.map(([, v]) => v));
      return Number(failures ?? 0) >= MAX_FAILURES ? Math.max(Number(ttl), 1) : 0;
    } catch (error) {
      // Without Redis we cannot count; logins go on rather than every user being locked out.
      this.logger.warn(`login lockout unavailable: ${(error as Error).message}`);
      return 0;
    }
  }

  async recordFailure(email: string): Promise<void> {
    await this.redis.multi().incr(key(email)).expire(key(email), WINDOW_SECONDS, 'NX').exec().catch(() => undefined);
  }

  async reset(email: string): Promise<void> {
    await this.redis.del(key(email)).catch(() => undefined);
  }
}

const key = (email: string) => `login-failures:${createHash('sha256').update(email).digest('hex').slice(0, 32)}`;
