import { getConnectionToken, getModelToken } from '@nestjs/mongoose';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Connection, Model } from 'mongoose';
import { AnalyticsFacts } from '../../src/analytics/analytics-facts';
import { ALL, merchantScope, rollupId, type Level } from '../../src/analytics/buckets';
import type { Fact } from '../../src/analytics/rollup';
import { RollupFolder } from '../../src/analytics/rollup-folder';
import { AnalyticsFact, AnalyticsRollup } from '../../src/analytics/schemas/analytics.schemas';
import { closeTestApp, createTestApp, newIsolation } from '../support/test-app';

/**
 * The folder against the real database, with its writes failing where a crash would stop it: the
 * figures of every level and scope count each fact exactly once once a later fold has finished.
 */
describe('analytics folder: exactly once across crashes', () => {
  const isolation = newIsolation();
  let app: NestExpressApplication;
  let folder: RollupFolder;
  let facts: AnalyticsFacts;
  let merchantCounter = 0;

  beforeAll(async () => {
    // The API role runs no periodic work: only this test folds.
    app = await createTestApp({ isolation, env: { APP_ROLE: 'api' } });
    folder = app.get(RollupFolder);
    facts = app.get(AnalyticsFacts);
  });

  afterEach(() => jest.restoreAllMocks());
  afterAll(() => closeTestApp(app));

  /** Facts of a merchant of its own at 10:05 and 10:06 of a fixed day, so no other test's figures mix in. */
  function someFacts(): { merchantId: string; facts: Fact[] } {
    const merchantId = `FOLD_${isolation}_${++merchantCounter}`;
    const at = (minute: number) => new Date(Date.UTC(2026, 10, 3, 10, minute, 15));
    const made: Fact[] = [
      { _id: `${merchantId}-a:accepted`, kind: 'accepted', merchantId, terminalId: 'lane-1', amount: 1_000, at: at(5) },
      { _id: `${merchantId}-b:accepted`, kind: 'accepted', merchantId, terminalId: 'lane-2', amount: 2_500, at: at(5) },
      { _id: `${merchantId}-c:declined`, kind: 'declined', merchantId, terminalId: 'lane-1', amount: 700, at: at(6), declineCode: 'daily_limit_exceeded' },
      { _id: `${merchantId}-a:completed`, kind: 'completed', merchantId, terminalId: 'lane-1', amount: 1_000, at: at(5), latencyMs: 40 },
    ];
    return { merchantId, facts: made };
  }

  async function bucket(scope: string, level: Level, start: number) {
    return app.get<Model<AnalyticsRollup>>(getModelToken(AnalyticsRollup.name)).findById(rollupId(scope, level, start)).lean<AnalyticsRollup>().exec();
  }

  /** What every level of the merchant's scope holds (count, approved, declined, volume, completed), and the day across all merchants. */
  async function figures(merchantId: string) {
    const scope = merchantScope(merchantId);
    const levels = await Promise.all([
      bucket(scope, 'minute', Date.UTC(2026, 10, 3, 10, 5)),
      bucket(scope, 'minute', Date.UTC(2026, 10, 3, 10, 6)),
      bucket(scope, 'hour', Date.UTC(2026, 10, 3, 10)),
      bucket(scope, 'day', Date.UTC(2026, 10, 3)),
    ]);
    return levels.map((doc) => doc && { count: doc.m.count, approved: doc.m.approved, declined: doc.m.declined, volume: doc.m.volume, completed: doc.m.completed, terminals: doc.m.terminals });
  }

  const EXPECTED = [
    { count: 2, approved: 2, declined: 0, volume: 3_500, completed: 1, terminals: { 'lane-1': { count: 1, approved: 1, declined: 0, volume: 1_000 }, 'lane-2': { count: 1, approved: 1, declined: 0, volume: 2_500 } } },
    { count: 1, approved: 0, declined: 1, volume: 0, completed: 0, terminals: { 'lane-1': { count: 1, approved: 0, declined: 1, volume: 0 } } },
    { count: 3, approved: 2, declined: 1, volume: 3_500, completed: 1, terminals: { 'lane-1': { count: 2, approved: 1, declined: 1, volume: 1_000 }, 'lane-2': { count: 1, approved: 1, declined: 0, volume: 2_500 } } },
    { count: 3, approved: 2, declined: 1, volume: 3_500, completed: 1, terminals: { 'lane-1': { count: 2, approved: 1, declined: 1, volume: 1_000 }, 'lane-2': { count: 1, approved: 1, declined: 0, volume: 2_500 } } },
  ];

  const db = () => app.get<Connection>(getConnectionToken());
  const inboxCount = () => db().collection('analytics_inbox').countDocuments();
  const journal = () => db().collection('analytics_fold_journal').findOne({});

  async function foldAll(): Promise<void> {
    while ((await folder.fold()) > 0 || (await inboxCount()) > 0 || (await journal())) {
      /* again until nothing is left */
    }
  }

  it('adds a batch to its minutes, hours and days, and a fact delivered again after folding changes nothing', async () => {
    const { merchantId, facts: made } = someFacts();
    await facts.record(...made);
    await foldAll();
    expect(await figures(merchantId)).toEqual(EXPECTED);

    // A settled payment repeats its acceptance, after the first was folded and left the inbox.
    await facts.record(made[0], made[2]);
    await foldAll();
    expect(await figures(merchantId)).toEqual(EXPECTED);
    const day = await bucket(ALL, 'day', Date.UTC(2026, 10, 3));
    expect(day?.m.terminals ?? {}).toEqual({}); // the platform-wide scope carries no per-terminal breakdown
  });

  it('finishes a fold cut short after some buckets were written, counting each fact once', async () => {
    const { merchantId, facts: made } = someFacts();
    await facts.record(...made);
    const rollups = app.get<Model<AnalyticsRollup>>(getModelToken(AnalyticsRollup.name)).collection;
    const replace = rollups.replaceOne.bind(rollups);
    let writes = 0;
    // The third bucket write of the fold fails: the others of that fold land, as when the process dies mid-way.
    jest.spyOn(rollups, 'replaceOne').mockImplementation(((...args: Parameters<typeof replace>) => (++writes === 3 ? Promise.reject(new Error('crash')) : replace(...args))) as never);
    await expect(folder.fold()).rejects.toThrow('crash');
    expect(await journal()).toMatchObject({ factIds: expect.arrayContaining(made.map((f) => f._id)) });
    jest.restoreAllMocks();

    await foldAll();
    expect(await figures(merchantId)).toEqual(EXPECTED);
    expect(await journal()).toBeNull();
  });

  it('finishes a fold cut short after every bucket was written but before the inbox was cleared', async () => {
    const { merchantId, facts: made } = someFacts();
    await facts.record(...made);
    const inbox = app.get<Model<AnalyticsFact>>(getModelToken(AnalyticsFact.name));
    jest.spyOn(inbox, 'deleteMany').mockImplementationOnce((() => Promise.reject(new Error('crash'))) as never);
    await expect(folder.fold()).rejects.toThrow('crash');
    expect(await inboxCount()).toBeGreaterThanOrEqual(made.length);

    await foldAll();
    expect(await figures(merchantId)).toEqual(EXPECTED);
    expect(await inboxCount()).toBe(0);
  });

  it('finishes a fold cut short after its markers were written and before any bucket', async () => {
    const { merchantId, facts: made } = someFacts();
    await facts.record(...made);
    const rollups = app.get<Model<AnalyticsRollup>>(getModelToken(AnalyticsRollup.name));
    // Every bucket read fails: nothing of this fold reaches a bucket.
    jest.spyOn(rollups, 'findById').mockImplementation((() => {
      throw new Error('crash');
    }) as never);
    await expect(folder.fold()).rejects.toThrow('crash');
    jest.restoreAllMocks();
    expect(await figures(merchantId)).toEqual([null, null, null, null]);
    expect(await db().collection('analytics_folded').countDocuments({ _id: { $in: made.map((f) => f._id) } } as never)).toBe(made.length);

    await foldAll();
    expect(await figures(merchantId)).toEqual(EXPECTED);
  });
});
