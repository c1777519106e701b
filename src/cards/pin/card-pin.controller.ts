import { Body, Controller, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator';
import type { Principal } from '../../common/auth/principal';
import { ApiErrorResponses } from '../../common/docs/api-error-responses';
import { ApiIdParams } from '../../common/docs/api-id-params';
import { IdParamPipe } from '../../common/validation/id-param.pipe';
import { CardPinSetResponseDto, CardPinUnblockedResponseDto, SetCardPinDto, UnblockCardPinDto } from './card-pin.dto';
import { CardPinsService } from './card-pins';

@ApiTags('cards')
@ApiErrorResponses(429, 503)
@Controller('api/cards')
export class CardPinController {
  constructor(private readonly pins: CardPinsService) {}

  @Put(':cardUuid/pin')
  @Authenticated({ roles: ['user'] })
  @ApiOperation({ summary: "Set or change the card's PIN (its holder, with their password)", description: 'The PIN is stored as a salted scrypt hash and compared in constant time; it is never logged or returned.' })
  @ApiIdParams('cardUuid')
  @ApiOkResponse({ type: CardPinSetResponseDto, description: 'The PIN is set' })
  @ApiErrorResponses(
    { status: 400, description: 'The PIN is not 4-6 digits, or the password is missing' },
    { status: 401, description: 'The password is wrong', message: 'Password is incorrect' },
    { status: 404, description: 'No such card, or not yours', message: 'Card not found' },
    413,
    415,
  )
  async setPin(@Param('cardUuid', IdParamPipe) cardUuid: string, @Body() dto: SetCardPinDto, @CurrentPrincipal() principal: Principal): Promise<CardPinSetResponseDto> {
    await this.pins.setPin(cardUuid, dto.pin, dto.password, principal);
    return { success: true, pinSet: true };
  }

  @Post(':cardUuid/pin/unblock')
  @HttpCode(200)
  @Authenticated({ roles: ['user'] })
  @ApiOperation({ summary: 'Lift the block three wrong PINs put on the card (its holder, with their password)', description: 'Only a pin_blocked card (or an active one whose wrong PINs are still counted, after an admin blocked and unblocked it over the PIN block); a block by the holder, an admin or a fraud verdict is lifted elsewhere. The PIN stays as it was.' })
  @ApiIdParams('cardUuid')
  @ApiOkResponse({ type: CardPinUnblockedResponseDto, description: 'The card is active again' })
  @ApiErrorResponses(
    { status: 400, description: 'The password is missing' },
    { status: 401, description: 'The password is wrong', message: 'Password is incorrect' },
    { status: 404, description: 'No such card, or not yours', message: 'Card not found' },
    { status: 409, description: 'The card is not pin_blocked (nor active with three wrong PINs counted)', message: 'This card is not blocked by wrong PINs' },
    413,
    415,
  )
  async unblock(@Param('cardUuid', IdParamPipe) cardUuid: string, @Body() dto: UnblockCardPinDto, @CurrentPrincipal() principal: Principal): Promise<CardPinUnblockedResponseDto> {
    await this.pins.unblock(cardUuid, dto.password, principal);
    return { success: true, status: 'active' };
  }
}
