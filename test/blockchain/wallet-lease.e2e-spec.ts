import { WalletLeases } from '../../src/blockchain/settlement/wallet-lease';
import { closeLeaseRedis, leaseRedis } from './support/blockchain-fixture';

describe('WalletLeases on Redis', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  afterEach(closeLeaseRedis);

  it('gives a resource to one holder at a time, across instances', async () => {
    const redis = leaseRedis();
    const [a, b] = [new WalletLeases(redis, { ttlMs: 5_000 }), new WalletLeases(redis, { ttlMs: 5_000 })];
    const held = await a.acquire('0xwallet');

    expect(await b.tryAcquire('0xwallet')).toBeNull();
    await held.release();
    expect(await b.tryAcquire('0xwallet')).not.toBeNull();
  });

  it('renews a lease that is still its holder’s, and refuses one that lapsed', async () => {
    const redis = leaseRedis();
    const [leases, otherProcess] = [new WalletLeases(redis, { ttlMs: 300 }), new WalletLeases(redis, { ttlMs: 300 })];
    const lease = await leases.acquire('0xwallet');
    await sleep(200);

    expect(await lease.renew()).toBe(true);
    expect(lease.remainingMs()).toBeGreaterThan(250);
    await sleep(200);
    expect(await otherProcess.tryAcquire('0xwallet')).toBeNull(); // renewed, so not lapsed yet

    await sleep(250);
    const taker = await otherProcess.tryAcquire('0xwallet');
    expect(taker).not.toBeNull();
    expect(await lease.renew()).toBe(false);
  });
});
