import { get, isStaff } from '../api';
import { barList, lineChart } from '../charts';
import { formatAmount, formatCount, formatMs, formatPercent, h } from '../dom';
import { merchantPicker } from '../merchant-picker';

type Summary = {
  count: number; volume: number; approved: number; declined: number; approvalRate: number; declineReasons: Record<string, number>;
  refunds: { count: number; amount: number }; net: number; averageAmount: number; fraudRate: number; settlementLatencyMs: { p50: number | null; p95: number | null };
};
type Points = { points: Array<{ start: string; value: number | null }> };

const DAY = 86_400_000;
const dayStart = (t: number) => Math.floor(t / DAY) * DAY;
const iso = (t: number) => new Date(t).toISOString();
const dateInput = (t: number) => iso(t).slice(0, 10);

const FIGURES: Array<[keyof Summary | 'refundCount' | 'p50' | 'p95', string, (s: Summary) => number | null, (v: number) => string]> = [
  ['volume', 'Volume', (s) => s.volume, formatAmount],
  ['count', 'Taps', (s) => s.count, formatCount],
  ['approvalRate', 'Approval rate', (s) => s.approvalRate, formatPercent],
  ['declined', 'Declined', (s) => s.declined, formatCount],
  ['refunds', 'Refunds', (s) => s.refunds.amount, formatAmount],
  ['refundCount', 'Refunds (count)', (s) => s.refunds.count, formatCount],
  ['net', 'Net', (s) => s.net, formatAmount],
  ['averageAmount', 'Average sale', (s) => s.averageAmount, formatAmount],
  ['fraudRate', 'Blocked by risk', (s) => s.fraudRate, formatPercent],
  ['p50', 'Settles in (p50)', (s) => s.settlementLatencyMs.p50, (v) => formatMs(v)],
  ['p95', 'Settles in (p95)', (s) => s.settlementLatencyMs.p95, (v) => formatMs(v)],
];

/** Figures of one merchant (undefined: every merchant for admins, their own for staff) over [from, to). */
const summaryOf = (merchantId: string | undefined, from: number, to: number) => get<Summary>('/api/analytics/summary', { from: iso(from), to: iso(to), merchantId });

/** Figures of one range beside the period before it; each figure's raw value is kept in data-value. */
async function figures(title: string, key: string, merchantId: string | undefined, from: number, to: number): Promise<HTMLElement> {
  const [now, before] = await Promise.all([summaryOf(merchantId, from, to), summaryOf(merchantId, from - (to - from), from)]);
  return h(
    'section',
    { class: 'figures', 'data-range': key },
    h('h2', {}, title),
    h('div', { class: 'grid' }, ...FIGURES.map(([name, label, pick, format]) => {
      const value = pick(now);
      const previous = pick(before);
      return h('div', { class: 'figure card', 'data-figure': name, 'data-value': value ?? '' },
        h('span', { class: 'label' }, label),
        h('strong', {}, value === null ? '–' : format(value)),
        h('span', { class: 'previous' }, `before: ${previous === null ? '–' : format(previous)}`));
    })),
  );
}

async function charts(merchantId: string | undefined, from: number, to: number): Promise<HTMLElement> {
  const interval = to - from <= 2 * DAY ? 'hour' : 'day';
  const series = (metric: string) => get<Points>('/api/analytics/timeseries', { metric, interval, from: iso(from), to: iso(to), merchantId });
  const [volume, count, rate, p50, p95, range] = await Promise.all([series('volume'), series('count'), series('approval_rate'), series('settlement_latency_p50'), series('settlement_latency_p95'), summaryOf(merchantId, from, to)]);
  return h(
    'section',
    { class: 'charts' },
    lineChart('Volume', [{ label: 'Volume', points: volume.points, color: '#2563eb' }], formatAmount),
    lineChart('Taps', [{ label: 'Taps', points: count.points, color: '#0f766e' }], formatCount),
    lineChart('Approval rate', [{ label: 'Approval rate', points: rate.points, color: '#16a34a' }], formatPercent),
    barList('Decline reasons', range.declineReasons),
    lineChart('Settlement latency', [{ label: 'p50', points: p50.points, color: '#7c3aed' }, { label: 'p95', points: p95.points, color: '#db2777' }], (v) => formatMs(v)),
  );
}

/** Admins see every merchant's figures or those of the merchant they pick; staff their own merchant's. */
export async function overviewPage(picked?: string): Promise<HTMLElement> {
  const merchantId = isStaff() ? undefined : picked;
  const today = dayStart(Date.now());
  const fromInput = h('input', { type: 'date', name: 'from', value: dateInput(today - 6 * DAY) });
  const toInput = h('input', { type: 'date', name: 'to', value: dateInput(today) });
  const rangeBox = h('div', {});
  const page = h(
    'div',
    { class: 'overview', 'data-merchant': merchantId ?? '' },
    isStaff() ? null : h('div', { class: 'filters card' }, await merchantPicker('overview', merchantId, 'All merchants')),
    await figures('Today', 'today', merchantId, today, today + DAY),
    h('form', { class: 'range card' }, h('label', {}, 'From', fromInput), h('label', {}, 'To (inclusive)', toInput), h('button', { type: 'submit' }, 'Show')),
    rangeBox,
  );
  const show = async () => {
    const from = Date.parse(fromInput.value);
    const to = Date.parse(toInput.value) + DAY;
    rangeBox.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
    rangeBox.replaceChildren(await figures('Chosen range', 'range', merchantId, from, to), await charts(merchantId, from, to));
  };
  page.querySelector('form')!.addEventListener('submit', (e) => {
    e.preventDefault();
    void show();
  });
  await show();
  return page;
}
