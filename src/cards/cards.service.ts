import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException, UnauthorizedException, ForbiddenException } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import { InjectModel } from '@nestjs/mongoose';
import { Model, QueryFilter, UpdateQuery } from 'mongoose';
import { isAdmin, Principal } from '../common/auth/principal';
import { nextRevision } from '../common/database/revision';
import { RevisionedCache } from '../redis/revisioned-cache';
import { CARD_UPDATED, CardUpdatedEvent } from './card.events';
import { CardStatusLock } from './card-status-lock';
import { assertWithinCaps, controlsOf, enforcedLimits, type EnforcedLimit, normalized, type SpendingControls, type SpendingLimit, storedFrom } from './card-controls';
import { CardControlsResponseDto, CardDto, CreateCardDto, UpdateCardLimitsDto } from './dto/card.dto';
import { cardsConfig, type CardsConfig } from '../config/app.config';
import { Card, CardStatus, DEFAULT_DAILY_LIMIT, DEFAULT_SINGLE_TRANSACTION_LIMIT } from './schemas/card.schema';
import { isDuplicateKeyError } from '../common/database/duplicate-key';
import { User } from '../auth/schemas/user.schema';
import { verifyPassword } from '../auth/password-hasher';
import { CardIssuer, type CardProgramming } from './sun/card-issuer';
import { CardUid } from './sun/sun.schemas';

const CACHE_TTL_SECONDS = 60;
const cardKey = (cardUuid: string) => `cache:card:${cardUuid}`;
const LIST_LIMIT = 100;

/** What a payment needs to know about the card it is paid with. */
export interface CardSnapshot {
  cardUuid: string;
  ownerId: string;
  status: CardStatus;
  dailyLimit: number;
  singleTransactionLimit: number;
  /** Above this a tap needs the cardholder's PIN. */
  cvmLimit: number;
  /** The N-th tap in a row without a PIN needs one (absent: off). */
  cvmConsecutiveTaps?: number;
  currency: string;
  /** A secure card: a tap must carry its SUN message. */
  requiresCardAuth: boolean;
  nfcUid?: string;
  keyVersion?: number;
  /** Controls and caps beyond the two legacy limits (absent in snapshots cached before they existed). */
  limits?: EnforcedLimit[];
  blockedCategories?: string[];
  /** Epoch ms the card was registered (the fraud model's card age; absent in snapshots cached before it existed). */
  issuedAt?: number;
}

export type CardValidation =
  | { valid: true; card: CardSnapshot }
  /** `ownerId` when the card is known, so a payment can tell its holder's attempt from a stranger's. */
  | { valid: false; reason: 'card_invalid' | 'card_blocked'; detail: string; ownerId?: string };

@Injectable()
export class CardsService {
  constructor(
    @InjectModel(Card.name) private readonly cards: Model<Card>,
    private readonly cache: RevisionedCache,
    private readonly events: EventEmitter2,
    private readonly statusLock: CardStatusLock,
    private readonly issuer: CardIssuer,
    @InjectModel(CardUid.name) private readonly uids: Model<CardUid>,
    @InjectModel(User.name) private readonly users: Model<User>,
    @Inject(cardsConfig.KEY) private readonly config: CardsConfig,
  ) {}

  /** A card with an `nfcUid` is secure: its programming keys are answered here, and never again. */
  async register(dto: CreateCardDto, principal: Principal): Promise<{ card: CardDto; programming?: CardProgramming }> {
    const owner = await this.ownerFor(dto, principal);
    const dailyLimit = dto.dailyLimit ?? DEFAULT_DAILY_LIMIT;
    const singleTransactionLimit = dto.singleTransactionLimit ?? Math.min(DEFAULT_SINGLE_TRANSACTION_LIMIT, dailyLimit);
    assertLimitsConsistent(dailyLimit, singleTransactionLimit);
    const nfcUid = dto.nfcUid?.toLowerCase();
    const programming = nfcUid ? this.issuer.programming(nfcUid, 1) : undefined;
    if (nfcUid) await this.claimUid(nfcUid, dto.cardUuid);
    try {
      const secure = nfcUid ? { nfcUid, keyVersion: 1 } : {};
      const card = await this.cards.create({ cardUuid: dto.cardUuid, ownerId: owner.id, dailyLimit, singleTransactionLimit, status: 'active', ...secure, revision: nextRevision() });
      await this.cacheCard(card);
      return { card: this.toDto(card), ...(programming && { programming }) };
    } catch (error) {
      if (nfcUid) await this.uids.deleteOne({ _id: nfcUid, cardUuid: dto.cardUuid }).exec();
      if (isDuplicateKeyError(error)) throw new ConflictException('This card is already registered');
      throw error;
    }
  }

