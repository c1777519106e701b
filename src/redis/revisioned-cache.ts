import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS_CLIENT } from './redis.constants';

/** A cached value with the document revision it was read at; `value: null` caches "not found". */
export interface Revisioned<T> {
  revision: number;
  value: T | null;
}

// Writes only when the cached revision is older, so a slow reader can never put back a snapshot
// older than the one an update just wrote (the usual cache-aside race).
const SET_IF_NEWER = `
local current = redis.call('GET', KEYS[1])
if current then
  local revision = tonumber(string.match(current, '^(%-?%d+)|'))
  if revision and revision >= tonumber(ARGV[1]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[2], 'EX', tonumber(ARGV[3]))
return 1`;

const NOT_FOUND_REVISION = -1;

/**
 * Cache-aside for documents that carry a `revision` bumped on every change (cards, merchants,
 * terminals). Updates write the new snapshot through; when Redis is down, reads go to MongoDB.
 */
@Injectable()
export class RevisionedCache {
  private readonly logger = new Logger(RevisionedCache.name);
  private hits = 0;
  private misses = 0;
  /** Loads in progress in this process: concurrent misses of one key share one database read. */
  private readonly loading = new Map<string, Promise<unknown>>();

  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {
    redis.defineCommand('setIfNewer', { numberOfKeys: 1, lua: SET_IF_NEWER });
  }

  async get<T>(key: string, ttlSeconds: number, load: () => Promise<Revisioned<T> | null>): Promise<T | null> {
    const cached = await this.read<T>(key);
    if (cached) {
      this.hits++;
      return cached.value;
    }
    this.misses++;
    // Under load every request of a terminal or merchant misses at once when its entry expires:
    // without this each of them read the document (a scan on FerretDB) while the others waited.
    const inProgress = this.loading.get(key) as Promise<T | null> | undefined;
    if (inProgress) return inProgress;
    const loading = this.load(key, ttlSeconds, load).finally(() => this.loading.delete(key));
    this.loading.set(key, loading);
    return loading;
  }

  private async load<T>(key: string, ttlSeconds: number, load: () => Promise<Revisioned<T> | null>): Promise<T | null> {
    const loaded = (await load()) ?? { revision: NOT_FOUND_REVISION, value: null };
    await this.write(key, loaded, ttlSeconds);
    return loaded.value;
  }

  /** Called after every change with the document as it now is. */
  async put<T>(key: string, snapshot: Revisioned<T>, ttlSeconds: number): Promise<void> {
    await this.write(key, snapshot, ttlSeconds);
  }

  /**
   * `put` for changes that must be seen at once (revoked access): false when Redis could not be
   * written, so the previous snapshot may still be served until its TTL ends.
   */
  putConfirmed<T>(key: string, snapshot: Revisioned<T>, ttlSeconds: number): Promise<boolean> {
    return this.write(key, snapshot, ttlSeconds);
  }

  stats(): { hits: number; misses: number } {
    return { hits: this.hits, misses: this.misses };
  }

  private async read<T>(key: string): Promise<Revisioned<T> | null> {
    try {
      const raw = await this.redis.get(key);
      if (!raw) return null;
      const separator = raw.indexOf('|');
      return { revision: Number(raw.slice(0, separator)), value: JSON.parse(raw.slice(separator + 1)) as T | null };
    } catch (error) {
      this.logger.warn(`cache read of ${key} failed, using MongoDB: ${(error as Error).message}`);
      return null;
    }
  }

  private async write<T>(key: string, snapshot: Revisioned<T>, ttlSeconds: number): Promise<boolean> {
    try {
      await (this.redis as Redis & { setIfNewer(key: string, revision: number, json: string, ttl: number): Promise<number> }).setIfNewer(
        key,
        snapshot.revision,
        JSON.stringify(snapshot.value),
        ttlSeconds,
      );
      return true;
    } catch (error) {
      this.logger.warn(`cache write of ${key} failed: ${(error as Error).message}`);
      return false;
    }
  }
}
