import { get } from '../api';
import { formatAmount, formatMs, formatTime, h } from '../dom';

export type Payment = {
  id: string; status: string; cardUuid: string; merchantId: string; terminalId: string; amount: number; currency: string; txHash: string | null;
  createdAt: string; processingStartedAt: string | null; completedAt: string | null; failureReason: string | null; declineCode: string | null;
  explorerUrl: string | null; metadata: Record<string, unknown>; fraud?: { score: number; decision: string; reasons: Array<{ rule: string; detail: string; weight: number }> };
};
type Page = { transactions: Payment[]; nextCursor: string | null };

const STATUSES = ['', 'pending', 'processing', 'completed', 'failed', 'cancelled', 'declined'];

/** Payments newest first, filtered by status, card and dates on the server and by terminal on the page shown. */
export function paymentsPage(): HTMLElement {
  const status = h('select', { name: 'status' }, ...STATUSES.map((s) => h('option', { value: s }, s || 'any status')));
  const card = h('input', { name: 'card', placeholder: 'card id' });
  const terminal = h('input', { name: 'terminal', placeholder: 'terminal id' });
  const from = h('input', { type: 'date', name: 'from' });
  const to = h('input', { type: 'date', name: 'to' });
  const rows = h('tbody', {});
  const more = h('button', { type: 'button', hidden: true }, 'More');
  let cursor: string | null = null;

  const load = async (reset: boolean) => {
    if (reset) rows.replaceChildren(), (cursor = null);
    const page = await get<Page>('/api/payment/transactions', {
      status: status.value || undefined,
      cardUuid: card.value || undefined,
      from: from.value ? `${from.value}T00:00:00Z` : undefined,
      to: to.value ? new Date(Date.parse(to.value) + 86_400_000).toISOString() : undefined,
      limit: '50',
      cursor: cursor ?? undefined,
    });
    for (const p of page.transactions.filter((p) => !terminal.value || p.terminalId === terminal.value)) rows.append(row(p));
    cursor = page.nextCursor;
    more.hidden = !cursor;
  };
  more.addEventListener('click', () => void load(false));
  const form = h('form', { class: 'filters card' }, status, card, terminal, h('label', {}, 'From', from), h('label', {}, 'To', to), h('button', { type: 'submit' }, 'Filter'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void load(true);
  });
  void load(true);
  return h('div', {}, h('h2', {}, 'Payments'), form, h('div', { class: 'card scroll' }, h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Created'), h('th', {}, 'Payment'), h('th', {}, 'Status'), h('th', {}, 'Amount'), h('th', { class: 'wide' }, 'Terminal'))), rows)), more);
}

function row(p: Payment): HTMLElement {
  return h(
    'tr',
    { 'data-transaction': p.id },
    h('td', {}, formatTime(p.createdAt)),
    h('td', {}, h('a', { href: `#/payments/${p.id}` }, p.id)),
    h('td', {}, h('span', { class: `status ${p.status}` }, p.status)),
    h('td', {}, formatAmount(p.amount)),
    h('td', { class: 'wide' }, p.terminalId),
  );
}

/** One payment: its timeline of states, fraud verdict and the explorer link once settled. */
export async function paymentPage(id: string): Promise<HTMLElement> {
  const { transaction: p } = await get<{ transaction: Payment }>(`/api/payment/status/${encodeURIComponent(id)}`);
  const final = p.status === 'completed' ? p.completedAt : null;
  const steps: Array<[string, string | null]> = [
    ['accepted' + (p.status === 'declined' ? ' → declined' : ''), p.createdAt],
    ['processing', p.processingStartedAt],
    [p.status, final ?? (['failed', 'cancelled'].includes(p.status) ? '' : null)],
  ];
  return h(
    'div',
    { class: 'payment card', 'data-transaction': p.id },
    h('h2', {}, `Payment ${p.id}`),
    h('dl', {},
      h('dt', {}, 'Status'), h('dd', {}, h('span', { class: `status ${p.status}` }, p.status)),
      h('dt', {}, 'Amount'), h('dd', {}, formatAmount(p.amount)),
      h('dt', {}, 'Card'), h('dd', {}, p.cardUuid),
      h('dt', {}, 'Merchant / terminal'), h('dd', {}, `${p.merchantId} / ${p.terminalId}`),
      h('dt', {}, 'Settled in'), h('dd', {}, p.completedAt ? formatMs(Date.parse(p.completedAt) - Date.parse(p.createdAt)) : '–'),
      p.failureReason && h('dt', {}, 'Reason'), p.failureReason && h('dd', {}, `${p.declineCode ?? ''} ${p.failureReason}`),
      h('dt', {}, 'On chain'), h('dd', {}, p.explorerUrl ? h('a', { href: p.explorerUrl, target: '_blank', rel: 'noopener' }, p.txHash ?? 'explorer') : p.txHash ?? '–'),
    ),
    h('h3', {}, 'Timeline'),
    h('ol', { class: 'timeline' }, ...steps.filter(([, at]) => at !== null).map(([label, at]) => h('li', {}, h('strong', {}, label), ' ', at ? formatTime(at) : ''))),
    p.fraud && h('h3', {}, `Fraud score ${p.fraud.score} (${p.fraud.decision})`),
    p.fraud && h('ul', {}, ...p.fraud.reasons.map((r) => h('li', {}, `${r.rule} (+${r.weight}): ${r.detail}`))),
  );
}
