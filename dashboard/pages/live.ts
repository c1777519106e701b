import { io, type Socket } from 'socket.io-client';
import { session } from '../api';
import { formatAmount, formatTime, h } from '../dom';

type PaymentMessage = { transactionId: string; status: string; amount?: number; merchantId?: string; terminalId?: string; timestamp?: string; reason?: string };

const EVENTS = ['transaction:update', 'transaction:completed', 'transaction:failed'] as const;
const KEEP = 100;

/** Payments as they change state, over the app's Socket.IO (admins receive every merchant's). */
export function livePage(): { element: HTMLElement; stop: () => void } {
  const state = h('p', { class: 'muted', 'data-socket': 'connecting' }, 'Connecting…');
  const rows = h('tbody', {});
  const table = h('table', { class: 'feed' }, h('thead', {}, h('tr', {}, h('th', {}, 'Time'), h('th', {}, 'Payment'), h('th', {}, 'Status'), h('th', {}, 'Amount'), h('th', { class: 'wide' }, 'Merchant / terminal'))), rows);
  const socket: Socket = io({ path: '/nfc-ws', auth: { token: session()?.token }, transports: ['websocket'] });
  socket.on('connected', () => {
    state.textContent = 'Live';
    state.dataset.socket = 'live';
  });
  socket.on('connect_error', (error) => {
    state.textContent = `Not connected: ${error.message}`;
    state.dataset.socket = 'error';
  });
  for (const event of EVENTS) socket.on(event, (message: PaymentMessage) => rows.prepend(row(message)));
  const element = h('div', { class: 'live card' }, h('h2', {}, 'Live feed'), state, h('div', { class: 'scroll' }, table));
  return {
    element,
    stop: () => {
      socket.disconnect();
    },
  };

  function row(m: PaymentMessage): HTMLElement {
    while (rows.children.length >= KEEP) rows.lastElementChild?.remove();
    return h(
      'tr',
      { 'data-transaction': m.transactionId, 'data-status': m.status },
      h('td', {}, formatTime(m.timestamp ?? new Date().toISOString())),
      h('td', {}, h('a', { href: `#/payments/${m.transactionId}`, class: 'mono clip', title: m.transactionId }, m.transactionId)),
      h('td', {}, h('span', { class: `status ${m.status}` }, m.status)),
      h('td', {}, m.amount === undefined ? '–' : formatAmount(m.amount)),
      h('td', { class: 'wide' }, [m.merchantId, m.terminalId].filter(Boolean).join(' / ') || (m.reason ?? '')),
    );
  }
}
