import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';

/**
 * RFC 9421 HTTP Message Signatures, the part a verifier needs: the `Signature-Input` and
 * `Signature` dictionaries (RFC 8941 structured fields), the signature base (§2.5) and Ed25519
 * verification; plus RFC 9530 `Content-Digest`. Pure functions, so the RFC's vectors test them.
 */

export type BareItem = string | number | boolean | Token | Uint8Array;
/** An RFC 8941 token (unquoted), kept apart from strings so it serializes back the same way. */
export class Token {
  constructor(readonly value: string) {}
}
export type Parameters = [name: string, value: BareItem][];

export interface CoveredComponent {
  name: string;
  parameters: Parameters;
}

/** One member of Signature-Input: what is covered and the signature's parameters, in the client's order. */
export interface SignatureInput {
  components: CoveredComponent[];
  parameters: Parameters;
}

export class StructuredFieldError extends Error {}

/** `Signature-Input`: label → covered components and parameters. */
export function parseSignatureInputs(header: string): Map<string, SignatureInput> {
  const inputs = new Map<string, SignatureInput>();
  for (const [label, member] of parseDictionary(header)) {
    if (!member.innerList) throw new StructuredFieldError(`Signature-Input member ${label} is not an inner list`);
    const components = member.innerList.map(([item, parameters]) => {
      if (typeof item !== 'string') throw new StructuredFieldError(`Signature-Input member ${label} names a component that is not a string`);
      return { name: item, parameters };
    });
    inputs.set(label, { components, parameters: member.parameters });
  }
  return inputs;
}

/** `Signature`: label → signature bytes. */
export function parseSignatures(header: string): Map<string, Uint8Array> {
  const signatures = new Map<string, Uint8Array>();
  for (const [label, member] of parseDictionary(header)) {
    if (!(member.item instanceof Uint8Array)) throw new StructuredFieldError(`Signature member ${label} is not a byte sequence`);
    signatures.set(label, member.item);
  }
  return signatures;
}

export const parameterOf = (parameters: Parameters, name: string): BareItem | undefined => parameters.find(([key]) => key === name)?.[1];

/** The value of a covered component, or undefined when the message has none (the signature then fails). */
export type ComponentValue = (component: CoveredComponent) => string | undefined;

/**
 * RFC 9421 §2.5: one line per covered component in the signer's order, then `"@signature-params"`,
 * the inner list serialized again from what was parsed (parameters in the order they came).
 */
export function signatureBase(input: SignatureInput, valueOf: ComponentValue): string {
  const lines: string[] = [];
  for (const component of input.components) {
    const value = valueOf(component);
    if (value === undefined) throw new StructuredFieldError(`the request has no ${component.name}, which the signature covers`);
    lines.push(`${serializeComponentIdentifier(component)}: ${value}`);
  }
  lines.push(`"@signature-params": ${serializeSignatureParams(input)}`);
  return lines.join('\n');
}

export function serializeSignatureParams(input: SignatureInput): string {
  return `(${input.components.map(serializeComponentIdentifier).join(' ')})${serializeParameters(input.parameters)}`;
}

/** A raw 32-byte Ed25519 public key (as the terminal sends it, base64) as a KeyObject. */
export function ed25519PublicKey(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new StructuredFieldError('an Ed25519 public key is 32 bytes');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
}

export function verifyEd25519(base: string, signature: Uint8Array, key: KeyObject): boolean {
  return signature.length === 64 && verify(null, Buffer.from(base, 'utf8'), key, signature);
}

/** RFC 9530: the `sha-256` member of a Content-Digest header, or undefined. */
export function sha256OfContentDigest(header: string): Uint8Array | undefined {
  const digest = parseDictionary(header).get('sha-256')?.item;
  return digest instanceof Uint8Array ? digest : undefined;
}

export function contentDigestHeader(body: Uint8Array | string): string {
  return `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
}

function serializeComponentIdentifier(component: CoveredComponent): string {
  return `${serializeString(component.name)}${serializeParameters(component.parameters)}`;
}

function serializeParameters(parameters: Parameters): string {
  return parameters.map(([name, value]) => (value === true ? `;${name}` : `;${name}=${serializeBareItem(value)}`)).join('');
}

function serializeBareItem(value: BareItem): string {
  if (typeof value === 'string') return serializeString(value);
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? '?1' : '?0';
  if (value instanceof Token) return value.value;
  return `:${Buffer.from(value).toString('base64')}:`;
}

function serializeString(value: string): string {
  return `"${value.replace(/[\\"]/g, (character) => `\\${character}`)}"`;
}

interface Member {
  item?: BareItem;
  innerList?: [BareItem, Parameters][];
  parameters: Parameters;
}

