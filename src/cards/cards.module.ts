import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CardStatusLock } from './card-status-lock';
import { CardsService } from './cards.service';
import { Card, CardSchema } from './schemas/card.schema';

@Module({
  imports: [MongooseModule.forFeature([{ name: Card.name, schema: CardSchema }])],
  providers: [CardsService, CardStatusLock],
  exports: [CardsService],
})
export class CardsModule {}
