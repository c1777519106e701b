import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectModel, Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { hashPassword } from '../../auth/password-hasher';
import type { Principal } from '../../common/auth/principal';
import { CardsService } from '../cards.service';

/** A card's PIN as a salted scrypt hash, keyed by the card: never logged, never returned. */
@Schema({ collection: 'card_pins', versionKey: false, timestamps: { createdAt: false, updatedAt: true } })
export class CardPin {
  @Prop({ type: String, required: true }) _id: string;
  @Prop({ required: true }) hash: string;
}
export const CardPinSchema = SchemaFactory.createForClass(CardPin);

@Injectable()
export class CardPinsService {
  constructor(
    @InjectModel(CardPin.name) private readonly pins: Model<CardPin>,
    private readonly cards: CardsService,
  ) {}

  /** Only the card's holder, re-confirming their password; another's card answers like an unknown one. */
  async setPin(cardUuid: string, pin: string, password: string, principal: Principal): Promise<void> {
    const card = await this.cards.find(cardUuid);
    if (!card || card.ownerId !== principal.id) throw new NotFoundException('Card not found');
    await this.cards.confirmPassword(principal.id, password);
    await this.pins.replaceOne({ _id: cardUuid }, { hash: await hashPassword(pin) }, { upsert: true }).exec();
  }
}
