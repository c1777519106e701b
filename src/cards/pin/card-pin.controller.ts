import { Body, Controller, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator';
import type { Principal } from '../../common/auth/principal';
import { ApiErrorResponses } from '../../common/docs/api-error-responses';
import { ApiIdParams } from '../../common/docs/api-id-params';
import { IdParamPipe } from '../../common/validation/id-param.pipe';
import { CardPinSetResponseDto, SetCardPinDto } from './card-pin.dto';
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
}
