import { session, signOut } from './api';
import { h } from './dom';
import { livePage } from './pages/live';
import { overviewPage } from './pages/overview';
import { paymentPage, paymentsPage } from './pages/payments';
import { alertsPage, reviewsPage } from './pages/reviews';
import { signInPage } from './pages/signin';
import './styles.css';

const app = document.getElementById('app')!;
const NAV: Array<[string, string]> = [
  ['#/overview', 'Overview'],
  ['#/live', 'Live'],
  ['#/payments', 'Payments'],
  ['#/reviews', 'Fraud reviews'],
  ['#/alerts', 'Alerts'],
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
  const nav = h('nav', {}, ...NAV.map(([href, label]) => h('a', { href, class: hash.startsWith(href) ? 'active' : undefined }, label)));
  const out = h('button', { type: 'button', class: 'link' }, 'Sign out');
  out.addEventListener('click', () => {
    signOut();
    location.hash = '#/signin';
  });
  app.replaceChildren(h('header', {}, h('strong', {}, 'NFC Pay'), nav, h('span', { class: 'who' }, me.email, ' ', out)), content);
  try {
    content.replaceChildren(await page(hash));
    content.dataset.ready = 'true';
  } catch (error) {
    content.replaceChildren(h('p', { class: 'error', role: 'alert' }, (error as Error).message));
  }
}

/** Back to the page asked for (a hash that does not change fires no hashchange, so route directly). */
function afterSignIn(): void {
  if (!location.hash || location.hash === '#/signin') location.hash = '#/overview';
  else void route();
}

async function page(hash: string): Promise<HTMLElement> {
  const [, name, id] = hash.split('/');
  switch (name) {
    case 'live': {
      const live = livePage();
      leave = live.stop;
      return live.element;
    }
    case 'payments':
      return id ? paymentPage(decodeURIComponent(id)) : paymentsPage();
    case 'reviews':
      return reviewsPage();
    case 'alerts':
      return alertsPage();
    default:
      return overviewPage();
  }
}

window.addEventListener('hashchange', () => void route());
void route();
