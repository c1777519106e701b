import { get } from './api';
import { h } from './dom';

type Merchant = { merchantId: string; name: string; status: string };
type Page = { merchants: Merchant[]; nextCursor: string | null };

/** Every merchant, in the pages the API gives them (100 is its largest). */
async function allMerchants(): Promise<Merchant[]> {
  const merchants: Merchant[] = [];
  let cursor: string | null = null;
  do {
    const page: Page = await get<Page>('/api/merchants', { limit: '100', cursor: cursor ?? undefined });
    merchants.push(...page.merchants);
    cursor = page.nextCursor;
  } while (cursor);
  return merchants;
}

/**
 * An admin's choice of merchant, from GET /api/merchants rather than a typed id; choosing one goes
 * to `#/<page>/<merchantId>`, so the choice is in the address. `none` labels the option of no
 * merchant (every merchant, or none chosen yet), whose address is `#/<page>`.
 */
export async function merchantPicker(pageName: string, selected: string | undefined, none: string): Promise<HTMLElement> {
  const merchants = await allMerchants();
  const select = h(
    'select',
    { name: 'merchant' },
    h('option', { value: '' }, none),
    ...merchants.map((m) => h('option', { value: m.merchantId, selected: m.merchantId === selected }, `${m.name} · ${m.merchantId}${m.status === 'active' ? '' : ` (${m.status})`}`)),
  );
  select.addEventListener('change', () => {
    location.hash = select.value ? `#/${pageName}/${encodeURIComponent(select.value)}` : `#/${pageName}`;
  });
  return h('label', { class: 'picker' }, 'Merchant', select);
}
