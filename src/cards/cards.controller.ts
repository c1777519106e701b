import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import type { Principal } from '../common/auth/principal';
import { ErrorResponseDto } from '../common/filters/error-body';
import { IdParamPipe } from '../common/validation/id-param.pipe';
import { CardsService } from './cards.service';
import { BlockCardDto, CardListResponseDto, CardResponseDto, CreateCardDto, UpdateCardLimitsDto } from './dto/card.dto';

@ApiTags('cards')
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid body or cardUuid; `details` names the fields' })
@Controller('api/cards')
export class CardsController {
  constructor(private readonly cards: CardsService) {}

  @Post()
  @Authenticated({ roles: ['user'] })
  @ApiOperation({ summary: 'Register an NFC card to the calling cardholder' })
  @ApiCreatedResponse({ type: CardResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The cardUuid is registered already (to anyone)' })
  async register(@Body() dto: CreateCardDto, @CurrentPrincipal() principal: Principal): Promise<CardResponseDto> {
    return { success: true, card: await this.cards.register(dto, principal) };
  }

  @Get()
  @Authenticated({ roles: ['user', 'admin'] })
  @ApiOperation({ summary: 'Your cards, newest first (admins: all cards)' })
  @ApiOkResponse({ type: CardListResponseDto })
  async list(@CurrentPrincipal() principal: Principal): Promise<CardListResponseDto> {
    return { success: true, cards: await this.cards.list(principal) };
  }

  @Get(':cardUuid')
  @Authenticated({ roles: ['user', 'admin'] })
  @ApiOperation({ summary: 'One of your cards' })
  @ApiOkResponse({ type: CardResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such card, or not yours' })
  async get(@Param('cardUuid', IdParamPipe) cardUuid: string, @CurrentPrincipal() principal: Principal): Promise<CardResponseDto> {
    return { success: true, card: await this.cards.get(cardUuid, principal) };
  }

  @Patch(':cardUuid/limits')
  @Authenticated({ roles: ['user', 'admin'] })
  @ApiOperation({ summary: 'Change the daily and single-transaction limits' })
  @ApiOkResponse({ type: CardResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such card, or not yours' })
  async updateLimits(
    @Param('cardUuid', IdParamPipe) cardUuid: string,
    @Body() dto: UpdateCardLimitsDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CardResponseDto> {
    return { success: true, card: await this.cards.updateLimits(cardUuid, dto, principal) };
  }

  @Post(':cardUuid/block')
  @HttpCode(200)
  @Authenticated({ roles: ['user', 'admin'] })
  @ApiOperation({ summary: 'Block the card; the very next payment with it is declined' })
  @ApiOkResponse({ type: CardResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such card, or not yours' })
  async block(@Param('cardUuid', IdParamPipe) cardUuid: string, @Body() dto: BlockCardDto, @CurrentPrincipal() principal: Principal): Promise<CardResponseDto> {
    return { success: true, card: await this.cards.block(cardUuid, dto.reason, principal) };
  }

  @Post(':cardUuid/unblock')
  @HttpCode(200)
  @Authenticated({ roles: ['user', 'admin'] })
  @ApiOperation({ summary: 'Unblock a blocked card' })
  @ApiOkResponse({ type: CardResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such card, or not yours' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The card is lost or expired' })
  async unblock(@Param('cardUuid', IdParamPipe) cardUuid: string, @CurrentPrincipal() principal: Principal): Promise<CardResponseDto> {
    return { success: true, card: await this.cards.unblock(cardUuid, principal) };
  }
}
