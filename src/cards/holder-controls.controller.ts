import { Body, Controller, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import type { Principal } from '../common/auth/principal';
import { ApiErrorResponses } from '../common/docs/api-error-responses';
import { CardsService } from './cards.service';
import { HolderControlsResponseDto, SpendingControlsDto } from './dto/card.dto';

@ApiTags('cards')
@ApiErrorResponses(429, 503)
@Controller('api/users/me')
export class HolderControlsController {
  constructor(private readonly cards: CardsService) {}

  @Put('controls')
  @Authenticated({ roles: ['user'] })
  @ApiOperation({ summary: "Replace the spending controls of all the caller's cards", description: 'All or none: a control above any card’s cap changes no card.' })
  @ApiOkResponse({ type: HolderControlsResponseDto, description: 'Each card with its new controls' })
  @ApiErrorResponses({ status: 400, description: 'Invalid body, or a control above a card’s cap (the message names the cap)' }, 413, 415)
  async setControls(@Body() dto: SpendingControlsDto, @CurrentPrincipal() principal: Principal): Promise<HolderControlsResponseDto> {
    return { success: true, cards: await this.cards.setControlsForHolder(dto, principal) };
  }
}
