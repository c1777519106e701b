import { createPrivateKey, sign } from 'node:crypto';
import {
  contentDigestHeader,
  ed25519PublicKey,
  parameterOf,
  parseSignatureInputs,
  parseSignatures,
  serializeSignatureParams,
  sha256OfContentDigest,
  signatureBase,
  verifyEd25519,
} from './http-message-signature';
import { SIGNATURE_EXAMPLE } from './signature-docs';

// RFC 9421 Appendix B.1.4 (test-key-ed25519) and B.2.6 (Signing a Request Using ed25519).
const RFC_KEY = { x: 'JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs', d: 'n4Ni-HpISpVObnQMW0wOhCKROaIKqKtW_2ZYb2p9KcU' };
const B26_INPUT = 'sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"';
const B26_SIGNATURE = 'sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:';
const B26_BASE = [
  '"date": Tue, 20 Apr 2021 02:07:55 GMT',
  '"@method": POST',
  '"@path": /foo',
  '"@authority": example.com',
  '"content-type": application/json',
  '"content-length": 18',
  '"@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"',
].join('\n');
// The test request of Appendix B.2 (POST /foo?param=Value&Pet=dog), as components.
const B2_REQUEST: Record<string, string> = {
  date: 'Tue, 20 Apr 2021 02:07:55 GMT',
  '@method': 'POST',
  '@path': '/foo',
  '@authority': 'example.com',
  'content-type': 'application/json',
  'content-length': '18',
};

const publicKey = ed25519PublicKey(Buffer.from(RFC_KEY.x, 'base64url'));

describe('RFC 9421 signatures', () => {
  it('builds the signature base of Appendix B.2.6', () => {
    const input = parseSignatureInputs(B26_INPUT).get('sig-b26')!;
    expect(signatureBase(input, (component) => B2_REQUEST[component.name])).toBe(B26_BASE);
  });

  it("verifies the RFC's ed25519 signature and signs the base to exactly its bytes", () => {
    const signature = parseSignatures(B26_SIGNATURE).get('sig-b26')!;
    expect(verifyEd25519(B26_BASE, signature, publicKey)).toBe(true);
    const privateKey = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', ...RFC_KEY }, format: 'jwk' });
    expect(Buffer.from(sign(null, Buffer.from(B26_BASE), privateKey)).equals(Buffer.from(signature))).toBe(true);
  });

  it('refuses the signature over a changed base or with a flipped bit', () => {
    const signature = parseSignatures(B26_SIGNATURE).get('sig-b26')!;
    expect(verifyEd25519(B26_BASE.replace('/foo', '/bar'), signature, publicKey)).toBe(false);
    const flipped = Uint8Array.from(signature);
    flipped[10] ^= 1;
    expect(verifyEd25519(B26_BASE, flipped, publicKey)).toBe(false);
    expect(verifyEd25519(B26_BASE, signature.subarray(0, 63), publicKey)).toBe(false);
  });

  it("keeps the client's parameter order in @signature-params", () => {
    const header = 'sig1=("@method" "@path" "content-digest");nonce="n-1";alg="ed25519";keyid="trm_1";created=1700000000';
    const input = parseSignatureInputs(header).get('sig1')!;
    expect(serializeSignatureParams(input)).toBe('("@method" "@path" "content-digest");nonce="n-1";alg="ed25519";keyid="trm_1";created=1700000000');
    expect(parameterOf(input.parameters, 'created')).toBe(1700000000);
    expect(parameterOf(input.parameters, 'keyid')).toBe('trm_1');
  });

  it('reads several labels and refuses malformed dictionaries', () => {
    const inputs = parseSignatureInputs('a=("@method");created=1, sig1=("@path");keyid="k"');
    expect([...inputs.keys()]).toEqual(['a', 'sig1']);
    expect(() => parseSignatureInputs('sig1=("@method"')).toThrow();
    expect(() => parseSignatureInputs('sig1=:abc:')).toThrow();
    expect(() => parseSignatures('sig1=("@method")')).toThrow();
    expect(() => parseSignatures('sig1=:not base64!:')).toThrow();
  });
});

describe('RFC 9530 Content-Digest', () => {
  it('matches the RFC example for {"hello": "world"}', () => {
    expect(contentDigestHeader('{"hello": "world"}')).toBe('sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:');
  });

  it('reads the sha-256 member among others', () => {
    const digest = sha256OfContentDigest('sha-512=:AAAA:, sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:');
    expect(Buffer.from(digest!).toString('base64')).toBe('X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=');
    expect(sha256OfContentDigest('sha-512=:AAAA:')).toBeUndefined();
  });
});

describe('the Swagger worked example', () => {
  it('is a signature that verifies over the base it shows', () => {
    const input = parseSignatureInputs(SIGNATURE_EXAMPLE.signatureInput).get('sig1')!;
    const values: Record<string, string> = { '@method': SIGNATURE_EXAMPLE.method, '@path': SIGNATURE_EXAMPLE.path, 'content-digest': SIGNATURE_EXAMPLE.contentDigest };
    expect(signatureBase(input, (component) => values[component.name])).toBe(SIGNATURE_EXAMPLE.base);
    expect(contentDigestHeader(SIGNATURE_EXAMPLE.body)).toBe(SIGNATURE_EXAMPLE.contentDigest);
    const key = ed25519PublicKey(Buffer.from(SIGNATURE_EXAMPLE.publicKey, 'base64'));
    expect(verifyEd25519(SIGNATURE_EXAMPLE.base, parseSignatures(SIGNATURE_EXAMPLE.signature).get('sig1')!, key)).toBe(true);
  });
});
