import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import { InjectModel } from '@nestjs/mongoose';
import { Model, UpdateQuery } from 'mongoose';
import { isAdmin, Principal } from '../common/auth/principal';
import { nextRevision } from '../common/database/revision';
import { RevisionedCache } from '../redis/revisioned-cache';
import { CARD_UPDATED, CardUpdatedEvent } from './card.events';
import { CardDto, CreateCardDto, UpdateCardLimitsDto } from './dto/card.dto';
import { Card, CardStatus, DEFAULT_DAILY_LIMIT, DEFAULT_SINGLE_TRANSACTION_LIMIT } from './schemas/card.schema';
import { isDuplicateKeyError } from '../common/database/duplicate-key';

const CACHE_TTL_SECONDS = 60;
const cardKey = (cardUuid: string) => `cache:card:${cardUuid}`;
const LIST_LIMIT = 100;
/** Who may lift whose block: a holder only a holder's, an admin any (a block without a placer counts as NFC Pay's). */
const BLOCK_RANK: Record<NonNullable<Card['blockedBy']>, number> = { holder: 0, admin: 1, fraud: 1 };

/** What a payment needs to know about the card it is paid with. */
export interface CardSnapshot {
  cardUuid: string;
  ownerId: string;
  status: CardStatus;
  dailyLimit: number;
  singleTransactionLimit: number;
  currency: string;
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
  ) {}

  async register(dto: CreateCardDto, owner: Principal): Promise<CardDto> {
    const dailyLimit = dto.dailyLimit ?? DEFAULT_DAILY_LIMIT;
    const singleTransactionLimit = dto.singleTransactionLimit ?? Math.min(DEFAULT_SINGLE_TRANSACTION_LIMIT, dailyLimit);
    assertLimitsConsistent(dailyLimit, singleTransactionLimit);
    try {
      const card = await this.cards.create({ cardUuid: dto.cardUuid, ownerId: owner.id, dailyLimit, singleTransactionLimit, status: 'active', revision: nextRevision() });
      await this.cacheCard(card);
      return toCardDto(card);
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new ConflictException('This card is already registered');
      throw error;
    }
  }

  async list(principal: Principal): Promise<CardDto[]> {
    const filter = isAdmin(principal) ? {} : { ownerId: principal.id };
    const cards = await this.cards.find(filter).sort({ createdAt: -1 }).limit(LIST_LIMIT).lean().exec();
    return cards.map(toCardDto);
  }

  async get(cardUuid: string, principal: Principal): Promise<CardDto> {
    return toCardDto(await this.findVisible(cardUuid, principal));
  }

  async updateLimits(cardUuid: string, dto: UpdateCardLimitsDto, principal: Principal): Promise<CardDto> {
    const card = await this.findVisible(cardUuid, principal);
    const dailyLimit = dto.dailyLimit ?? card.dailyLimit;
    const singleTransactionLimit = dto.singleTransactionLimit ?? card.singleTransactionLimit;
    assertLimitsConsistent(dailyLimit, singleTransactionLimit);
    return this.change(cardUuid, { dailyLimit, singleTransactionLimit });
  }

  /**
   * A block records who placed it. Blocking a blocked card never hands the block to a weaker
   * placer (a holder's block over an admin's would let the holder lift it); an admin's block over
   * a holder's takes it over, so the holder can no longer lift it.
   */
  async block(cardUuid: string, reason: string | undefined, principal: Principal): Promise<CardDto> {
    const card = await this.findVisible(cardUuid, principal);
    const blockedBy = isAdmin(principal) ? 'admin' : 'holder';
    if (card.status === 'blocked' && BLOCK_RANK[blockedBy] <= BLOCK_RANK[card.blockedBy ?? 'admin']) return toCardDto(card);
    return this.change(cardUuid, { status: 'blocked', blockedBy, blockedReason: reason ?? `Blocked by ${blockedBy === 'admin' ? 'an administrator' : 'the cardholder'}` });
  }

  async unblock(cardUuid: string, principal: Principal): Promise<CardDto> {
    const card = await this.findVisible(cardUuid, principal);
    if (card.status !== 'blocked' && card.status !== 'active') {
      throw new ConflictException(`A ${card.status} card cannot be unblocked`);
    }
    // A card blocked by an admin or a fraud verdict stays blocked until an admin lifts it.
    if (card.status === 'blocked' && card.blockedBy !== 'holder' && !isAdmin(principal)) {
      throw new ConflictException('This card was blocked by NFC Pay; contact support to unblock it');
    }
    return this.change(cardUuid, { status: 'active' }, { $unset: { blockedReason: 1, blockedBy: 1 } });
  }

  /** A fraud verdict blocks the card at once, whoever owns it. */
  @OnEvent('fraud.card_flagged', { async: true, promisify: true })
  async blockForFraud(event: { cardUuid: string; transactionId?: string }): Promise<void> {
    await this.change(event.cardUuid, { status: 'blocked', blockedBy: 'fraud', blockedReason: 'Blocked after a fraud review' }).catch((error: unknown) => {
      if (!(error instanceof NotFoundException)) throw error;
    });
  }

  /** Active, known card, answered from the cache (MongoDB when Redis is down). */
  async validateForPayment(cardUuid: string): Promise<CardValidation> {
    const card = await this.snapshot(cardUuid);
    if (!card) return { valid: false, reason: 'card_invalid', detail: 'Card not found' };
    if (card.status === 'blocked' || card.status === 'lost') return { valid: false, reason: 'card_blocked', detail: `Card is ${card.status}`, ownerId: card.ownerId };
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
      const card = await this.cards.findOne({ cardUuid }).lean().exec();
      return card && { revision: card.revision, value: toSnapshot(card) };
    });
  }

  /** Someone else's card answers exactly like a card that does not exist. */
  private async findVisible(cardUuid: string, principal: Principal): Promise<Card> {
    const card = await this.cards.findOne(isAdmin(principal) ? { cardUuid } : { cardUuid, ownerId: principal.id }).lean().exec();
    if (!card) throw new NotFoundException('Card not found');
    return card;
  }

  private async change(cardUuid: string, set: Partial<Card>, extra: UpdateQuery<Card> = {}): Promise<CardDto> {
    const card = await this.cards.findOneAndUpdate({ cardUuid }, { ...extra, $set: { ...set, revision: nextRevision() } }, { returnDocument: 'after' }).lean().exec();
    if (!card) throw new NotFoundException('Card not found');
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
    return toCardDto(card);
  }

  private cacheCard(card: Card): Promise<void> {
    return this.cache.put(cardKey(card.cardUuid), { revision: card.revision, value: toSnapshot(card) }, CACHE_TTL_SECONDS);
  }
}

function assertLimitsConsistent(dailyLimit: number, singleTransactionLimit: number): void {
  if (singleTransactionLimit > dailyLimit) {
    throw new BadRequestException({
      message: 'Validation failed',
      details: [{ field: 'singleTransactionLimit', errors: ['singleTransactionLimit must not exceed dailyLimit'] }],
    });
  }
}

function toSnapshot(card: Card): CardSnapshot {
  return {
    cardUuid: card.cardUuid,
    ownerId: card.ownerId,
    status: card.status,
    dailyLimit: card.dailyLimit,
    singleTransactionLimit: card.singleTransactionLimit,
    currency: card.currency,
  };
}

function toCardDto(card: Card): CardDto {
  return { ...toSnapshot(card), ...(card.blockedReason && { blockedReason: card.blockedReason }), createdAt: card.createdAt, updatedAt: card.updatedAt };
}
