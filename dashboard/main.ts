import { explain, isStaff, session, signOut } from './api';
import { h } from './dom';
import { livePage } from './pages/live';
import { overviewPage } from './pages/overview';
import { paymentPage, paymentsPage } from './pages/payments';
import { alertsPage, reviewsPage } from './pages/reviews';
import { signInPage } from './pages/signin';
import { terminalsPage } from './pages/terminals';
import './styles.css';

const app = document.getElementById('app')!;
/** Fraud reviews and alerts span every merchant: the API keeps them to admins, so staff are not offered them. */
const NAV: Array<[href: string, label: string, adminOnly: boolean]> = [
  ['#/overview', 'Overview', false],
  ['#/live', 'Live', false],
  ['#/payments', 'Payments', false],
  ['#/terminals', 'Terminals', false],
  ['#/reviews', 'Fraud reviews', true],
  ['#/alerts', 'Alerts', true],
];
let leave: (() => void) | undefined;

async function route(): Promise<void> {
  leave?.();
  leave = undefined;
  const me = session();
  if (!me) {
    app.replaceChildren(signInPage(afterSignIn));
    return;
  }
  const hash = location.hash || '#/overview';
  const content = h('main', { class: 'content', 'data-page': hash.split('/')[1] ?? 'overview' }, h('p', { class: 'muted' }, 'Loading…'));
  const nav = h('nav', {}, ...NAV.filter(([, , adminOnly]) => !adminOnly || !isStaff()).map(([href, label]) => h('a', { href, class: hash.startsWith(href) ? 'active' : undefined }, label)));
  const out = h('button', { type: 'button', class: 'link' }, 'Sign out');
  out.addEventListener('click', () => {
    signOut();
    location.hash = '#/signin';
  });
  const scope = me.merchantId ? h('span', { class: 'scope', 'data-merchant': me.merchantId }, me.merchantId) : h('span', { class: 'scope' }, 'all merchants');
  app.replaceChildren(h('header', {}, h('strong', {}, 'NFC Pay'), scope, nav, h('span', { class: 'who' }, me.email, ' ', out)), content);
  try {
    content.replaceChildren(await page(hash));
    content.dataset.ready = 'true';
  } catch (error) {
    content.replaceChildren(h('p', { class: 'error card', role: 'alert' }, explain(error)));
    content.dataset.error = 'true';
  }
}

/** Back to the page asked for (a hash that does not change fires no hashchange, so route directly). */
function afterSignIn(): void {
  if (!location.hash || location.hash === '#/signin') location.hash = '#/overview';
  else void route();
}

async function page(hash: string): Promise<HTMLElement> {
  const [, name, id] = hash.split('/');
  if (isStaff() && NAV.some(([href, , adminOnly]) => adminOnly && href === `#/${name}`)) {
    return h('p', { class: 'muted card', 'data-admin-only': name }, 'This page is for admins: it spans every merchant.');
  }
  switch (name) {
    case 'live': {
      const live = livePage();
      leave = live.stop;
      return live.element;
    }
    case 'payments':
      return id ? paymentPage(decodeURIComponent(id)) : paymentsPage();
    case 'terminals':
      return terminalsPage(id ? decodeURIComponent(id) : undefined);
    case 'reviews':
      return reviewsPage();
    case 'alerts':
      return alertsPage();
    default:
      return overviewPage(id ? decodeURIComponent(id) : undefined);
  }
}

window.addEventListener('hashchange', () => void route());
void route();
