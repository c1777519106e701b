import { ConflictException, Inject, Injectable, Logger, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { InjectModel, Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type Redis from 'ioredis';
import { Model } from 'mongoose';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from '../../auth/password-hasher';
import type { Principal } from '../../common/auth/principal';
import { REDIS_CLIENT } from '../../redis/redis.constants';
import { CardsService } from '../cards.service';

/** A card's PIN as a salted scrypt hash, keyed by the card: never logged, never returned. */
@Schema({ collection: 'card_pins', versionKey: false, timestamps: { createdAt: false, updatedAt: true } })
export class CardPin {
  @Prop({ type: String, required: true }) _id: string;
  @Prop({ required: true }) hash: string;
}
export const CardPinSchema = SchemaFactory.createForClass(CardPin);

/** Wrong PINs in a row a card takes; the last of them blocks it (pin_blocked). */
export const PIN_ATTEMPTS = 3;

/** What a PIN entered for a card turned out to be. */
export type PinCheck =
  | { outcome: 'correct' }
  /** `attemptsLeft` 0: this was the last one, and the card is pin_blocked now. */
  | { outcome: 'incorrect'; attemptsLeft: number }
  /** Blocked already (by earlier wrong PINs): nothing was compared. */
  | { outcome: 'blocked' }
  | { outcome: 'no_pin' };

const attemptsKey = (cardUuid: string) => `pin:attempts:${cardUuid}`;
const tapsKey = (cardUuid: string) => `cvm:taps-without-pin:${cardUuid}`;

/** One more wrong PIN unless the card is at the maximum already (-1); answers the new count. Atomic, so concurrent wrong PINs are counted exactly. */
const COUNT_WRONG = `local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[1]) then return -1 end
return redis.call('INCR', KEYS[1])`;
/** A right PIN starts the count again, unless wrong ones blocked the card meanwhile (-1). */
const RESET_ON_RIGHT = `local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[1]) then return -1 end
redis.call('DEL', KEYS[1])
return 0`;
/** A tap without a PIN, unless it would be the N-th in a row (1: that one needs a PIN and is not counted). */
const COUNT_TAP = `local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n + 1 >= tonumber(ARGV[1]) then return 1 end
redis.call('INCR', KEYS[1])
return 0`;

/**
 * Card PINs: set by the holder, checked for a payment that needs one, with wrong attempts counted
 * per card in Redis (a Lua script each, FerretDB having no atomic conditional update), and the
 * count of taps in a row without a PIN for the PSD2 rule (cvmConsecutiveTaps).
 */
@Injectable()
export class CardPinsService {
  private readonly logger = new Logger(CardPinsService.name);

  constructor(
    @InjectModel(CardPin.name) private readonly pins: Model<CardPin>,
    private readonly cards: CardsService,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  /** Only the card's holder, re-confirming their password; another's card answers like an unknown one. */
  async setPin(cardUuid: string, pin: string, password: string, principal: Principal): Promise<void> {
    await this.holdersCard(cardUuid, principal);
    await this.cards.confirmPassword(principal.id, password);
    await this.pins.replaceOne({ _id: cardUuid }, { hash: await hashPassword(pin) }, { upsert: true }).exec();
  }

  async hasPin(cardUuid: string): Promise<boolean> {
    return (await this.pins.exists({ _id: cardUuid }).exec()) !== null;
  }

  /** Compares in constant time (scrypt), then counts the attempt; the last wrong one blocks the card. */
  async check(cardUuid: string, pin: string): Promise<PinCheck> {
    const [stored, card] = await Promise.all([this.pins.findById(cardUuid).lean().exec(), this.cards.find(cardUuid)]);
    if (card?.status === 'pin_blocked') return { outcome: 'blocked' };
    // A missing PIN takes as long to refuse as a wrong one.
    const right = await verifyPassword(pin, stored?.hash ?? (await DUMMY_HASH_PROMISE));
    if (!stored) return { outcome: 'no_pin' };
    if (right) return (await this.counted(RESET_ON_RIGHT, cardUuid)) < 0 ? { outcome: 'blocked' } : { outcome: 'correct' };
    const wrong = await this.counted(COUNT_WRONG, cardUuid);
    if (wrong < 0) return { outcome: 'blocked' };
    if (wrong >= PIN_ATTEMPTS) await this.cards.markPinBlocked(cardUuid);
    return { outcome: 'incorrect', attemptsLeft: PIN_ATTEMPTS - wrong };
  }

  /** The holder lifts a PIN block with their password; the count of wrong PINs starts again. */
  async unblock(cardUuid: string, password: string, principal: Principal): Promise<void> {
    const card = await this.holdersCard(cardUuid, principal);
    await this.cards.confirmPassword(principal.id, password);
    if (card.status !== 'pin_blocked') {
      // An admin's block over a PIN block, once lifted, leaves the card active with its wrong PINs still counted.
      if (card.status !== 'active' || Number(await this.redis.get(attemptsKey(cardUuid))) < PIN_ATTEMPTS) throw new ConflictException('This card is not blocked by wrong PINs');
      await this.redis.del(attemptsKey(cardUuid));
      return;
    }
    await this.redis.del(attemptsKey(cardUuid));
    if (!(await this.cards.liftPinBlock(cardUuid))) throw new ConflictException('This card is not blocked by wrong PINs');
  }

  /**
   * Counts one more tap without a PIN; true when this would be the `inARow`-th and needs a PIN. Without
   * Redis the tap goes through uncounted: an outage of counters must not stop payments.
   */
  async nthTapWithoutPin(cardUuid: string, inARow: number): Promise<boolean> {
    try {
      return (await this.redis.eval(COUNT_TAP, 1, tapsKey(cardUuid), inARow)) === 1;
    } catch (error) {
      this.logger.warn(`taps without PIN of ${cardUuid} not counted: ${(error as Error).message}`);
      return false;
    }
  }

  /** A PIN-verified payment starts the count of taps without one again. */
  async verifiedTap(cardUuid: string): Promise<void> {
    await this.redis.del(tapsKey(cardUuid)).catch((error: Error) => this.logger.warn(`taps without PIN of ${cardUuid} not reset: ${error.message}`));
  }

  private async counted(script: string, cardUuid: string): Promise<number> {
    try {
      return Number(await this.redis.eval(script, 1, attemptsKey(cardUuid), PIN_ATTEMPTS));
    } catch {
      // Attempts that cannot be counted cannot be allowed.
      throw new ServiceUnavailableException('PIN attempts cannot be counted right now; try again');
    }
  }

  private async holdersCard(cardUuid: string, principal: Principal) {
    const card = await this.cards.find(cardUuid);
    if (!card || card.ownerId !== principal.id) throw new NotFoundException('Card not found');
    return card;
  }
}