  /**
   * New keys for a secure card (a new key version): the old ones stop working at once. A holder
   * confirms their password; an admin need not.
   */
  async reprogram(cardUuid: string, password: string | undefined, principal: Principal): Promise<{ card: CardDto; programming: CardProgramming }> {
    const card = await this.findVisible(cardUuid, principal);
    if (!card.nfcUid) throw new ConflictException('Only a card registered with an nfcUid can be reprogrammed');
    if (!isAdmin(principal)) await this.confirmPassword(principal.id, password);
    const changed = (await this.change(cardUuid, {}, { $inc: { keyVersion: 1 } })) ?? notFound();
    return { card: changed, programming: this.issuer.programming(card.nfcUid, changed.keyVersion!) };
  }

  /** What a payment knows of a card (from the cache). */
  find(cardUuid: string): Promise<CardSnapshot | null> {
    return this.snapshot(cardUuid);
  }

  /** One UID, one card: the UID record's `_id` is the UID. */
  private async claimUid(nfcUid: string, cardUuid: string): Promise<void> {
    try {
      await this.uids.create({ _id: nfcUid, cardUuid });
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new ConflictException('A card with this nfcUid is already registered');
      throw error;
    }
  }

  /** A cardholder registers to themselves; an admin names the cardholder. */
  private async ownerFor(dto: CreateCardDto, principal: Principal): Promise<{ id: string }> {
    const invalid = (error: string) => new BadRequestException({ message: 'Validation failed', details: [{ field: 'ownerId', errors: [error] }] });
    if (!isAdmin(principal)) {
      if (dto.ownerId !== undefined) throw invalid('property ownerId should not exist');
      return principal;
    }
    if (!dto.ownerId) throw invalid('ownerId is required of an admin');
    const user = await this.users.findById(dto.ownerId).lean().exec();
    if (user?.role !== 'user') throw invalid('ownerId must be a cardholder');
    return { id: dto.ownerId };
  }

  async confirmPassword(userId: string, password: string | undefined): Promise<void> {
    const user = await this.users.findById(userId).lean().exec();
    if (!password || !user?.passwordHash || !(await verifyPassword(password, user.passwordHash))) throw new UnauthorizedException('Password is incorrect');
  }

  async list(principal: Principal): Promise<CardDto[]> {
    const filter = isAdmin(principal) ? {} : { ownerId: principal.id };
    const cards = await this.cards.find(filter).sort({ createdAt: -1 }).limit(LIST_LIMIT).lean().exec();
    return cards.map((card) => this.toDto(card));
  }

  async get(cardUuid: string, principal: Principal): Promise<CardDto> {
    return this.toDto(await this.findVisible(cardUuid, principal));
  }

  async updateLimits(cardUuid: string, dto: UpdateCardLimitsDto, principal: Principal): Promise<CardDto> {
    const card = await this.findVisible(cardUuid, principal);
    const dailyLimit = dto.dailyLimit ?? card.dailyLimit;
    const singleTransactionLimit = dto.singleTransactionLimit ?? card.singleTransactionLimit;
    assertLimitsConsistent(dailyLimit, singleTransactionLimit);
    assertWithinCaps(legacyLimits(dto), card.caps ?? []);
    if ((dto.cvmLimit !== undefined || dto.cvmConsecutiveTaps !== undefined) && !isAdmin(principal)) throw new ForbiddenException("Only an administrator sets a card's cvmLimit and cvmConsecutiveTaps");
    const consecutive = dto.cvmConsecutiveTaps;
    const set = { dailyLimit, singleTransactionLimit, ...(dto.cvmLimit !== undefined && { cvmLimit: dto.cvmLimit }), ...(consecutive && { cvmConsecutiveTaps: consecutive }) };
    // 0 turns the consecutive-taps rule off again.
    return (await this.change(cardUuid, set, consecutive === 0 ? { $unset: { cvmConsecutiveTaps: 1 } } : {})) ?? notFound();
  }

