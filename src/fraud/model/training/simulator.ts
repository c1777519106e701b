import { InMemoryFraudCounters } from '../../counters/in-memory-fraud-counters';
import { DEFAULT_RULES } from '../../fraud-rules.config';
import { evaluateRules } from '../../rules/rule-engine';
import { HIGH_RISK_MCCS, modelFeatures } from '../features';

/** A deterministic PRNG (mulberry32): the same seed gives the same data set everywhere. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export type Scenario = 'normal' | 'card_testing' | 'stolen_card' | 'terminal_hopping' | 'large_first_use' | 'recorded';

interface Tap {
  at: number;
  cardUuid: string;
  merchantId: string;
  terminalId: string;
  amount: number;
  scenario: Scenario;
  declined: boolean;
  cardIssuedAt: number;
  mcc: string;
}

export interface Sample {
  x: number[];
  label: 0 | 1;
  scenario: Scenario;
  /** What the hand-set rules (DEFAULT_RULES) scored the same tap. */
  rulesScore: number;
}

export interface SimulationSize {
  cardholders: number;
  days: number;
  cardTestingBursts: number;
  stolenCards: number;
  hoppingRuns: number;
  largeFirstUses: number;
}

export const DEFAULT_SIZE: SimulationSize = { cardholders: 800, days: 30, cardTestingBursts: 40, stolenCards: 80, hoppingRuns: 60, largeFirstUses: 120 };

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const START = Date.UTC(2026, 0, 5);
const EVERYDAY_MCCS = ['5411', '5812', '5814', '5541', '5912', '5999'];
const RISKY_MCCS = [...HIGH_RISK_MCCS];

/**
 * Cardholders and attacks, replayed in time order through the same counters the rules read
 * (in memory, as the rules backtest does), so every sample's features are what production would
 * have computed at that tap.
 *
 * Merchants have a category: 15 % of them one of HIGH_RISK_MCCS, the rest everyday ones.
 *
 * - normal: 800 cardholders paying ~1.5 times a day, mostly at three home merchants, amounts
 *   log-normal around their own typical amount; some pay big now and then, some new cards start
 *   with a large first payment, a few pay at night. 25 % of the cards are registered on the day
 *   of their first payment, the rest 1–700 days before.
 * - card_testing: a terminal (at a digital-goods merchant half the time) runs 8–20 cards of any
 *   age through small amounts within minutes; most decline.
 * - stolen_card: an established card pays 4–10 times within minutes at different merchants, 60 %
 *   of them high-risk, 2–8× its typical amount.
 * - terminal_hopping: a card (half of them registered within the last two days) taps 5–8 terminals within ten minutes.
 * - large_first_use: a card registered minutes to two days before makes a first payment of 2–9
 *   million, at a high-risk merchant 60 % of the time.
 */
