import type { FraudPort } from '../payments/fraud.port';
import type { FraudService } from './fraud.service';
import { diff } from './fraud-rules.service';

// Compile-time (npm run typecheck): FraudService can be bound as payments' FRAUD_PORT as it is.
type Implements<T extends FraudPort> = T;
export type FraudServiceIsAFraudPort = Implements<FraudService>;

describe('rule-change audit diff', () => {
  it('lists every changed leaf with its path', () => {
    expect(diff({ a: { b: 1, c: true }, d: 2 }, { a: { b: 2, c: true }, d: 2 })).toEqual([{ path: 'a.b', from: 1, to: 2 }]);
    expect(diff({ a: 1 }, { a: 1 })).toEqual([]);
  });
});
