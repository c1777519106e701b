import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import type { Principal } from '../common/auth/principal';
import { ErrorResponseDto } from '../common/filters/error-body';
import { CreateListEntryDto, ListEntriesResponseDto, ListEntryParamsDto, ListEntryResponseDto, ListQueryDto, SuccessResponseDto } from './dto/lists.dto';
import { FraudListsService } from './fraud-lists.service';
import { toListEntry } from './fraud.mappers';

@ApiTags('fraud')
@Authenticated({ roles: ['admin'] })
@Controller('api/fraud/lists')
export class FraudListsController {
  constructor(private readonly lists: FraudListsService) {}

  @Get()
  @ApiOperation({ summary: 'Blocked cards, terminals and merchants; newest first' })
  @ApiOkResponse({ type: ListEntriesResponseDto })
  async list(@Query() query: ListQueryDto): Promise<ListEntriesResponseDto> {
    const entries = await this.lists.list(query.type, query.limit ?? 100);
    return { success: true, entries: entries.map(toListEntry) };
  }

  @Post()
  @ApiOperation({ summary: 'Block a card, terminal or merchant from the next payment on (idempotent)' })
  @ApiCreatedResponse({ type: ListEntryResponseDto })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'Saved, but Redis is down: effective once the mirror resyncs' })
  async add(@Body() body: CreateListEntryDto, @CurrentPrincipal() principal: Principal): Promise<ListEntryResponseDto> {
    const { entry, created } = await this.lists.add(body.type, body.value, body.reason, principal.id);
    return { success: true, created, entry: toListEntry(entry) };
  }

  @Delete(':type/:value')
  @ApiOperation({ summary: 'Unblock: remove an entry from a list, effective from the next payment' })
  @ApiOkResponse({ type: SuccessResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such entry' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'Removed, but Redis is down: effective once the mirror resyncs' })
  async remove(@Param() params: ListEntryParamsDto, @CurrentPrincipal() principal: Principal): Promise<SuccessResponseDto> {
    await this.lists.remove(params.type, params.value, principal.id);
    return { success: true };
  }
}
