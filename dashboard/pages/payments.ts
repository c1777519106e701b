import { ApiError, call, get, isStaff, newIdempotencyKey } from '../api';
import { formatAmount, formatMs, formatTime, h, mono } from '../dom';

export type Payment = {
  id: string; status: string; cardUuid: string; merchantId: string; terminalId: string; amount: number; currency: string; txHash: string | null;
  createdAt: string; processingStartedAt: string | null; completedAt: string | null; failedAt?: string; cancelledAt?: string; expiredAt?: string; failureReason: string | null; declineCode: string | null;
  explorerUrl: string | null; metadata: Record<string, unknown>; fee?: number; net?: number; refunds?: Refund[];
  fraud?: {
    score: number; decision: string; reasons: Array<{ rule: string; detail: string; weight: number }>;
    riskScore?: number; riskLevel?: string; modelVersion?: string; modelEnforced?: boolean; topFeatures?: Array<{ feature: string; contribution: number }>;
  };
};
type Refund = {
  id: string; amount: number; status: 'pending' | 'succeeded' | 'failed' | 'canceled'; reason: string | null; txHash: string | null; failureReason: string | null;
  createdAt: string; succeededAt?: string; failedAt?: string; canceledAt?: string;
};
type Page = { transactions: Payment[]; nextCursor: string | null };

const STATUSES = ['', 'requires_pin', 'pending', 'processing', 'completed', 'failed', 'cancelled', 'declined', 'expired'];

/** Payments newest first, filtered by status, card and dates on the server and by terminal on the page shown. */
export function paymentsPage(): HTMLElement {
  const status = h('select', { name: 'status' }, ...STATUSES.map((s) => h('option', { value: s }, s || 'any status')));
  // Staff know cards only by the masked reference their payments show.
  const card = h('input', { name: 'card', placeholder: isStaff() ? 'card reference' : 'card id' });
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
    h('td', {}, h('a', { href: `#/payments/${p.id}`, class: 'mono clip', title: p.id }, p.id)),
    h('td', {}, h('span', { class: `status ${p.status}` }, p.status)),
    h('td', {}, formatAmount(p.amount)),
    h('td', { class: 'wide' }, p.terminalId),
  );
}

const REASONS = ['', 'requested_by_customer', 'duplicate', 'fraudulent'];
/** How often the page looks again while a refund is still moving the money. */
const REFUND_POLL_MS = 500;

/**
 * One payment: its timeline of states, what the risk checks said (details for admins only, as the
 * API gives them), the explorer link once settled, its refunds, and for its merchant's staff a
 * refund form.
 */
export async function paymentPage(id: string): Promise<HTMLElement> {
  const box = h('div', { class: 'payment card', 'data-transaction': id });
  const render = async () => {
    const { transaction: p } = await get<{ transaction: Payment }>(`/api/payment/status/${encodeURIComponent(id)}`);
    box.replaceChildren(...details(p), ...risk(p), ...refunds(p, render));
    // Settle the refunds shown while someone watches; the page stops once it is left.
    if (p.refunds?.some((r) => r.status === 'pending')) setTimeout(() => box.isConnected && void render().catch(() => undefined), REFUND_POLL_MS);
  };
  await render();
  return box;
}

function details(p: Payment): Node[] {
  return [
    h('h2', {}, 'Payment ', mono(p.id)),
    h('dl', {},
      h('dt', {}, 'Status'), h('dd', {}, h('span', { class: `status ${p.status}`, 'data-status': p.status }, p.status)),
      h('dt', {}, 'Amount'), h('dd', {}, formatAmount(p.amount)),
      p.fee !== undefined && h('dt', {}, 'Fee / net'), p.fee !== undefined && h('dd', {}, `${formatAmount(p.fee)} / ${formatAmount(p.net ?? p.amount - p.fee)}`),
      h('dt', {}, 'Card'), h('dd', {}, mono(p.cardUuid)),
      h('dt', {}, 'Merchant / terminal'), h('dd', {}, mono(p.merchantId), ' / ', mono(p.terminalId)),
      h('dt', {}, 'Settled in'), h('dd', {}, p.completedAt ? formatMs(Date.parse(p.completedAt) - Date.parse(p.createdAt)) : '–'),
      p.failureReason && h('dt', {}, 'Reason'), p.failureReason && h('dd', {}, `${p.declineCode ?? ''} ${p.failureReason}`),
      h('dt', {}, 'On chain'), h('dd', { 'data-chain': '' }, p.explorerUrl ? h('a', { href: p.explorerUrl, target: '_blank', rel: 'noopener', class: 'mono' }, p.txHash ?? 'explorer') : p.txHash ? mono(p.txHash) : '–'),
    ),
    h('h3', {}, 'Timeline'),
    h('ol', { class: 'timeline' }, ...timeline(p).map(([state, at]) => h('li', { 'data-state': state, 'data-at': at ?? undefined }, h('strong', {}, state), ' ', at ? formatTime(at) : ''))),
  ];
}

/**
 * The states the payment went through, in order, with when each began; then its refunds: when each was asked for and when it ended.
 * A tap that waited for its PIN and never got a right one ends declined (at failedAt) or expired; a decline at acceptance has no failedAt.
 */