  async controls(cardUuid: string, principal: Principal): Promise<CardControlsResponseDto> {
    return toControlsDto(await this.findVisible(cardUuid, principal));
  }

  /** Replaces the card's controls; each must stay within the admin's caps. */
  async setControls(cardUuid: string, controls: SpendingControls, principal: Principal): Promise<CardControlsResponseDto> {
    const card = await this.findVisible(cardUuid, principal);
    const stored = checkedControls(controls, card);
    await this.change(cardUuid, stored);
    return toControlsDto({ ...card, ...stored });
  }

  /** The same controls on every card of the cardholder, or on none when one of them refuses them. */
  async setControlsForHolder(controls: SpendingControls, principal: Principal): Promise<CardControlsResponseDto[]> {
    const cards = await this.cards.find({ ownerId: principal.id }).limit(LIST_LIMIT).lean().exec();
    const changes = cards.map((card) => ({ card, stored: checkedControls(controls, card) }));
    for (const { card, stored } of changes) await this.change(card.cardUuid, stored);
    return changes.map(({ card, stored }) => toControlsDto({ ...card, ...stored }));
  }

  async setCaps(cardUuid: string, caps: SpendingLimit[], principal: Principal): Promise<CardControlsResponseDto> {
    const card = await this.findVisible(cardUuid, principal);
    const stored = { caps: caps.map(checkedLimit) };
    await this.change(cardUuid, stored);
    return toControlsDto({ ...card, ...stored });
  }

  /**
   * A block records who placed it. Blocking a blocked card never hands the block to a weaker
   * placer (a holder's block over an admin's would let the holder lift it); an admin's block over
   * a holder's takes it over, so the holder can no longer lift it. A lost or expired card stays so.
   */
  async block(cardUuid: string, reason: string | undefined, principal: Principal): Promise<CardDto> {
    return this.statusLock.hold(cardUuid, () => this.placeBlock(cardUuid, reason, principal), { required: false });
  }

  async unblock(cardUuid: string, principal: Principal): Promise<CardDto> {
    return this.statusLock.hold(cardUuid, () => this.liftBlock(cardUuid, principal), { required: !isAdmin(principal) });
  }

  /** A fraud verdict blocks the card at once, whoever owns it. */
  @OnEvent('fraud.card_flagged', { async: true, promisify: true })
  async blockForFraud(event: { cardUuid: string; transactionId?: string }): Promise<void> {
    const set = { status: 'blocked' as const, blockedBy: 'fraud' as const, blockedReason: 'Blocked after a fraud review' };
    await this.statusLock.hold(event.cardUuid, () => this.change(event.cardUuid, set), { required: false });
  }

  /** Three wrong PINs: the card stops paying until its holder lifts this with their password. Never over a stronger status (blocked, lost). */
  async markPinBlocked(cardUuid: string): Promise<void> {
    await this.statusLock.hold(cardUuid, () => this.change(cardUuid, { status: 'pin_blocked' }, {}, { status: 'active' as const }), { required: false });
  }

  /** Lifts a PIN block only (the caller checked the holder and their password); false when the card is not pin_blocked. */
  async liftPinBlock(cardUuid: string): Promise<boolean> {
    return this.statusLock.hold(cardUuid, async () => (await this.change(cardUuid, { status: 'active' }, {}, { status: 'pin_blocked' as const })) !== null, { required: true });
  }

  private async placeBlock(cardUuid: string, reason: string | undefined, principal: Principal): Promise<CardDto> {
    const card = await this.findVisible(cardUuid, principal);
    const blockedBy: 'admin' | 'holder' = isAdmin(principal) ? 'admin' : 'holder';
    const weaker = weakerThan(blockedBy);
    // A holder's block over a PIN block would let their session lift it through unblock, without the password.
    const open: Card['status'][] = blockedBy === 'admin' ? ['active', 'pin_blocked'] : ['active'];
    const replaceable = (c: Pick<Card, 'status' | 'blockedBy'>) => open.includes(c.status) || (c.status === 'blocked' && !!c.blockedBy && weaker.includes(c.blockedBy));
    if (!replaceable(card)) return this.toDto(card);
    const set = { status: 'blocked' as const, blockedBy, blockedReason: reason ?? `Blocked by ${blockedBy === 'admin' ? 'an administrator' : 'the cardholder'}` };
    // Checked again in the write (where updates are atomic, without the lock too).
    const stillReplaceable: QueryFilter<Card> = weaker.length ? { $or: [{ status: { $in: open } }, { status: 'blocked' as const, blockedBy: { $in: weaker } }] } : { status: { $in: open } };
    return (await this.change(cardUuid, set, {}, stillReplaceable)) ?? this.get(cardUuid, principal);
  }

