import { BadRequestException, ConflictException, Inject, Injectable, Logger, NotFoundException, ServiceUnavailableException, ForbiddenException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { isAdmin, isMerchantOwner, merchantOf, Principal } from '../common/auth/principal';
import { nextRevision } from '../common/database/revision';
import { RevisionedCache } from '../redis/revisioned-cache';
import { webhooksConfig, type WebhooksConfig } from '../config/app.config';
import { CreateMerchantDto, ID_PATTERN, MerchantDto, MerchantListQueryDto, MerchantWithSecretDto, TerminalDto } from './dto/merchant.dto';
import { DEFAULT_MCC, Merchant, MerchantStatus } from './schemas/merchant.schema';
import { Terminal } from './schemas/terminal.schema';
import {
  MERCHANT_ACCESS_REVOKED,
  type MerchantAccessRevokedEvent,
  TERMINAL_ACCESS_REVOKED,
  type TerminalAccessRevokedEvent,
  type TerminalRevocationReason,
} from './merchant-access.events';
import { generateTerminalSecret, hashTerminalSecret, terminalSecretMatches } from './terminal-secret';
import { TerminalPresence } from './terminal-presence';
import { generateWebhookSecret, WebhookSecretBox } from './webhook-secret';
import { validateWebhookUrl, type WebhookUrlPolicy } from './webhook-url-policy';
import { isDuplicateKeyError } from '../common/database/duplicate-key';
import { merchantWalletOwner } from '../blockchain/wallets/custody-owners';
import { WalletService } from '../blockchain/wallets/wallet.service';

const CACHE_TTL_SECONDS = 60;
const DEFAULT_PAGE = 20;
const merchantKey = (merchantId: string) => `cache:merchant:${merchantId}`;
const terminalKey = (terminalId: string) => `cache:terminal:${terminalId}`;

/** What a payment needs to know about where it is made. */
export interface MerchantSnapshot {
  merchantId: string;
  name: string;
  walletAddress: string;
  settlementAddress?: string;
  status: MerchantStatus;
  webhookUrl?: string;
  accessGeneration: number;
  acceptUnauthenticatedCards: boolean;
  mcc: string;
}
export interface TerminalSnapshot {
  terminalId: string;
  merchantId: string;
  status: Terminal['status'];
  credentialGeneration: number;
  /** Base64 of the raw Ed25519 key when the terminal signs its requests: then a bearer token alone is refused. */
  publicKey?: string;
}

/** What a signed request is checked against: the terminal (with its key) and its merchant, from the cache. */
export interface TerminalStanding {
  terminal: TerminalSnapshot;
  merchant: MerchantSnapshot | null;
}

export interface PairedTerminal {
  terminalId: string;
  merchantId: string;
  publicKey: string;
  label?: string;
  deviceInfo?: Record<string, string>;
}

/**
 * What a terminal access token stands for: the terminal and merchant, and the credential
 * generations of both at issue time. The token is good while all of them are still current.
 */
export interface TerminalGrant {
  terminalId: string;
  merchantId: string;
  terminalGeneration: number;
  merchantGeneration: number;
}

/** Where and how to deliver a merchant's webhooks (read from MongoDB, never from the cache). */
export interface WebhookTarget {
  merchantId: string;
  url: string;
  /** Current secret first; the previous one during its grace period after a rotation. */
  secrets: string[];
}

export type MerchantValidation =
  | { valid: true; merchant: MerchantSnapshot }
  | { valid: false; reason: 'merchant_invalid' | 'terminal_invalid' };

@Injectable()
export class MerchantsService {
  private readonly logger = new Logger(MerchantsService.name);

  private readonly box?: WebhookSecretBox;
  readonly webhookUrlPolicy: WebhookUrlPolicy;

  constructor(
    @InjectModel(Merchant.name) private readonly merchants: Model<Merchant>,
    @InjectModel(Terminal.name) private readonly terminals: Model<Terminal>,
    private readonly cache: RevisionedCache,
    @Inject(webhooksConfig.KEY) private readonly webhooks: WebhooksConfig,
    private readonly events: EventEmitter2,
    private readonly presence: TerminalPresence,
    private readonly wallets: WalletService,
  ) {
    if (webhooks.secretKey) this.box = new WebhookSecretBox(webhooks.secretKey);
    else this.logger.warn('WEBHOOK_SECRET_KEY is not set: merchant webhooks cannot be signed; setting a webhook URL answers 503');
    this.webhookUrlPolicy = { requireHttps: webhooks.requireHttps, allowPrivate: webhooks.allowPrivateUrls };
  }

  /** With a webhookUrl, the merchant also gets its signing secret, returned in this answer only. */
  async create(dto: CreateMerchantDto): Promise<MerchantWithSecretDto> {
    if (dto.webhookUrl) await validateWebhookUrl(dto.webhookUrl, this.webhookUrlPolicy);
    const webhookSecret = dto.webhookUrl ? generateWebhookSecret() : undefined;
    // Keyed by merchantId, so a taken id gets back that merchant's own wallet and nothing new.
    const settlement = await this.wallets.createWallet(merchantWalletOwner(dto.merchantId), { fund: false });
    try {
      const merchant = await this.merchants.create({
        ...dto,
        settlementAddress: settlement.address,
        status: 'active',
        revision: nextRevision(),
        ...(webhookSecret && { webhookSecret: this.secretBox.seal(webhookSecret) }),
      });
      await this.cacheMerchant(merchant);
      return { ...toMerchantDto(merchant), ...(webhookSecret && { webhookSecret }) };
    } catch (error) {
      throw duplicateAs(error, 'A merchant with this merchantId already exists');
    }
  }

  /** Sets or removes the webhook URL; the first URL also creates the signing secret (shown once). */
  async setWebhookUrl(merchantId: string, webhookUrl: string | null, principal: Principal): Promise<MerchantWithSecretDto> {
    this.assertMayView(merchantId, principal);
    if (webhookUrl) await validateWebhookUrl(webhookUrl, this.webhookUrlPolicy);
    const current = await this.findMerchant(merchantId);
    const webhookSecret = webhookUrl && !current.webhookSecret ? generateWebhookSecret() : undefined;
    const update = webhookUrl
      ? { $set: { webhookUrl, revision: nextRevision(), ...(webhookSecret && { webhookSecret: this.secretBox.seal(webhookSecret) }) } }
      : { $set: { revision: nextRevision() }, $unset: { webhookUrl: 1 } };
    const merchant = await this.merchants.findOneAndUpdate({ _id: (current as Merchant & { _id: unknown })._id }, update, { returnDocument: 'after' }).lean().exec();
    if (!merchant) throw new NotFoundException('Merchant not found');
    await this.cacheMerchant(merchant);
    return { ...toMerchantDto(merchant), ...(webhookSecret && { webhookSecret }) };
  }

  /**
   * A new signing secret, shown only in this answer. The old one keeps signing (as a second `v1`)
   * for WEBHOOK_SECRET_GRACE_HOURS, so the merchant can switch without missing a delivery.
   */
  async rotateWebhookSecret(merchantId: string, principal: Principal): Promise<{ webhookSecret: string; previousSecretValidUntil?: Date }> {
    this.assertMayView(merchantId, principal);
    const current = await this.findMerchant(merchantId);
    const webhookSecret = generateWebhookSecret();
    const graceMs = this.webhooks.secretGraceHours * 3_600_000;
    const keepPrevious = current.webhookSecret && graceMs > 0;
    const previousSecretValidUntil = keepPrevious ? new Date(Date.now() + graceMs) : undefined;
    await this.merchants
      .updateOne(
        { _id: (current as Merchant & { _id: unknown })._id },
        keepPrevious
          ? { $set: { webhookSecret: this.secretBox.seal(webhookSecret), previousWebhookSecret: current.webhookSecret, previousWebhookSecretUntil: previousSecretValidUntil } }
          : { $set: { webhookSecret: this.secretBox.seal(webhookSecret) }, $unset: { previousWebhookSecret: 1, previousWebhookSecretUntil: 1 } },
      )
      .exec();
    return { webhookSecret, ...(previousSecretValidUntil && { previousSecretValidUntil }) };
  }

  /** For the webhook sender: URL and signing secrets, or null when the merchant has no webhook. */
  async webhookTarget(merchantId: string): Promise<WebhookTarget | null> {
    const merchant = await this.merchants.findOne({ merchantId }).lean().exec();
    if (!merchant?.webhookUrl || !merchant.webhookSecret) return null;
    const secrets = [this.secretBox.open(merchant.webhookSecret)];
    if (merchant.previousWebhookSecret && merchant.previousWebhookSecretUntil && merchant.previousWebhookSecretUntil.getTime() > Date.now()) {
      secrets.push(this.secretBox.open(merchant.previousWebhookSecret));
    }
    return { merchantId, url: merchant.webhookUrl, secrets };
  }

  async get(merchantId: string, principal: Principal): Promise<MerchantDto> {
    this.assertMayView(merchantId, principal);
    return toMerchantDto(await this.findMerchant(merchantId));
  }

  /** Staff get a list of one, their own merchant: to them no other exists. */
  async list(query: MerchantListQueryDto, principal: Principal): Promise<{ merchants: MerchantDto[]; nextCursor: string | null }> {
    const after = query.cursor === undefined ? undefined : merchantAfter(query.cursor);
    if (!isAdmin(principal)) {
      const own = merchantOf(principal);
      const merchant = own && (after === undefined || own > after) ? await this.merchants.findOne({ merchantId: own }).lean().exec() : null;
      return { merchants: merchant ? [toMerchantDto(merchant)] : [], nextCursor: null };
    }
    const limit = query.limit ?? DEFAULT_PAGE;
    const page = await this.merchants.find(after === undefined ? {} : { merchantId: { $gt: after } }).sort({ merchantId: 1 }).limit(limit + 1).lean().exec();
    const items = page.slice(0, limit);
    const last = items.at(-1);
    return { merchants: items.map(toMerchantDto), nextCursor: page.length > limit && last ? Buffer.from(last.merchantId).toString('base64url') : null };
  }

  /** A new category applies to the next payment (the cached snapshot is replaced). */
  async setMcc(merchantId: string, mcc: string): Promise<MerchantDto> {
    const merchant = await this.merchants.findOneAndUpdate({ merchantId }, { $set: { mcc, revision: nextRevision() } }, { returnDocument: 'after' }).lean().exec();
    if (!merchant) throw new NotFoundException('Merchant not found');
    await this.cacheMerchant(merchant);
    return toMerchantDto(merchant);
  }

  /**
   * A suspension ends every terminal token of the merchant for good: after a reactivation its
   * (active) terminals log in again with their secrets; disabled ones stay out.
   */
  async setStatus(merchantId: string, status: MerchantStatus): Promise<MerchantDto> {
    const suspending = status === 'suspended';
    const merchant = await this.merchants
      .findOneAndUpdate({ merchantId }, { $set: { status, revision: nextRevision(), ...(suspending && { accessGeneration: nextRevision() }) } }, { returnDocument: 'after' })
      .lean()
      .exec();
    if (!merchant) throw new NotFoundException('Merchant not found');
    if (!suspending) {
      await this.cacheMerchant(merchant);
      return toMerchantDto(merchant);
    }
    await this.publishRevocation(merchantKey(merchantId), { revision: merchant.revision, value: toMerchantSnapshot(merchant) });
    this.events.emit(MERCHANT_ACCESS_REVOKED, { merchantId, reason: 'merchant_suspended' } satisfies MerchantAccessRevokedEvent);
    return toMerchantDto(merchant);
  }

  /** Whether taps naming only a cardUuid (no SUN proof) are taken here; the next payment sees it. */
  async setCardPolicy(merchantId: string, acceptUnauthenticatedCards: boolean, principal: Principal): Promise<MerchantDto> {
    this.assertMayView(merchantId, principal);
    if (!isAdmin(principal) && !isMerchantOwner(principal, merchantId)) throw new ForbiddenException("Only an admin or the merchant's owner can change the card policy");
    const merchant = await this.merchants.findOneAndUpdate({ merchantId }, { $set: { acceptUnauthenticatedCards, revision: nextRevision() } }, { returnDocument: 'after' }).lean().exec();
    if (!merchant) throw new NotFoundException('Merchant not found');
    await this.cacheMerchant(merchant);
    return toMerchantDto(merchant);
  }

  async createTerminal(merchantId: string, terminalId: string, principal: Principal): Promise<{ terminal: TerminalDto; terminalSecret: string }> {
    this.assertMayView(merchantId, principal);
    await this.findMerchant(merchantId);
    const terminalSecret = generateTerminalSecret();
    try {
      const terminal = await this.terminals.create({ terminalId, merchantId, status: 'active', secretHash: hashTerminalSecret(terminalSecret), revision: nextRevision() });
      await this.cacheTerminal(terminal);
      return { terminal: toTerminalDto(terminal), terminalSecret };
    } catch (error) {
      throw duplicateAs(error, 'A terminal with this terminalId already exists');
    }
  }

  async listTerminals(merchantId: string, principal: Principal): Promise<TerminalDto[]> {
    this.assertMayView(merchantId, principal);
    await this.findMerchant(merchantId);
    const terminals = await this.terminals.find({ merchantId }).sort({ terminalId: 1 }).limit(1000).lean().exec();
    const presences = await this.presence.of(terminals);
    return terminals.map((terminal) => ({ ...toTerminalDto(terminal), ...presences.get(terminal.terminalId) }));
  }

  async disableTerminal(merchantId: string, terminalId: string, principal: Principal): Promise<TerminalDto> {
    this.assertMayView(merchantId, principal);
    return this.revokeTerminal(merchantId, terminalId, { status: 'disabled' }, 'terminal_disabled');
  }

  /** The old secret stops logging in and every token issued under it stops working, at once. */
  async rotateTerminalSecret(merchantId: string, terminalId: string, principal: Principal): Promise<{ terminal: TerminalDto; terminalSecret: string }> {
    this.assertMayView(merchantId, principal);
    const terminalSecret = generateTerminalSecret();
    const terminal = await this.revokeTerminal(merchantId, terminalId, { secretHash: hashTerminalSecret(terminalSecret) }, 'credentials_rotated');
    return { terminal, terminalSecret };
  }

  /**
   * A terminal of the merchant whose device proved a pairing code: it has no secret, only the
   * device's public key, so from the first request on it signs (a bearer token alone is refused).
   */
  async createPairedTerminal(paired: PairedTerminal): Promise<Terminal> {
    const terminal = await this.terminals.create({
      terminalId: paired.terminalId,
      merchantId: paired.merchantId,
      status: 'active',
      publicKey: paired.publicKey,
      pairedAt: new Date(),
      ...(paired.label && { label: paired.label }),
      ...(paired.deviceInfo && { deviceInfo: paired.deviceInfo }),
      revision: nextRevision(),
    });
    await this.cacheTerminal(terminal);
    return terminal;
  }

  /**
   * Binds a first key to a terminal made with a secret, or replaces a terminal's key. Either way
   * the credential generation is renewed, so every token issued before (bearer or socket) dies
   * and open sockets are dropped; signatures by an old key no longer verify.
   */
  async setTerminalKey(terminalId: string, merchantId: string, publicKey: string): Promise<TerminalDto> {
    return this.revokeTerminal(merchantId, terminalId, { publicKey }, 'key_changed');
  }

  /** The terminal and its merchant as a signature is checked against them, or null for an unknown terminal. */
  async terminalStanding(terminalId: string): Promise<TerminalStanding | null> {
    const terminal = await this.terminalSnapshot(terminalId);
    if (!terminal) return null;
    return { terminal, merchant: await this.merchantSnapshot(terminal.merchantId) };
  }

  /** What a new token of the terminal stands for, when the secret is right and both it and its merchant are active. */
  async authenticateTerminal(terminalId: string, secret: string): Promise<TerminalGrant | null> {
    const terminal = await this.terminals.findOne({ terminalId }).lean().exec();
    if (!terminal?.secretHash || !terminalSecretMatches(secret, terminal.secretHash) || terminal.status !== 'active') return null;
    // Its tokens would be refused everywhere: a terminal with a device key signs instead.
    if (terminal.publicKey) return null;
    const merchant = await this.merchantSnapshot(terminal.merchantId);
    if (merchant?.status !== 'active') return null;
    this.terminals.updateOne({ terminalId }, { $set: { lastSeenAt: new Date() } }).exec().catch((error: Error) => {
      this.logger.warn(`could not record lastSeenAt of ${terminalId}: ${error.message}`);
    });
    return { terminalId, merchantId: terminal.merchantId, terminalGeneration: terminal.credentialGeneration ?? 0, merchantGeneration: merchant.accessGeneration ?? 0 };
  }

  /**
   * Whether a terminal token still stands for something: terminal and merchant active, and neither
   * rotated, disabled nor suspended since the token was issued. Checked on every request and socket
   * handshake, so it is served from the cache (which every change writes through) and costs no
   * MongoDB read while the snapshots are cached.
   */
  async isGrantCurrent(grant: TerminalGrant): Promise<boolean> {
    return (await this.currentGrantTerminal(grant)) !== null;
  }

  /** The terminal's snapshot when the grant is current (see isGrantCurrent), else null. */
  async currentGrantTerminal(grant: TerminalGrant): Promise<TerminalSnapshot | null> {
    const [merchant, terminal] = await Promise.all([this.merchantSnapshot(grant.merchantId), this.terminalSnapshot(grant.terminalId)]);
    const current =
      terminal?.status === 'active' &&
      terminal.merchantId === grant.merchantId &&
      (terminal.credentialGeneration ?? 0) === grant.terminalGeneration &&
      merchant?.status === 'active' &&
      (merchant.accessGeneration ?? 0) === grant.merchantGeneration;
    return current ? terminal : null;
  }

  /** Whether a staff token issued under `merchantGeneration` still stands: merchant active and not suspended since. */
  async isStaffGrantCurrent(merchantId: string, merchantGeneration: number): Promise<boolean> {
    const merchant = await this.merchantSnapshot(merchantId);
    return merchant?.status === 'active' && (merchant.accessGeneration ?? 0) === merchantGeneration;
  }

  /** Merchant active, terminal active and belonging to it. Served from the cache; the snapshot has a settlement address. */
  async validateForPayment(merchantId: string, terminalId: string): Promise<MerchantValidation> {
    const [merchant, terminal] = await Promise.all([this.merchantSnapshot(merchantId), this.terminalSnapshot(terminalId)]);
    if (merchant?.status !== 'active') return { valid: false, reason: 'merchant_invalid' };
    if (terminal?.status !== 'active' || terminal.merchantId !== merchantId) return { valid: false, reason: 'terminal_invalid' };
    return { valid: true, merchant: merchant.settlementAddress ? merchant : { ...merchant, settlementAddress: await this.settlementAddressOf(merchantId) } };
  }

  /** The merchant's settlement wallet, made now for a merchant from before settlement wallets (idempotent: one per merchant). */
  async settlementAddressOf(merchantId: string): Promise<string> {
    const current = await this.findMerchant(merchantId);
    if (current.settlementAddress) return current.settlementAddress;
    const { address } = await this.wallets.createWallet(merchantWalletOwner(merchantId), { fund: false });
    const merchant = await this.merchants.findOneAndUpdate({ merchantId }, { $set: { settlementAddress: address, revision: nextRevision() } }, { returnDocument: 'after' }).lean().exec();
    if (merchant) await this.cacheMerchant(merchant);
    return address;
  }

  merchantSnapshot(merchantId: string): Promise<MerchantSnapshot | null> {
    return this.cache.get<MerchantSnapshot>(merchantKey(merchantId), CACHE_TTL_SECONDS, async () => {
      const merchant = await this.merchants.findOne({ merchantId }).lean().exec();
      return merchant && { revision: merchant.revision, value: toMerchantSnapshot(merchant) };
    });
  }

  private terminalSnapshot(terminalId: string): Promise<TerminalSnapshot | null> {
    return this.cache.get<TerminalSnapshot>(terminalKey(terminalId), CACHE_TTL_SECONDS, async () => {
      const terminal = await this.terminals.findOne({ terminalId }).lean().exec();
      return terminal && { revision: terminal.revision, value: toTerminalSnapshot(terminal) };
    });
  }

  private async revokeTerminal(merchantId: string, terminalId: string, change: Partial<Terminal>, reason: TerminalRevocationReason): Promise<TerminalDto> {
    const terminal = await this.terminals
      .findOneAndUpdate({ terminalId, merchantId }, { $set: { ...change, credentialGeneration: nextRevision(), revision: nextRevision() } }, { returnDocument: 'after' })
      .lean()
      .exec();
    if (!terminal) throw new NotFoundException('Terminal not found');
    await this.publishRevocation(terminalKey(terminalId), { revision: terminal.revision, value: toTerminalSnapshot(terminal) });
    this.events.emit(TERMINAL_ACCESS_REVOKED, { terminalId, merchantId, reason } satisfies TerminalAccessRevokedEvent);
    return toTerminalDto(terminal);
  }

  /**
   * Every instance checks tokens against the cached snapshot, so a revocation is in effect only
   * once the cache holds it; if Redis could not take it, the caller must hear so (and retry)
   * rather than believe a token is dead that still works until the old snapshot expires.
   */
  private async publishRevocation<T>(key: string, snapshot: { revision: number; value: T }): Promise<void> {
    if (await this.cache.putConfirmed(key, snapshot, CACHE_TTL_SECONDS)) return;
    throw new ServiceUnavailableException(`Stored, but not yet in effect on every server (cache unavailable); retry within ${CACHE_TTL_SECONDS} s`);
  }

  private get secretBox(): WebhookSecretBox {
    if (!this.box) throw new ServiceUnavailableException('Webhook signing is not configured on this server (WEBHOOK_SECRET_KEY)');
    return this.box;
  }

  private async findMerchant(merchantId: string): Promise<Merchant> {
    const merchant = await this.merchants.findOne({ merchantId }).lean().exec();
    if (!merchant) throw new NotFoundException('Merchant not found');
    return merchant;
  }

  /** Terminals and staff see only their own merchant; to them another merchant does not exist. */
  assertMayView(merchantId: string, principal: Principal): void {
    if (!isAdmin(principal) && merchantOf(principal) !== merchantId) throw new NotFoundException('Merchant not found');
  }

  private cacheMerchant(merchant: Merchant): Promise<void> {
    return this.cache.put(merchantKey(merchant.merchantId), { revision: merchant.revision, value: toMerchantSnapshot(merchant) }, CACHE_TTL_SECONDS);
  }

  private cacheTerminal(terminal: Terminal): Promise<void> {
    return this.cache.put(terminalKey(terminal.terminalId), { revision: terminal.revision, value: toTerminalSnapshot(terminal) }, CACHE_TTL_SECONDS);
  }
}

function merchantAfter(cursor: string): string {
  const merchantId = Buffer.from(cursor, 'base64url').toString();
  if (!ID_PATTERN.test(merchantId)) {
    throw new BadRequestException({ message: 'Validation failed', details: [{ field: 'cursor', errors: ['cursor is not one this API gave out'] }] });
  }
  return merchantId;
}

function duplicateAs(error: unknown, message: string): unknown {
  return isDuplicateKeyError(error) ? new ConflictException(message) : error;
}

function toMerchantSnapshot(merchant: Merchant): MerchantSnapshot {
  return {
    merchantId: merchant.merchantId,
    name: merchant.name,
    walletAddress: merchant.walletAddress,
    ...(merchant.settlementAddress && { settlementAddress: merchant.settlementAddress }),
    status: merchant.status,
    ...(merchant.webhookUrl && { webhookUrl: merchant.webhookUrl }),
    accessGeneration: merchant.accessGeneration ?? 0,
    acceptUnauthenticatedCards: merchant.acceptUnauthenticatedCards ?? true,
    mcc: merchant.mcc ?? DEFAULT_MCC,
  };
}

function toTerminalSnapshot(terminal: Terminal): TerminalSnapshot {
  return {
    terminalId: terminal.terminalId,
    merchantId: terminal.merchantId,
    status: terminal.status,
    credentialGeneration: terminal.credentialGeneration ?? 0,
    ...(terminal.publicKey && { publicKey: terminal.publicKey }),
  };
}


export function toMerchantDto(merchant: Merchant): MerchantDto {
  return {
    merchantId: merchant.merchantId,
    name: merchant.name,
    walletAddress: merchant.walletAddress,
    ...(merchant.settlementAddress && { settlementAddress: merchant.settlementAddress }),
    status: merchant.status,
    ...(merchant.webhookUrl && { webhookUrl: merchant.webhookUrl }),
    mcc: merchant.mcc ?? DEFAULT_MCC,
    webhookSecretSet: Boolean(merchant.webhookSecret),
    acceptUnauthenticatedCards: merchant.acceptUnauthenticatedCards ?? true,
    createdAt: merchant.createdAt,
    updatedAt: merchant.updatedAt,
  };
}

function toTerminalDto(terminal: Terminal): TerminalDto {
  return {
    terminalId: terminal.terminalId,
    merchantId: terminal.merchantId,
    status: terminal.status,
    ...(terminal.label && { label: terminal.label }),
    keyBound: Boolean(terminal.publicKey),
    ...(terminal.lastSeenAt && { lastSeenAt: terminal.lastSeenAt }),
    ...(terminal.deviceInfo && { deviceInfo: terminal.deviceInfo }),
    createdAt: terminal.createdAt,
  };
}
