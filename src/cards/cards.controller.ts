import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RateLimit } from '../common/throttling/rate-limit.decorator';
import { Authenticated } from '../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import type { Principal } from '../common/auth/principal';
import { ApiErrorResponses } from '../common/docs/api-error-responses';
import { ApiIdParams } from '../common/docs/api-id-params';
import { IdParamPipe } from '../common/validation/id-param.pipe';
import { LimitPolicyService } from '../fraud/limit-policy/limit-policy.service';
import { CardsService } from './cards.service';
import {
  BlockCardDto,
  CardControlsResponseDto,
  CardListResponseDto,
  CardResponseDto,
  CreateCardDto,
  RegisteredCardResponseDto,
  ReprogramCardDto,
  ReprogrammedCardResponseDto,
  SpendingControlsDto,
  SpendingLimitsDto,
  UpdateCardLimitsDto,
} from './dto/card.dto';

const INVALID = { status: 400, description: 'Invalid body or cardUuid; `details` names the fields' } as const;
const NOT_FOUND = { status: 404, description: 'No such card, or not yours', message: 'Card not found' } as const;

@ApiTags('cards')
@ApiErrorResponses(429, 503)
@Controller('api/cards')
export class CardsController {
  constructor(
    private readonly cards: CardsService,
    private readonly limitPolicy: LimitPolicyService,
  ) {}

  @Post()
  @Authenticated({ roles: ['user', 'admin'] })
  @ApiOperation({ summary: 'Register an NFC card to the calling cardholder (admins: to the cardholder named by ownerId)' })
  @ApiCreatedResponse({ type: RegisteredCardResponseDto, description: 'Registered, active; with an nfcUid, also the programming keys (only in this answer)' })
  @ApiErrorResponses(
    { status: 400, description: 'Invalid body; `details` names the fields (ownerId: given by a cardholder, missing from an admin, or no cardholder)' },
    { status: 409, description: 'The cardUuid or the nfcUid is registered already (to anyone)', message: 'This card is already registered' },
    413,
    415,
    { status: 503, description: 'An nfcUid was given but this server has no CARD_ISSUER_KEY, or MongoDB or Redis is unreachable', message: 'Secure cards are not configured on this server (CARD_ISSUER_KEY is not set)' },
  )
  async register(@Body() dto: CreateCardDto, @CurrentPrincipal() principal: Principal): Promise<RegisteredCardResponseDto> {
    return { success: true, ...(await this.cards.register(dto, principal)) };
  }

  @Post(':cardUuid/reprogram')
  @HttpCode(200)
  @Authenticated({ roles: ['user', 'admin'] })
  @RateLimit({ kind: 'credentials' })
  @ApiOperation({ summary: 'New keys for a secure card (key version + 1): answered once; the old keys stop working' })
  @ApiIdParams('cardUuid')
  @ApiOkResponse({ type: ReprogrammedCardResponseDto, description: 'The card with its new key version, and the new keys' })
  @ApiErrorResponses(
    INVALID,
    { status: 401, description: "A cardholder's password is missing or wrong", message: 'Password is incorrect' },
    NOT_FOUND,
    { status: 409, description: 'The card was registered without an nfcUid', message: 'Only a card registered with an nfcUid can be reprogrammed' },
    413,
    415,
  )
  async reprogram(@Param('cardUuid', IdParamPipe) cardUuid: string, @Body() dto: ReprogramCardDto, @CurrentPrincipal() principal: Principal): Promise<ReprogrammedCardResponseDto> {
    return { success: true, ...(await this.cards.reprogram(cardUuid, dto.password, principal)) };
  }

  @Get()
  @Authenticated({ roles: ['user', 'admin'] })
  @ApiOperation({ summary: 'Your cards, newest first (admins: all cards)' })
  @ApiOkResponse({ type: CardListResponseDto, description: 'The cards' })
  async list(@CurrentPrincipal() principal: Principal): Promise<CardListResponseDto> {
    return { success: true, cards: await this.cards.list(principal) };
  }

  @Get(':cardUuid')
  @Authenticated({ roles: ['user', 'admin'] })
  @ApiOperation({ summary: 'One of your cards' })
  @ApiIdParams('cardUuid')
  @ApiOkResponse({ type: CardResponseDto, description: 'The card' })
  @ApiErrorResponses(INVALID, NOT_FOUND)
  async get(@Param('cardUuid', IdParamPipe) cardUuid: string, @CurrentPrincipal() principal: Principal): Promise<CardResponseDto> {
    const card = await this.cards.get(cardUuid, principal);
    return { success: true, card: { ...card, effectiveLimits: await this.limitPolicy.effectiveFor(card) } };
  }

