import { Inject, Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { REDIS_CLIENT } from '../redis/redis.constants';

const HOLD_MS = 5_000;
const WAIT_MS = 2_000;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * Serializes the status changes of one card across instances. FerretDB's conditional updates are
 * not atomic, so without it a holder's unblock checked against a holder's block could still land
 * after an admin's block and lift it.
 */
@Injectable()
export class CardStatusLock {
  private readonly logger = new Logger(CardStatusLock.name);

  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  /**
   * Runs `change` holding the card's lock. Without Redis, a change that only makes the card safer
   * (a block, or an admin's decision) goes ahead unlocked; one that needs the lock answers 503.
   */
  async hold<T>(cardUuid: string, change: () => Promise<T>, options: { required: boolean }): Promise<T> {
    const key = `lock:card-status:${cardUuid}`;
    const token = randomUUID();
    try {
      await this.acquire(key, token);
    } catch (error) {
      if (error instanceof ServiceUnavailableException || options.required) throw new ServiceUnavailableException('The card cannot be changed right now; try again');
      this.logger.warn(`card ${cardUuid} changed without its lock: ${(error as Error).message}`);
      return change();
    }
    try {
      return await change();
    } finally {
      await this.redis.eval(RELEASE, 1, key, token).catch(() => undefined);
    }
  }

  private async acquire(key: string, token: string): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    for (let delay = 5; (await this.redis.set(key, token, 'PX', HOLD_MS, 'NX')) !== 'OK'; delay = Math.min(delay * 2, 100)) {
      if (Date.now() >= deadline) throw new ServiceUnavailableException('The card is being changed; try again');
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