function timeline(p: Payment): Array<[string, string | null]> {
  if (p.status === 'declined' && !p.failedAt) return [['declined', p.createdAt]];
  if (p.status === 'requires_pin') return [['requires_pin', p.createdAt]];
  if (p.status === 'declined') return [['requires_pin', p.createdAt], ['declined', p.failedAt ?? null]];
  if (p.status === 'expired') return [['requires_pin', p.createdAt], ['expired', p.expiredAt ?? null]];
  const steps: Array<[string, string | null]> = [['accepted', p.createdAt]];
  if (p.processingStartedAt) steps.push(['processing', p.processingStartedAt]);
  if (p.status === 'completed') steps.push(['completed', p.completedAt]);
  if (p.status === 'failed') steps.push(['failed', p.failedAt ?? null]);
  if (p.status === 'cancelled') steps.push(['cancelled', p.cancelledAt ?? null]);
  const refundSteps = (p.refunds ?? []).flatMap((r): Array<[string, string]> => {
    const ended = r.succeededAt ?? r.failedAt ?? r.canceledAt;
    const asked: [string, string] = [`refund ${formatAmount(r.amount)} asked`, r.createdAt];
    return r.status === 'pending' || !ended ? [asked] : [asked, [`refund ${formatAmount(r.amount)} ${r.status}`, ended]];
  });
  return [...steps, ...refundSteps.sort(([, a], [, b]) => Date.parse(a) - Date.parse(b))];
}

function risk(p: Payment): Node[] {
  const title = h('h3', {}, 'Risk');
  if (p.fraud) {
    return [
      title,
      h('p', { 'data-fraud-score': p.fraud.score }, `Rules: score ${p.fraud.score}, ${p.fraud.decision}`),
      p.fraud.reasons.length ? h('ul', { class: 'reasons' }, ...p.fraud.reasons.map((r) => h('li', {}, `${r.rule} (+${r.weight}): ${r.detail}`))) : h('p', { class: 'muted' }, 'No rule fired'),
      ...(p.fraud.riskScore === undefined ? [] : model(p.fraud)),
    ];
  }
  const blocked = p.declineCode === 'fraud_high_risk' ? 'Declined by the risk checks. ' : '';
  return [title, h('p', { class: 'muted', 'data-fraud': isStaff() ? 'admins-only' : 'none' }, blocked, isStaff() ? 'The risk score and its reasons are shown to admins.' : 'No risk assessment recorded.')];
}

/** The fraud model's view; in shadow mode it was recorded but did not decide. */
function model(fraud: NonNullable<Payment['fraud']>): Node[] {
  const features = fraud.topFeatures ?? [];
  const score = h('p', { 'data-risk-score': fraud.riskScore! }, `Model (${fraud.modelVersion ?? '?'}): risk ${fraud.riskScore} of 99, ${fraud.riskLevel ?? ''}${fraud.modelEnforced ? '' : ' (shadow: not enforced)'}`);
  if (!features.length) return [score];
  return [score, h('p', { class: 'muted' }, 'Weighed most: ', features.map((f) => `${f.feature} ${f.contribution >= 0 ? '+' : ''}${f.contribution.toFixed(2)}`).join(', '))];
}

function refunds(p: Payment, reload: () => Promise<void>): Node[] {
  const list = p.refunds ?? [];
  // A failed or canceled refund gives its amount back to what may be refunded.
  const taken = list.filter((r) => r.status === 'pending' || r.status === 'succeeded').reduce((sum, r) => sum + r.amount, 0);
  const remaining = p.amount - taken;
  const table = list.length
    ? h('div', { class: 'scroll' }, h('table', { class: 'refunds' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Asked'), h('th', {}, 'Amount'), h('th', {}, 'Status'), h('th', { class: 'wide' }, 'Reason'), h('th', { class: 'wide' }, 'On chain'))),
        h('tbody', {}, ...list.map((r) => h('tr', { 'data-refund': r.id, 'data-status': r.status },
          h('td', {}, formatTime(r.createdAt)),
          h('td', {}, formatAmount(r.amount)),
          h('td', {}, h('span', { class: `status ${r.status}` }, r.status)),
          h('td', { class: 'wide' }, r.failureReason ?? r.reason ?? ''),
          h('td', { class: 'wide' }, r.txHash ? h('span', { class: 'mono clip', title: r.txHash }, r.txHash) : '–'))))))
    : h('p', { class: 'muted' }, p.status === 'completed' ? 'No refunds' : 'Only a completed payment can be refunded');
  // Refunds are the merchant's to give; admins see them.
  const refundable = isStaff() && p.status === 'completed' && remaining > 0;
  return [h('h3', {}, 'Refunds'), table, ...(refundable ? [refundForm(p.id, remaining, reload)] : [])];
}

function refundForm(transactionId: string, remaining: number, reload: () => Promise<void>): HTMLElement {
  const amount = h('input', { type: 'number', name: 'amount', min: 1, max: remaining, step: 1, value: remaining, required: true });
  const reason = h('select', { name: 'reason' }, ...REASONS.map((r) => h('option', { value: r }, r ? r.replaceAll('_', ' ') : 'no reason given')));
  const submit = h('button', { type: 'submit', class: 'danger' }, 'Refund');
  const error = h('p', { class: 'error', role: 'alert' });
  // One key per refund meant: a retry after a lost answer (or a second click) is the same refund.
  let key = newIdempotencyKey();
  const form = h('form', { class: 'refund-form filters' }, h('label', {}, `Amount (at most ${formatAmount(remaining)})`, amount), h('label', {}, 'Reason', reason), submit, error);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    error.textContent = '';
    try {
      await call('POST', `/api/payment/${encodeURIComponent(transactionId)}/refunds`, { amount: Number(amount.value), ...(reason.value && { reason: reason.value }) }, true, { 'Idempotency-Key': key });
      key = newIdempotencyKey();
      await reload();
    } catch (e) {
      // A refusal (4xx) is final for this key; anything else may be retried with it.
      if (e instanceof ApiError && e.status >= 400 && e.status < 500) key = newIdempotencyKey();
      error.textContent = (e as Error).message;
      submit.disabled = false;
    }
  });
  return form;
}
