/**
 * Redis keys of the fraud counters (the shared client adds its own key prefix). Every key is
 * bounded in time (expiry) and size (trimmed on write).
 */
export const fraudKeys = {
  /** zset: approved payments of a card, member `${at}:${id}`, score at (ms); 1 h, ≤ 1000 members. */
  cardPayments: (card: string) => `fraud:card:${card}:pay`,
  /** list: amounts of the card's latest approved payments, newest first; ≤ 50, 30 days. */
  cardAmounts: (card: string) => `fraud:card:${card}:amt`,
  /** zset: terminals where the card paid, score last time (ms); ≤ 200 members, 90 days. */
  cardTerminals: (card: string) => `fraud:card:${card}:term`,
  /** zset: merchants where the card paid, score last time (ms); ≤ 200 members, 24 h. */
  cardMerchants: (card: string) => `fraud:card:${card}:merch`,
  /** zset: declined payments of a card, member `${at}:${id}`; ≤ 1000 members, 24 h. */
  cardDeclines: (card: string) => `fraud:card:${card}:decl`,
  /** zset: cards declined at a terminal, score last decline time (ms); ≤ 5000 members, 24 h. */
  terminalDeclinedCards: (terminal: string) => `fraud:term:${terminal}:declcards`,
  /** zset: declined attempts of a caller (`user:<id>`), member `${at}:${id}`; ≤ 1000 members, 24 h. */
  callerDeclines: (caller: string) => `fraud:caller:${caller}:decl`,
  /** set: blocked values of a list type (mirror of MongoDB). */
  list: (type: string) => `fraud:list:${type}`,
  /** string: version of the rule set in MongoDB; instances reload when it moves past theirs. */
  rulesVersion: 'fraud:rules:version',
};

export const COUNTER_LIMITS = {
  hourMs: 3_600_000,
  dayMs: 86_400_000,
  paymentsKept: 1_000,
  terminalsKept: 200,
  terminalHistoryMs: 90 * 86_400_000,
  merchantsKept: 200,
  declinesKept: 1_000,
  declinedCardsKept: 5_000,
  amountsKept: 50,
  amountHistoryMs: 30 * 86_400_000,
  /** At most this many distinct terminals/merchants are read for the hopping rule. */
  hoppingReadLimit: 100,
};