  private async liftBlock(cardUuid: string, principal: Principal): Promise<CardDto> {
    const card = await this.findVisible(cardUuid, principal);
    if (card.status !== 'blocked' && card.status !== 'active') {
      throw new ConflictException(`A ${card.status} card cannot be unblocked`);
    }
    const supportOnly = new ConflictException('This card was blocked by NFC Pay; contact support to unblock it');
    // A card blocked by an admin or a fraud verdict stays blocked until an admin lifts it. The write
    // checks it again (where updates are atomic, without the lock too).
    if (card.status === 'blocked' && card.blockedBy !== 'holder' && !isAdmin(principal)) throw supportOnly;
    const liftable: QueryFilter<Card> = isAdmin(principal) ? {} : { $or: [{ status: 'active' as const }, { blockedBy: 'holder' as const }] };
    const lifted = await this.change(cardUuid, { status: 'active' }, { $unset: { blockedReason: 1, blockedBy: 1 } }, liftable);
    if (!lifted) throw supportOnly;
    return lifted;
  }

  /** Active, known card, answered from the cache (MongoDB when Redis is down). */
  async validateForPayment(cardUuid: string): Promise<CardValidation> {
    const card = await this.snapshot(cardUuid);
    if (!card) return { valid: false, reason: 'card_invalid', detail: 'Card not found' };
    if (card.status === 'blocked' || card.status === 'lost' || card.status === 'pin_blocked') return { valid: false, reason: 'card_blocked', detail: `Card is ${card.status}`, ownerId: card.ownerId };
    if (card.status !== 'active') return { valid: false, reason: 'card_invalid', detail: `Card is ${card.status}`, ownerId: card.ownerId };
    return { valid: true, card };
  }

  /** Whether `principal` may watch the card (a read-only question for realtime room checks). */
  async isVisibleTo(cardUuid: string, principal: Principal): Promise<boolean> {
    const card = await this.snapshot(cardUuid);
    return !!card && (isAdmin(principal) || (principal.role === 'user' && card.ownerId === principal.id));
  }

  private snapshot(cardUuid: string): Promise<CardSnapshot | null> {
    return this.cache.get<CardSnapshot>(cardKey(cardUuid), CACHE_TTL_SECONDS, async () => {
      const card = (await this.cards.findById(cardUuid).lean().exec()) ?? (await this.cards.findOne({ cardUuid }).lean().exec());
      return card && { revision: card.revision, value: this.toSnapshot(card) };
    });
  }

  /** Someone else's card answers exactly like a card that does not exist. */
  private async findVisible(cardUuid: string, principal: Principal): Promise<Card> {
    const card = await this.cards.findOne(isAdmin(principal) ? { cardUuid } : { cardUuid, ownerId: principal.id }).lean().exec();
    if (!card) throw new NotFoundException('Card not found');
    return card;
  }

  /** Null when no card matches (none, or `condition` no longer holds). */
  private async change(cardUuid: string, set: Partial<Card>, extra: UpdateQuery<Card> = {}, condition: QueryFilter<Card> = {}): Promise<CardDto | null> {
    const card = await this.cards.findOneAndUpdate({ cardUuid, ...condition }, { ...extra, $set: { ...set, revision: nextRevision() } }, { returnDocument: 'after' }).lean().exec();
    if (!card) return null;
    await this.cacheCard(card);
    const event: CardUpdatedEvent = {
      cardUuid,
      ownerId: card.ownerId,
      status: card.status,
      dailyLimit: card.dailyLimit,
      singleTransactionLimit: card.singleTransactionLimit,
      ...(card.blockedReason && { reason: card.blockedReason }),
    };
    this.events.emit(CARD_UPDATED, event);
    return this.toDto(card);
  }

