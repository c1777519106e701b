type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | EventListener | undefined>;

/** A tiny element builder: `on*` attributes become listeners, false/undefined attributes are left out. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.slice(2).toLowerCase(), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) el.append(typeof child === 'number' ? String(child) : child);
  return el;
}

/** An id, card reference or hash: monospace, wrapping only where it must (see .mono in styles.css). */
export const mono = (text: string) => h('span', { class: 'mono' }, text);

const money = new Intl.NumberFormat('en-US');
export const formatAmount = (n: number) => `${money.format(Math.round(n))} ₫`;
export const formatCount = (n: number) => money.format(n);
export const formatPercent = (n: number) => `${(n * 100).toFixed(1)}%`;
export const formatMs = (n: number | null) => (n === null ? '–' : n < 1000 ? `${n} ms` : `${(n / 1000).toFixed(2)} s`);
export const formatTime = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString('en-GB', { timeZone: 'UTC' }) + ' UTC' : '–');
