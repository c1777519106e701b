import { BadRequestException, ForbiddenException, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { merchantOf, type Principal } from '../common/auth/principal';
import { ALL, cover, isAligned, type Level, LEVEL_MS, merchantScope, rollupId } from './buckets';
import type { AnalyticsRangeQueryDto, AnalyticsSummaryDto, Metric, TimeseriesDto, TimeseriesPointDto, TimeseriesQueryDto } from './dto/analytics.dto';
import { emptyMeasures, type Measures, merge, percentile, type TerminalMeasures, unsafeKey } from './rollup';
import { AnalyticsRollup } from './schemas/analytics.schemas';

const MAX_RANGE_MS = 400 * LEVEL_MS.day;
const MAX_POINTS = 1_500;
/** Reads in flight at once while a summary collects its buckets. */
const READ_CONCURRENCY = 64;

/** The per-terminal breakdown is most of a merchant bucket's size (FerretDB decodes it all): it is read only for groupBy=terminal. */
const FIGURES = { factIds: 0, lastFold: 0 } as const;
const WITHOUT_TERMINALS = { factIds: 0, lastFold: 0, 'm.terminals': 0 } as const;

type Range = { from: number; to: number; scope: string; merchantId: string | null };

/**
 * Figures over [from, to) read from rollup buckets by `_id` only — a summary reads at most
 * 118 buckets plus one per day, whatever the number of payments.
 */
@Injectable()
export class AnalyticsService {
  constructor(@InjectModel(AnalyticsRollup.name) private readonly rollups: Model<AnalyticsRollup>) {}

  async summary(query: AnalyticsRangeQueryDto, principal: Principal): Promise<AnalyticsSummaryDto> {
    const range = this.rangeOf(query, principal, 'minute');
    const pieces = cover(range.from, range.to);
    const measures = (await this.read(pieces.map((p) => rollupId(range.scope, p.level, p.start)), WITHOUT_TERMINALS)).reduce<Measures>((acc, m) => (m ? merge(acc, m) : acc), emptyMeasures());
    return toSummary(measures, range);
  }

  async timeseries(query: TimeseriesQueryDto, principal: Principal): Promise<TimeseriesDto> {
    const range = this.rangeOf(query, principal, query.interval);
    assertGrouping(query.metric, query.groupBy);
    if (query.groupBy === 'terminal' && !range.merchantId) throw new BadRequestException('groupBy=terminal needs a merchantId (terminals are broken down per merchant)');
    const step = LEVEL_MS[query.interval];
    if ((range.to - range.from) / step > MAX_POINTS) throw new BadRequestException(`At most ${MAX_POINTS} points per series: widen the interval or narrow the range`);
    const starts = Array.from({ length: (range.to - range.from) / step }, (_, i) => range.from + i * step);
    const buckets = await this.read(starts.map((start) => rollupId(range.scope, query.interval, start)), query.groupBy === 'terminal' ? FIGURES : WITHOUT_TERMINALS);
    const points = starts.flatMap((start, i) => pointsOf(query, new Date(start).toISOString(), buckets[i] ?? emptyMeasures()));
    return { metric: query.metric, interval: query.interval, ...(query.groupBy && { groupBy: query.groupBy }), points };
  }

  /** Admins see every merchant or the one they name; a terminal or a staff member only their own merchant. */
  private rangeOf(query: AnalyticsRangeQueryDto, principal: Principal, level: Level): Range {
    const from = Date.parse(query.from);
    const to = Date.parse(query.to);
    if (!(from < to)) throw new BadRequestException('from must be before to');
    if (!isAligned(from, level) || !isAligned(to, level)) throw new BadRequestException(`from and to must fall on whole ${level}s (UTC)`);
    if (to - from > MAX_RANGE_MS) throw new BadRequestException('The range may span at most 400 days');
    const merchantId = this.scopedMerchant(query.merchantId, principal);
    return { from, to, merchantId, scope: merchantId ? merchantScope(merchantId) : ALL };
  }

  private scopedMerchant(named: string | undefined, principal: Principal): string | null {
    if (principal.role === 'admin') return named ?? null;
    const own = merchantOf(principal);
    if (own && (!named || named === own)) return own;
    throw new ForbiddenException("Only an admin or the merchant's own terminals and staff may read its figures");
  }

  private async read(ids: string[], projection: Record<string, 0>): Promise<Array<Measures | undefined>> {
    const out: Array<Measures | undefined> = new Array(ids.length);
    for (let i = 0; i < ids.length; i += READ_CONCURRENCY) {
      const docs = await Promise.all(ids.slice(i, i + READ_CONCURRENCY).map((id) => this.rollups.findById(id, projection).lean<AnalyticsRollup>().exec()));
      docs.forEach((doc, j) => (out[i + j] = doc?.m));
    }
    return out;
  }
}

const ratio = (part: number, whole: number) => (whole ? part / whole : 0);

function toSummary(m: Measures, range: Range): AnalyticsSummaryDto {
  const declineReasons = Object.fromEntries(Object.entries(m.declineReasons).map(([code, n]) => [unsafeKey(code), n]));
  return {
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    merchantId: range.merchantId,
    count: m.count,
    volume: m.volume,
    approved: m.approved,
    declined: m.declined,
    approvalRate: ratio(m.approved, m.count),
    declineReasons,
    refunds: { count: m.refundCount, amount: m.refundAmount },
    net: m.volume - m.refundAmount,
    averageAmount: ratio(m.volume, m.approved),
    fraudRate: ratio(declineReasons.fraud_high_risk ?? 0, m.count),
    settlementLatencyMs: { p50: percentile(m.latency, 0.5), p95: percentile(m.latency, 0.95) },
    settled: { count: m.completed, amount: m.completedAmount },
    failed: { count: m.failed, amount: m.failedAmount },
    cancelled: { count: m.cancelled, amount: m.cancelledAmount },
  };
}

const GROUPABLE: Record<string, readonly Metric[]> = { terminal: ['count', 'volume', 'approval_rate', 'declines'], declineCode: ['declines'] };

function assertGrouping(metric: Metric, groupBy: string | undefined): void {
  if (groupBy && !GROUPABLE[groupBy].includes(metric)) throw new BadRequestException(`groupBy=${groupBy} works with metric ${GROUPABLE[groupBy].join(', ')}`);
}

function valueOf(metric: Metric, m: Measures | TerminalMeasures): number | null {
  switch (metric) {
    case 'count':
      return m.count;
    case 'volume':
      return m.volume;
    case 'approval_rate':
      return ratio(m.approved, m.count);
    case 'declines':
      return m.declined;
    case 'refunds':
      return 'refundAmount' in m ? m.refundAmount : 0;
    case 'settlement_latency_p50':
      return 'latency' in m ? percentile(m.latency, 0.5) : null;
    case 'settlement_latency_p95':
      return 'latency' in m ? percentile(m.latency, 0.95) : null;
  }
}

/** One point per interval; with groupBy one per group that has figures in it. */
function pointsOf(query: TimeseriesQueryDto, start: string, m: Measures): TimeseriesPointDto[] {
  if (query.groupBy === 'terminal') return Object.entries(m.terminals).map(([id, t]) => ({ start, group: unsafeKey(id), value: valueOf(query.metric, t) }));
  if (query.groupBy === 'declineCode') return Object.entries(m.declineReasons).map(([code, n]) => ({ start, group: unsafeKey(code), value: n }));
  return [{ start, value: valueOf(query.metric, m) }];
}