  private cacheCard(card: Card): Promise<void> {
    return this.cache.put(cardKey(card.cardUuid), { revision: card.revision, value: this.toSnapshot(card) }, CACHE_TTL_SECONDS);
  }

  private toSnapshot(card: Card): CardSnapshot {
    return {
      cardUuid: card.cardUuid,
      ownerId: card.ownerId,
      status: card.status,
      dailyLimit: card.dailyLimit,
      singleTransactionLimit: card.singleTransactionLimit,
      cvmLimit: card.cvmLimit ?? this.config.cvmLimitDefault,
      ...(card.cvmConsecutiveTaps && { cvmConsecutiveTaps: card.cvmConsecutiveTaps }),
      currency: card.currency,
      requiresCardAuth: !!card.nfcUid,
      ...(card.nfcUid && { nfcUid: card.nfcUid, keyVersion: card.keyVersion }),
      limits: enforcedLimits(card),
      blockedCategories: card.blockedCategories ?? [],
      ...(card.createdAt && { issuedAt: new Date(card.createdAt).getTime() }),
    };
  }

  private toDto(card: Card): CardDto {
    const { limits: _limits, blockedCategories: _blocked, issuedAt: _issuedAt, ...snapshot } = this.toSnapshot(card);
    return { ...snapshot, spendingControls: controlsOf(card), ...(card.caps?.length && { caps: card.caps }), ...(card.blockedReason && { blockedReason: card.blockedReason }), ...(card.blockedBy && { blockedBy: card.blockedBy }), createdAt: card.createdAt, updatedAt: card.updatedAt };
  }
}

function notFound(): never {
  throw new NotFoundException('Card not found');
}

/** The placers whose block `placer` may replace. */
function weakerThan(placer: 'holder' | 'admin'): Array<NonNullable<Card['blockedBy']>> {
  return placer === 'admin' ? ['holder'] : [];
}

function assertLimitsConsistent(dailyLimit: number, singleTransactionLimit: number): void {
  if (singleTransactionLimit > dailyLimit) {
    throw new BadRequestException({
      message: 'Validation failed',
      details: [{ field: 'singleTransactionLimit', errors: ['singleTransactionLimit must not exceed dailyLimit'] }],
    });
  }
}

function legacyLimits(dto: UpdateCardLimitsDto): Array<{ field: string; limit: SpendingLimit }> {
  return [
    ...(dto.dailyLimit !== undefined ? [{ field: 'dailyLimit', limit: { amount: dto.dailyLimit, interval: 'daily' as const } }] : []),
    ...(dto.singleTransactionLimit !== undefined ? [{ field: 'singleTransactionLimit', limit: { amount: dto.singleTransactionLimit, interval: 'per_authorization' as const } }] : []),
  ];
}

function checkedLimit(limit: SpendingLimit, index: number): SpendingLimit {
  if (limit.amount === undefined && limit.count === undefined) {
    throw new BadRequestException({ message: 'Validation failed', details: [{ field: `spendingLimits[${index}]`, errors: ['a spending limit needs an amount, a count or both'] }] });
  }
  return normalized(limit);
}

function checkedControls(controls: SpendingControls, card: Card): Pick<Card, 'dailyLimit' | 'singleTransactionLimit' | 'spendingLimits' | 'blockedCategories'> {
  controls.spendingLimits.forEach(checkedLimit);
  assertWithinCaps(controls.spendingLimits.map((limit, i) => ({ field: `spendingLimits[${i}]`, limit })), card.caps ?? []);
  const stored = storedFrom({ spendingLimits: controls.spendingLimits, blockedCategories: controls.blockedCategories ?? [] }, card);
  assertLimitsConsistent(stored.dailyLimit, stored.singleTransactionLimit);
  return { dailyLimit: stored.dailyLimit, singleTransactionLimit: stored.singleTransactionLimit, spendingLimits: stored.spendingLimits, blockedCategories: stored.blockedCategories };
}

function toControlsDto(card: Card): CardControlsResponseDto {
  return { success: true, cardUuid: card.cardUuid, controls: { ...controlsOf(card), caps: card.caps ?? [] } };
}
