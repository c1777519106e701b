import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { isDuplicateKeyError } from '../../common/database/duplicate-key';
import { CardsService } from '../cards.service';
import { CardIssuer } from './card-issuer';
import { decryptPiccData, sdmMacMatches } from './sun-message';
import { CardCounterMark, CardTap, CardUid } from './sun.schemas';

/** A SUN message as a terminal read it from the card: `p` 32 and `c` 16 hex characters. */
export interface SunMessage {
  p: string;
  c: string;
}

/** The card proved itself: who it is, and the counter and key version of this tap. */
export interface SunProof {
  cardUuid: string;
  uid: string;
  counter: number;
  keyVersion: number;
}

export type SunVerdict =
  | { valid: true; proof: SunProof }
  | { valid: false; declineCode: 'card_auth_failed' | 'card_replayed'; reason: string; cardUuid?: string };

const failed = (cardUuid?: string): SunVerdict => ({ valid: false, declineCode: 'card_auth_failed', reason: 'Card authentication failed', ...(cardUuid && { cardUuid }) });

/**
 * Checks a tap's SUN message: decrypt `p` with the issuer's K1, find the card by its UID, check `c`
 * under the card's K2 for its key version, then spend the read counter (once, and above the mark).
 * `p` and `c` are never logged.
 */
@Injectable()
export class SunAuthenticator {
  constructor(
    private readonly issuer: CardIssuer,
    private readonly cards: CardsService,
    @InjectModel(CardUid.name) private readonly uids: Model<CardUid>,
    @InjectModel(CardTap.name) private readonly taps: Model<CardTap>,
    @InjectModel(CardCounterMark.name) private readonly marks: Model<CardCounterMark>,
  ) {}

  /** `belowMark`: an offline tap may come after later online taps raised the mark; its counter must still be unused. */
  async authenticate(message: SunMessage, claimedCardUuid: string | undefined, transactionId: string, { belowMark = false } = {}): Promise<SunVerdict> {
    const k1 = this.issuer.encryptionKey();
    const picc = k1 && decryptPiccData(k1, Buffer.from(message.p, 'hex'));
    if (!picc) return failed(claimedCardUuid);
    const owner = await this.uids.findById(picc.uid).lean().exec();
    const card = owner && (await this.cards.find(owner.cardUuid));
    if (!card?.nfcUid || card.nfcUid !== picc.uid || !card.keyVersion) return failed(claimedCardUuid);
    const k2 = this.issuer.macKey(picc.uid, card.keyVersion)!;
    if (!sdmMacMatches(k2, picc, Buffer.from(message.c, 'hex'))) return failed(claimedCardUuid);
    if (claimedCardUuid !== undefined && claimedCardUuid !== card.cardUuid) return failed(claimedCardUuid);
    const proof = { cardUuid: card.cardUuid, uid: picc.uid, counter: picc.counter, keyVersion: card.keyVersion };
    if (!(await this.spendCounter(proof, transactionId, belowMark))) return { valid: false, declineCode: 'card_replayed', reason: 'Card read counter already used', cardUuid: card.cardUuid };
    return { valid: true, proof };
  }

  /**
   * The insert-only tap record makes each counter usable once (a retry of the same payment may use
   * it again). The mark only orders online taps: it is raised with $max after the insert, so two
   * taps racing below it may both pass, but never with the same counter.
   */
  private async spendCounter(proof: SunProof, transactionId: string, belowMark: boolean): Promise<boolean> {
    const markId = `${proof.cardUuid}:${proof.keyVersion}`;
    const tapId = `${markId}:${proof.counter}`;
    const mark = await this.marks.findById(markId).lean().exec();
    if (!belowMark && mark && proof.counter <= mark.high) return (await this.taps.findById(tapId).lean().exec())?.transactionId === transactionId;
    try {
      await this.taps.create({ _id: tapId, transactionId });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      return (await this.taps.findById(tapId).lean().exec())?.transactionId === transactionId;
    }
    await this.raiseMark(markId, proof.counter);
    return true;
  }

  /** Two first taps may race to create the mark: the loser raises the one the winner made. */
  private async raiseMark(markId: string, counter: number): Promise<void> {
    const raise = () => this.marks.updateOne({ _id: markId }, { $max: { high: counter } }, { upsert: true }).exec();
    await raise().catch((error: unknown) => {
      if (!isDuplicateKeyError(error)) throw error;
      return raise();
    });
  }
}
