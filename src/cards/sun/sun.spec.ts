import { deriveCardKeys } from './bolt-card-keys';
import { SoftwareCard } from './card-simulator';
import { decryptPiccData, sdmMac, sdmMacMatches } from './sun-message';

const hex = (s: string) => Buffer.from(s, 'hex');

describe('SUN messages: NXP AN12196 worked example (all-zero keys)', () => {
  const zero = Buffer.alloc(16);
  const p = hex('EF963FF7828658A599F3041510671E88');
  const c = hex('94EED9EE65337086');

  it('decrypts PICCData to the UID and read counter', () => {
    expect(decryptPiccData(zero, p)).toEqual({ uid: '04de5f1eacc040', counter: 61 });
  });

  it('computes the SDMMAC over the empty input', () => {
    expect(sdmMac(zero, { uid: '04de5f1eacc040', counter: 61 }).toString('hex')).toBe('94eed9ee65337086');
  });

  it('refuses an altered MAC, UID or counter', () => {
    const picc = { uid: '04de5f1eacc040', counter: 61 };
    expect(sdmMacMatches(zero, picc, c)).toBe(true);
    expect(sdmMacMatches(zero, picc, hex('94EED9EE65337087'))).toBe(false);
    expect(sdmMacMatches(zero, { ...picc, uid: '14de5f1eacc040' }, c)).toBe(false);
    expect(sdmMacMatches(zero, { ...picc, counter: 62 }, c)).toBe(false);
    expect(sdmMacMatches(zero, picc, c.subarray(0, 7))).toBe(false);
  });

  it('is not PICCData under another key', () => {
    expect(decryptPiccData(hex('00000000000000000000000000000001'), p)).toBeNull();
    expect(decryptPiccData(zero, p.subarray(0, 8))).toBeNull();
  });
});

// boltcard/boltcard docs/TEST_VECTORS.md: taps of a real card.
describe('SUN messages: Bolt Card test vectors', () => {
  const k1 = hex('0c3b25d92b38ae443229dd59ad34b85d');
  const k2 = hex('b45775776cb224c75bcde7ca3704e933');
  it.each([
    ['4E2E289D945A66BB13377A728884E867', 'E19CCB1FED8892CE', 3],
    ['00F48C4F8E386DED06BCDC78FA92E2FE', '66B4826EA4C155B4', 5],
    ['0DBF3C59B59B0638D60B5842A997D4D1', 'CC61660C020B4D96', 7],
  ])('p=%s c=%s (counter %i)', (p, c, counter) => {
    const picc = decryptPiccData(k1, hex(p));
    expect(picc).toEqual({ uid: '04996c6a926980', counter });
    expect(sdmMacMatches(k2, picc!, hex(c))).toBe(true);
  });
});

// boltcard/boltcard docs/DETERMINISTIC.md "Test vectors".
describe('Bolt Card deterministic keys', () => {
  it('derives K0…K4 from the issuer key, the UID and version 1', () => {
    const keys = deriveCardKeys(hex('00000000000000000000000000000001'), hex('04a39493cc8680'), 1);
    expect(Object.fromEntries(Object.entries(keys).map(([name, key]) => [name, key.toString('hex')]))).toEqual({
      k0: 'a29119fcb48e737d1591d3489557e49b',
      k1: '55da174c9608993dc27bb3f30a4a7314',
      k2: 'f4b404be700ab285e333e32348fa3d3b',
      k3: '73610ba4afe45b55319691cb9489142f',
      k4: 'addd03e52964369be7f2967736b7bdb5',
    });
  });

  it('gives a new version other card keys but the same K1', () => {
    const issuer = hex('00000000000000000000000000000001');
    const v1 = deriveCardKeys(issuer, hex('04a39493cc8680'), 1);
    const v2 = deriveCardKeys(issuer, hex('04a39493cc8680'), 2);
    expect(v2.k1.equals(v1.k1)).toBe(true);
    expect(v2.k2.equals(v1.k2)).toBe(false);
  });
});

describe('SoftwareCard', () => {
  it('answers taps that decrypt and verify under its keys, the counter rising by one', () => {
    const keys = deriveCardKeys(hex('00000000000000000000000000000001'), hex('04a39493cc8680'), 1);
    const card = new SoftwareCard('04A39493CC8680', { k1: keys.k1.toString('hex'), k2: keys.k2.toString('hex') }, 41);
    const tap = card.tap();
    const picc = decryptPiccData(keys.k1, hex(tap.p));
    expect(picc).toEqual({ uid: '04a39493cc8680', counter: 42 });
    expect(sdmMacMatches(keys.k2, picc!, hex(tap.c))).toBe(true);
    expect(decryptPiccData(keys.k1, hex(card.tap().p))?.counter).toBe(43);
  });
});
