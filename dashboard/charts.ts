import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h } from './dom';

export type Series = { label: string; points: Array<{ start: string; value: number | null }>; color: string };

/** A line chart of one or more series sharing their x axis (the interval starts). */
export function lineChart(title: string, series: Series[], format: (v: number) => string): HTMLElement {
  const box = h('figure', { class: 'chart card', 'data-chart': title }, h('figcaption', {}, title));
  const xs = series[0]?.points.map((p) => Date.parse(p.start) / 1000) ?? [];
  const data: uPlot.AlignedData = [xs, ...series.map((s) => s.points.map((p) => p.value))];
  const opts: uPlot.Options = {
    width: 300,
    height: 180,
    legend: { show: series.length > 1 },
    series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, value: (_: uPlot, v: number | null) => (v === null ? '–' : format(v)) }))],
    axes: [{}, { values: (_: uPlot, ticks: number[]) => ticks.map(format), size: 96 }],
  };
  const plot = new uPlot(opts, data, box);
  // Fit the figure's width now and whenever the layout changes (phone vs desktop).
  new ResizeObserver(() => plot.setSize({ width: Math.max(200, box.clientWidth - 16), height: 180 })).observe(box);
  return box;
}

/** Decline reasons as horizontal bars: a handful of codes reads better as bars than as lines. */
export function barList(title: string, counts: Record<string, number>): HTMLElement {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  const max = Math.max(1, ...entries.map(([, n]) => n));
  return h(
    'figure',
    { class: 'chart card', 'data-chart': title },
    h('figcaption', {}, title),
    entries.length
      ? h('ul', { class: 'bars' }, ...entries.map(([code, n]) => h('li', { 'data-code': code }, h('span', { class: 'bar-label' }, code), bar(n / max), h('span', { class: 'bar-value' }, n))))
      : h('p', { class: 'muted' }, 'No declines'),
  );
}

function bar(share: number): HTMLElement {
  const el = h('span', { class: 'bar' });
  // Set through the CSSOM, which the page's CSP allows where inline style attributes may not be.
  el.style.width = `${share * 100}%`;
  return el;
}