  @Get(':cardUuid/controls')
  @Authenticated({ roles: ['user', 'admin'] })
  @ApiOperation({ summary: "A card's spending controls and an administrator's caps" })
  @ApiIdParams('cardUuid')
  @ApiOkResponse({ type: CardControlsResponseDto, description: 'The controls; the daily and single-transaction limits are two of them' })
  @ApiErrorResponses(INVALID, NOT_FOUND)
  async controls(@Param('cardUuid', IdParamPipe) cardUuid: string, @CurrentPrincipal() principal: Principal): Promise<CardControlsResponseDto> {
    return this.cards.controls(cardUuid, principal);
  }

  @Put(':cardUuid/controls')
  @Authenticated({ roles: ['user', 'admin'] })
  @ApiOperation({
    summary: "Replace a card's spending controls",
    description: 'Every control that applies to a payment must hold. The first plain per_authorization and daily amounts set singleTransactionLimit and dailyLimit (kept when absent).',
  })
  @ApiIdParams('cardUuid')
  @ApiOkResponse({ type: CardControlsResponseDto, description: 'The new controls' })
  @ApiErrorResponses({ status: 400, description: 'Invalid body, or a control above an administrator’s cap (the message names the cap)' }, NOT_FOUND, 413, 415)
  async setControls(@Param('cardUuid', IdParamPipe) cardUuid: string, @Body() dto: SpendingControlsDto, @CurrentPrincipal() principal: Principal): Promise<CardControlsResponseDto> {
    return this.cards.setControls(cardUuid, dto, principal);
  }

  @Put(':cardUuid/caps')
  @Authenticated({ roles: ['admin'] })
  @ApiOperation({ summary: "Set an administrator's caps on a card's controls", description: 'The cardholder cannot set a control above a cap; caps are enforced as controls too.' })
  @ApiIdParams('cardUuid')
  @ApiOkResponse({ type: CardControlsResponseDto, description: 'The controls with the new caps' })
  @ApiErrorResponses(INVALID, NOT_FOUND, 413, 415)
  async setCaps(@Param('cardUuid', IdParamPipe) cardUuid: string, @Body() dto: SpendingLimitsDto, @CurrentPrincipal() principal: Principal): Promise<CardControlsResponseDto> {
    return this.cards.setCaps(cardUuid, dto.spendingLimits, principal);
  }

  @Patch(':cardUuid/limits')
  @Authenticated({ roles: ['user', 'admin'] })
  @ApiOperation({ summary: 'Change the daily and single-transaction limits (and, admins only, cvmLimit and cvmConsecutiveTaps)' })
  @ApiIdParams('cardUuid')
  @ApiOkResponse({ type: CardResponseDto, description: 'The card with its new limits' })
  @ApiErrorResponses(
    { status: 400, description: 'Invalid body or cardUuid, or a limit above an administrator’s cap (the message names the cap)' },
    { status: 403, description: 'A cardholder tried to set cvmLimit or cvmConsecutiveTaps', message: "Only an administrator sets a card's cvmLimit and cvmConsecutiveTaps" },
    NOT_FOUND,
    413,
    415,
  )
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
  @ApiOperation({ summary: 'Block the card; the very next payment with it is declined', description: "A pin_blocked card stays pin_blocked under its holder's block: only the PIN unblock (with the password) lifts that." })
  @ApiIdParams('cardUuid')
  @ApiOkResponse({ type: CardResponseDto, description: 'The card, blocked' })
  @ApiErrorResponses(INVALID, NOT_FOUND, 413, 415)
  async block(@Param('cardUuid', IdParamPipe) cardUuid: string, @Body() dto: BlockCardDto, @CurrentPrincipal() principal: Principal): Promise<CardResponseDto> {
    return { success: true, card: await this.cards.block(cardUuid, dto.reason, principal) };
  }

  @Post(':cardUuid/unblock')
  @HttpCode(200)
  @Authenticated({ roles: ['user', 'admin'] })
  @ApiOperation({ summary: 'Unblock a blocked card' })
  @ApiIdParams('cardUuid')
  @ApiOkResponse({ type: CardResponseDto, description: 'The card, active again' })
  @ApiErrorResponses(INVALID, NOT_FOUND, { status: 409, description: 'The card is lost or expired, or was blocked by NFC Pay', message: 'A lost card cannot be unblocked' })
  async unblock(@Param('cardUuid', IdParamPipe) cardUuid: string, @CurrentPrincipal() principal: Principal): Promise<CardResponseDto> {
    return { success: true, card: await this.cards.unblock(cardUuid, principal) };
  }
}
