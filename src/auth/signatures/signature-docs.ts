import type { DocumentBuilder } from '@nestjs/swagger';

type SecuritySchemeObject = Parameters<DocumentBuilder['addSecurity']>[1];

/** The worked example of the Swagger scheme, signed with RFC 9421's test key (B.1.4); a unit test verifies it. */
export const SIGNATURE_EXAMPLE = {
  publicKey: 'JrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=',
  method: 'POST',
  path: '/api/terminals/heartbeat',
  body: '{"appVersion":"2.4.0"}',
  contentDigest: 'sha-256=:s2HAbXXz6rIMncrULQetOwrY7lV2urIzpwCtP6jJOZs=:',
  signatureInput: 'sig1=("@method" "@path" "content-digest");created=1767225600;nonce="b3k2pQx9Vd7sLr4M";keyid="trm_5f0c2a9b1e8a00123456789a";alg="ed25519"',
  base: [
    '"@method": POST',
    '"@path": /api/terminals/heartbeat',
    '"content-digest": sha-256=:s2HAbXXz6rIMncrULQetOwrY7lV2urIzpwCtP6jJOZs=:',
    '"@signature-params": ("@method" "@path" "content-digest");created=1767225600;nonce="b3k2pQx9Vd7sLr4M";keyid="trm_5f0c2a9b1e8a00123456789a";alg="ed25519"',
  ].join('\n'),
  signature: 'sig1=:SvEOOJqHavhfCj0QCtUroQkUaff5m/zb4cOIQvAmAKaYuYZbH9iP410h+4sS3JKGIFO4qLrJPOeNE+aWWAXIBQ==:',
};

export const HTTP_SIGNATURE_SCHEME: SecuritySchemeObject = {
  type: 'apiKey',
  in: 'header',
  name: 'Signature',
  description: [
    'Terminals paired with a device key (POST /api/terminals/pair) sign every request with RFC 9421 HTTP Message Signatures, Ed25519, instead of a bearer token (which is then refused for them).',
    '',
    'Label `sig1`; covered components `"@method" "@path"` and, when there is a body, `"content-digest"` with a `Content-Digest: sha-256=:<base64 of SHA-256 of the body bytes>:` header (RFC 9530). Parameters `created` (Unix seconds, within 60 s of server time), `nonce` (8-128 visible characters, never reused within 5 minutes), `keyid` (the terminalId) and `alg="ed25519"`, in any order: the server rebuilds `"@signature-params"` from Signature-Input as sent. Any problem answers 401 with the reason.',
    '',
    `Worked example (RFC 9421's test key B.1.4, public key \`${SIGNATURE_EXAMPLE.publicKey}\`): ${SIGNATURE_EXAMPLE.method} ${SIGNATURE_EXAMPLE.path} with body \`${SIGNATURE_EXAMPLE.body}\`.`,
    '',
    'Signature base (lines joined by \\n, no trailing newline):',
    '```',
    SIGNATURE_EXAMPLE.base,
    '```',
    'Headers:',
    '```',
    `Content-Type: application/json`,
    `Content-Digest: ${SIGNATURE_EXAMPLE.contentDigest}`,
    `Signature-Input: ${SIGNATURE_EXAMPLE.signatureInput}`,
    `Signature: ${SIGNATURE_EXAMPLE.signature}`,
    '```',
  ].join('\n'),
};
