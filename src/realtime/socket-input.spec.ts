import { parseId, refusalOf, TokenBucket, tokenFromHandshake } from './socket-input';

describe('socket input', () => {
  it('accepts one bounded id string and nothing else', () => {
    expect(parseId('nfc_lx2_abc123')).toBe('nfc_lx2_abc123');
    expect(parseId('card-1a2b3c4d')).toBe('card-1a2b3c4d');
    for (const bad of [undefined, null, 7, {}, ['a'], '', 'a'.repeat(129), 'a b', 'a/b', '$where', 'é']) expect(parseId(bad)).toBeUndefined();
    expect(parseId('a'.repeat(128))).toHaveLength(128);
  });

  it('takes the token from auth.token, else from an Authorization: Bearer header, never the query', () => {
    expect(tokenFromHandshake({ auth: { token: 'a.b.c' }, headers: {} })).toBe('a.b.c');
    expect(tokenFromHandshake({ auth: { token: 'Bearer a.b.c' }, headers: {} })).toBe('a.b.c');
    expect(tokenFromHandshake({ auth: {}, headers: { authorization: 'Bearer x.y.z' } })).toBe('x.y.z');
    expect(tokenFromHandshake({ auth: {}, headers: { authorization: 'Basic abc' } })).toBeUndefined();
    expect(tokenFromHandshake({ auth: { token: 42 }, headers: {} })).toBeUndefined();
    expect(tokenFromHandshake({ auth: {}, headers: {}, ...({ query: { token: 'a.b.c' } } as object) })).toBeUndefined();
  });

  it('explains a refusal without echoing the token', () => {
    expect(refusalOf(undefined, undefined)).toMatch(/Authentication required/);
    expect(refusalOf('garbage', undefined)).toBe('Invalid token: malformed');
    expect(refusalOf('a.b.c', -5)).toBe('Invalid token: expired');
    expect(refusalOf('a.b.c', 300)).toBe('Invalid token: signature or claims not accepted');
  });

  it('rate limits with a token bucket', () => {
    let now = 0;
    const bucket = new TokenBucket(3, 2, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    now += 500; // one token back
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    now += 10_000; // refills to the burst, no more
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });
});
