import Redis from 'ioredis';
import { RevisionedCache } from '../../src/redis/revisioned-cache';
import { newIsolation } from '../support/test-app';

describe('RevisionedCache against Redis', () => {
  let redis: Redis;
  let cache: RevisionedCache;

  beforeAll(() => {
    redis = new Redis(process.env.TEST_REDIS_URL!, { keyPrefix: `${newIsolation()}:` });
    cache = new RevisionedCache(redis);
  });
  afterAll(() => redis.quit());

  it('reads the document once for concurrent misses of one key, then serves it from Redis', async () => {
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { revision: 3, value: { terminalId: 'lane-1', status: 'active' } };
    };
    const answers = await Promise.all(Array.from({ length: 20 }, () => cache.get('cache:terminal:lane-1', 60, load)));
    expect(answers.every((a) => a?.status === 'active')).toBe(true);
    expect(loads).toBe(1);
    expect(await cache.get('cache:terminal:lane-1', 60, load)).toEqual({ terminalId: 'lane-1', status: 'active' });
    expect(loads).toBe(1);
  });

  it('never lets a slow reader put back an older snapshot than the one an update wrote', async () => {
    await cache.put('cache:merchant:m1', { revision: 5, value: { status: 'suspended' } }, 60);
    await cache.put('cache:merchant:m1', { revision: 4, value: { status: 'active' } }, 60);
    expect(await cache.get('cache:merchant:m1', 60, async () => null)).toEqual({ status: 'suspended' });
  });

  it('shares a failed load with the callers waiting on it, and loads again on the next miss', async () => {
    let loads = 0;
    const failing = async () => {
      loads++;
      throw new Error('database away');
    };
    const results = await Promise.allSettled([cache.get('cache:card:c1', 60, failing), cache.get('cache:card:c1', 60, failing)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(loads).toBe(1);
    await expect(cache.get('cache:card:c1', 60, async () => ({ revision: 1, value: { ok: true } }))).resolves.toEqual({ ok: true });
  });
});
