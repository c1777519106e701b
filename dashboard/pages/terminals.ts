import { get, session } from '../api';
import { formatCount, formatTime, h } from '../dom';
import { merchantPicker } from '../merchant-picker';

type Terminal = {
  terminalId: string; merchantId: string; status: string; label?: string; keyBound: boolean;
  lastSeenAt?: string; presence?: 'online' | 'offline'; appVersion?: string; offlineQueued?: number;
};

/**
 * A merchant's terminals: online (a heartbeat within TERMINAL_OFFLINE_AFTER_SECONDS) or offline,
 * when last seen, and the taps each holds offline as its last heartbeat said. Staff see their own
 * merchant's; admins pick the merchant (the API lists terminals per merchant).
 */
export async function terminalsPage(named?: string): Promise<HTMLElement> {
  const own = session()?.merchantId;
  const merchantId = own ?? named;
  const page = h('div', { class: 'terminals' }, h('h2', {}, 'Terminals'));
  if (!own) page.append(h('div', { class: 'filters card' }, await merchantPicker('terminals', named, 'Choose a merchant')));
  if (!merchantId) return page;
  const { terminals } = await get<{ terminals: Terminal[] }>(`/api/merchants/${encodeURIComponent(merchantId)}/terminals`);
  const online = terminals.filter((t) => t.presence === 'online').length;
  page.append(
    h('p', { class: 'muted', 'data-counts': `${online}/${terminals.length}` }, `${merchantId}: ${online} online, ${terminals.length - online} offline`),
    h('div', { class: 'card scroll' }, h('table', {},
      h('thead', {}, h('tr', {}, h('th', {}, 'Terminal'), h('th', {}, 'State'), h('th', {}, 'Last seen'), h('th', {}, 'Offline queue'), h('th', { class: 'wide' }, 'App'), h('th', { class: 'wide' }, 'Access'))),
      h('tbody', {}, ...terminals.map(row)))),
  );
  return page;
}

function row(t: Terminal): HTMLElement {
  const presence = t.presence ?? 'offline';
  return h(
    'tr',
    { 'data-terminal': t.terminalId, 'data-presence': presence },
    h('td', {}, h('span', { class: 'mono clip', title: t.terminalId }, t.terminalId), t.label ? h('div', { class: 'muted' }, t.label) : null),
    h('td', {}, h('span', { class: `status ${presence}` }, presence)),
    h('td', {}, formatTime(t.lastSeenAt)),
    h('td', { 'data-queued': t.offlineQueued ?? '' }, t.offlineQueued === undefined ? '–' : formatCount(t.offlineQueued)),
    h('td', { class: 'wide' }, t.appVersion ?? '–'),
    h('td', { class: 'wide' }, t.status, t.keyBound ? ' · device key' : ''),
  );
}
