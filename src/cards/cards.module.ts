import { CardPin, CardPinSchema, CardPinsService } from './pin/card-pins';
import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CardStatusLock } from './card-status-lock';
import { CardsService } from './cards.service';
import { Card, CardSchema } from './schemas/card.schema';
import { User, UserSchema } from '../auth/schemas/user.schema';
import { CardIssuer } from './sun/card-issuer';
import { SunAuthenticator } from './sun/sun-authenticator';
import { CardCounterMark, CardCounterMarkSchema, CardTap, CardTapSchema, CardUid, CardUidSchema } from './sun/sun.schemas';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Card.name, schema: CardSchema },
      { name: CardUid.name, schema: CardUidSchema },
      { name: CardTap.name, schema: CardTapSchema },
      { name: CardCounterMark.name, schema: CardCounterMarkSchema },
      { name: User.name, schema: UserSchema },
      { name: CardPin.name, schema: CardPinSchema },
    ]),
  ],
  providers: [CardsService, CardStatusLock, CardIssuer, SunAuthenticator, CardPinsService],
  exports: [CardsService, SunAuthenticator, CardPinsService],
})
export class CardsModule {}
