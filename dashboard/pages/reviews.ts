import { call, get } from '../api';
import { formatAmount, formatTime, h } from '../dom';

type Review = { transactionId: string; cardUuid: string; amount: number; merchantId: string; terminalId: string; score: number; reasons: Array<{ rule: string; detail: string }>; status: string; createdAt?: string };
type Alert = { id: string; transactionId: string; reason: string; status: string; failedAt: string; acknowledgedBy: string | null };

/** Open fraud reviews: the payments let through with decision review, each approved or declined here. */
export async function reviewsPage(): Promise<HTMLElement> {
  const { reviews } = await get<{ reviews: Review[] }>('/api/fraud/reviews');
  const list = h('ul', { class: 'items' }, ...reviews.map(item));
  return h('div', { class: 'card' }, h('h2', {}, 'Fraud reviews'), reviews.length ? list : h('p', { class: 'muted' }, 'Nothing waits for review'));

  function item(r: Review): HTMLElement {
    const li = h('li', { 'data-transaction': r.transactionId });
    const resolve = (verdict: 'legit' | 'fraud') => async () => {
      await call('POST', `/api/fraud/reviews/${encodeURIComponent(r.transactionId)}/resolve`, { verdict });
      li.replaceChildren(h('span', {}, `${r.transactionId}: ${verdict === 'legit' ? 'approved' : 'declined as fraud, card blocked'}`));
      li.dataset.resolved = verdict;
    };
    li.append(
      h('div', {}, h('a', { href: `#/payments/${r.transactionId}`, class: 'mono' }, r.transactionId), ` ${formatAmount(r.amount)} · score ${r.score} · ${r.terminalId}`),
      h('div', { class: 'muted' }, r.reasons.map((x) => x.rule).join(', ')),
      h('div', { class: 'actions' }, h('button', { type: 'button', onclick: resolve('legit') }, 'Approve'), h('button', { type: 'button', class: 'danger', onclick: resolve('fraud') }, 'Decline')),
    );
    return li;
  }
}

/** Failed settlements that need a human; acknowledging one records who looked at it. */
export async function alertsPage(): Promise<HTMLElement> {
  const { alerts } = await get<{ alerts: Alert[] }>('/api/alerts');
  const list = h('ul', { class: 'items' }, ...alerts.map(item));
  return h('div', { class: 'card' }, h('h2', {}, 'Alerts'), alerts.length ? list : h('p', { class: 'muted' }, 'No alerts'));

  function item(a: Alert): HTMLElement {
    const state = h('span', { class: `status ${a.status}` }, a.status);
    const ack = h('button', { type: 'button', hidden: a.status !== 'open' }, 'Acknowledge');
    ack.addEventListener('click', async () => {
      const { alert } = await call<{ alert: Alert }>('POST', `/api/alerts/${encodeURIComponent(a.id)}/ack`, {});
      state.textContent = alert.status;
      state.className = `status ${alert.status}`;
      ack.hidden = true;
    });
    return h('li', { 'data-alert': a.id }, h('div', {}, h('a', { href: `#/payments/${a.transactionId}`, class: 'mono' }, a.transactionId), ' ', state, ' ', formatTime(a.failedAt)), h('div', { class: 'muted' }, a.reason), h('div', { class: 'actions' }, ack));
  }
}