/** RFC 8941 §4.2.2 dictionaries, enough of them for signatures: items, inner lists, parameters. */
function parseDictionary(input: string): Map<string, Member> {
  const parser = new Parser(input);
  const members = new Map<string, Member>();
  parser.skipSpaces();
  while (!parser.done()) {
    const key = parser.key();
    let member: Member;
    if (parser.peek() === '=') {
      parser.advance();
      if (parser.peek() === '(') {
        const innerList = parser.innerList();
        member = { innerList, parameters: parser.parameters() };
      } else {
        const item = parser.bareItem();
        member = { item, parameters: parser.parameters() };
      }
    } else {
      member = { item: true, parameters: parser.parameters() };
    }
    members.set(key, member);
    parser.skipOptionalWhitespace();
    if (parser.done()) break;
    parser.expect(',');
    parser.skipOptionalWhitespace();
    if (parser.done()) throw new StructuredFieldError('trailing comma');
  }
  return members;
}

class Parser {
  private position = 0;
  constructor(private readonly input: string) {}

  done(): boolean {
    return this.position >= this.input.length;
  }
  peek(): string {
    return this.input[this.position] ?? '';
  }
  advance(): void {
    this.position++;
  }
  expect(character: string): void {
    if (this.peek() !== character) throw new StructuredFieldError(`expected "${character}" at ${this.position}`);
    this.advance();
  }
  skipSpaces(): void {
    while (this.peek() === ' ') this.advance();
  }
  skipOptionalWhitespace(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.advance();
  }

  key(): string {
    const match = /^[a-z*][a-z0-9_.*-]*/.exec(this.input.slice(this.position));
    if (!match) throw new StructuredFieldError(`expected a key at ${this.position}`);
    this.position += match[0].length;
    return match[0];
  }

  innerList(): [BareItem, Parameters][] {
    this.expect('(');
    const items: [BareItem, Parameters][] = [];
    for (;;) {
      this.skipSpaces();
      if (this.peek() === ')') {
        this.advance();
        return items;
      }
      const item = this.bareItem();
      items.push([item, this.parameters()]);
      if (this.peek() !== ' ' && this.peek() !== ')') throw new StructuredFieldError(`expected a space or ")" at ${this.position}`);
    }
  }

  parameters(): Parameters {
    const parameters: Parameters = [];
    while (this.peek() === ';') {
      this.advance();
      this.skipSpaces();
      const name = this.key();
      let value: BareItem = true;
      if (this.peek() === '=') {
        this.advance();
        value = this.bareItem();
      }
      const existing = parameters.findIndex(([key]) => key === name);
      if (existing >= 0) parameters.splice(existing, 1);
      parameters.push([name, value]);
    }
    return parameters;
  }

  bareItem(): BareItem {
    const character = this.peek();
    if (character === '"') return this.string();
    if (character === ':') return this.byteSequence();
    if (character === '?') return this.boolean();
    if (character === '-' || /[0-9]/.test(character)) return this.integer();
    if (/[A-Za-z*]/.test(character)) return this.token();
    throw new StructuredFieldError(`unexpected "${character}" at ${this.position}`);
  }

  private string(): string {
    this.expect('"');
    let value = '';
    for (;;) {
      if (this.done()) throw new StructuredFieldError('unterminated string');
      const character = this.peek();
      this.advance();
      if (character === '"') return value;
      if (character === '\\') {
        const escaped = this.peek();
        if (escaped !== '"' && escaped !== '\\') throw new StructuredFieldError('bad escape in string');
        this.advance();
        value += escaped;
      } else if (character < ' ' || character > '~') {
        throw new StructuredFieldError('non-ASCII character in string');
      } else {
        value += character;
      }
    }
  }

  private byteSequence(): Uint8Array {
    this.expect(':');
    const end = this.input.indexOf(':', this.position);
    if (end < 0) throw new StructuredFieldError('unterminated byte sequence');
    const encoded = this.input.slice(this.position, end);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) throw new StructuredFieldError('byte sequence is not base64');
    this.position = end + 1;
    return new Uint8Array(Buffer.from(encoded, 'base64'));
  }

  private boolean(): boolean {
    this.expect('?');
    const character = this.peek();
    if (character !== '0' && character !== '1') throw new StructuredFieldError('bad boolean');
    this.advance();
    return character === '1';
  }

  private integer(): number {
    const match = /^-?[0-9]{1,15}/.exec(this.input.slice(this.position));
    if (!match) throw new StructuredFieldError(`expected an integer at ${this.position}`);
    this.position += match[0].length;
    if (this.peek() === '.') throw new StructuredFieldError('decimals are not accepted here');
    return Number(match[0]);
  }

  private token(): Token {
    const match = /^[A-Za-z*][A-Za-z0-9!#$%&'*+\-.^_`|~:/]*/.exec(this.input.slice(this.position));
    this.position += match![0].length;
    return new Token(match![0]);
  }
}