export function simulate(seed: number, size: SimulationSize = DEFAULT_SIZE): Sample[] {
  const random = seeded(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
  const merchants = Array.from({ length: 200 }, (_, m) => ({
    merchantId: `m${m}`,
    terminals: Array.from({ length: 1 + Math.floor(random() * 3) }, (_, t) => `m${m}-t${t}`),
    mcc: random() < 0.15 ? pick(RISKY_MCCS) : pick(EVERYDAY_MCCS),
  }));
  const risky = merchants.filter((m) => HIGH_RISK_MCCS.has(m.mcc));
  const digital = merchants.filter((m) => m.mcc === '5816');
  const terminalAt = (merchant: (typeof merchants)[number]) => ({ merchantId: merchant.merchantId, terminalId: pick(merchant.terminals), mcc: merchant.mcc });
  const merchantFor = (riskyShare: number, among = risky) => (among.length && random() < riskyShare ? pick(among) : pick(merchants));
  const dayTime = (day: number) => START + day * DAY + (random() < 0.03 ? random() * 6 : 7 + random() * 15) * 60 * MINUTE - 7 * 60 * MINUTE;
  const taps: Tap[] = [];
  const cards: { cardUuid: string; typical: number; issuedAt: number }[] = [];

  for (let c = 0; c < size.cardholders; c++) {
    const cardUuid = `c${c}`;
    const typical = Math.round(Math.exp(Math.log(120_000) + 0.6 * gauss()));
    const home = [pick(merchants), pick(merchants), pick(merchants)];
    const firstDay = Math.floor(random() * 10);
    const issuedAt = START + firstDay * DAY - (random() < 0.25 ? random() * 7 * 60 * MINUTE : (1 + random() * 699) * DAY);
    cards.push({ cardUuid, typical, issuedAt });
    let first = true;
    for (let day = firstDay; day < size.days; day++) {
      const count = random() < 0.3 ? 0 : 1 + Math.floor(random() * 2.2);
      for (let i = 0; i < count; i++) {
        const merchant = random() < 0.85 ? pick(home) : pick(merchants);
        const big = random() < 0.02 || (first && random() < 0.1);
        const amount = Math.max(1_000, Math.round(typical * Math.exp(0.4 * gauss()) * (big ? 5 + random() * 10 : 1)));
        taps.push({ at: dayTime(day), cardUuid, ...terminalAt(merchant), amount, scenario: 'normal', declined: random() < 0.01, cardIssuedAt: issuedAt });
        first = false;
      }
    }
  }
  const attackTime = () => START + (10 + random() * (size.days - 11)) * DAY;
  for (let b = 0; b < size.cardTestingBursts; b++) {
    const place = terminalAt(merchantFor(0.5, digital));
    let at = attackTime();
    const burst = 8 + Math.floor(random() * 13);
    for (let k = 0; k < burst; k++) {
      const cardIssuedAt = at - random() * 700 * DAY;
      for (let t = 0, n = 1 + Math.floor(random() * 3); t < n; t++) {
        at += (5 + random() * 30) * 1000;
        taps.push({ at, cardUuid: `ct${b}-${k}`, ...place, amount: 1_000 + Math.floor(random() * 19_000), scenario: 'card_testing', declined: random() < 0.7, cardIssuedAt });
      }
    }
  }
  for (let s = 0; s < size.stolenCards; s++) {
    const card = pick(cards);
    let at = attackTime();
    for (let k = 0, n = 4 + Math.floor(random() * 7); k < n; k++) {
      at += (30 + random() * 90) * 1000;
      taps.push({ at, cardUuid: card.cardUuid, ...terminalAt(merchantFor(0.6)), amount: Math.round(card.typical * (2 + random() * 6)), scenario: 'stolen_card', declined: false, cardIssuedAt: card.issuedAt });
    }
  }
  for (let h = 0; h < size.hoppingRuns; h++) {
    const merchant = pick(merchants);
    let at = attackTime();
    const card = random() < 0.5 ? pick(cards) : { cardUuid: `hop${h}`, issuedAt: at - random() * 2 * DAY };
    for (let k = 0, n = 5 + Math.floor(random() * 4); k < n; k++) {
      at += (20 + random() * 80) * 1000;
      const place = random() < 0.5 ? { merchantId: merchant.merchantId, terminalId: `${merchant.merchantId}-hop${k}`, mcc: merchant.mcc } : terminalAt(pick(merchants));
      taps.push({ at, cardUuid: card.cardUuid, ...place, amount: 50_000 + Math.floor(random() * 450_000), scenario: 'terminal_hopping', declined: false, cardIssuedAt: card.issuedAt });
    }
  }
  for (let l = 0; l < size.largeFirstUses; l++) {
    let at = attackTime();
    const cardIssuedAt = at - random() * 2 * DAY;
    const place = terminalAt(merchantFor(0.6));
    for (let k = 0, n = random() < 0.3 ? 2 : 1; k < n; k++) {
      at += random() * 10 * MINUTE;
      taps.push({ at, cardUuid: `new${l}`, ...place, amount: 2_000_000 + Math.floor(random() * 7_000_000), scenario: 'large_first_use', declined: false, cardIssuedAt });
    }
  }

  taps.sort((a, b) => a.at - b.at || a.cardUuid.localeCompare(b.cardUuid));
  const counters = new InMemoryFraudCounters({ card: new Set(), terminal: new Set(), merchant: new Set() });
  return taps.map((tap) => {
    const features = counters.read(tap, tap.at, DEFAULT_RULES);
    const rules = evaluateRules({ input: tap, features }, DEFAULT_RULES);
    counters.record(tap, tap.at, !tap.declined);
    return { x: modelFeatures(tap, features), label: tap.scenario === 'normal' ? 0 : 1, scenario: tap.scenario, rulesScore: rules.score };
  });
}
