import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import type { Principal } from '../common/auth/principal';
import { ApiErrorResponses } from '../common/docs/api-error-responses';
import { CreateListEntryDto, ListEntriesResponseDto, ListEntryParamsDto, ListEntryResponseDto, ListQueryDto, SuccessResponseDto } from './dto/lists.dto';
import { FraudListsService } from './fraud-lists.service';
import { toListEntry } from './fraud.mappers';

@ApiTags('fraud')
@Authenticated({ roles: ['admin'] })
@ApiErrorResponses(400, 429, 503)
@Controller('api/fraud/lists')
export class FraudListsController {
  constructor(private readonly lists: FraudListsService) {}

  @Get()
  @ApiOperation({ summary: 'Blocked cards, terminals and merchants; newest first' })
  @ApiOkResponse({ type: ListEntriesResponseDto, description: 'The entries' })
  async list(@Query() query: ListQueryDto): Promise<ListEntriesResponseDto> {
    const entries = await this.lists.list(query.type, query.limit ?? 100);
    return { success: true, entries: entries.map(toListEntry) };
  }

  @Post()
  @ApiOperation({ summary: 'Block a card, terminal or merchant from the next payment on (idempotent)' })
  @ApiCreatedResponse({ type: ListEntryResponseDto, description: 'The entry; created is false when it was listed already' })
  @ApiErrorResponses(413, 415, { status: 503, description: 'Saved, but Redis is down: effective once the mirror resyncs (or MongoDB is unreachable)', message: 'Fraud storage is unavailable: the change is saved, but not yet effective (within 30 s of Redis being back)' })
  async add(@Body() body: CreateListEntryDto, @CurrentPrincipal() principal: Principal): Promise<ListEntryResponseDto> {
    const { entry, created } = await this.lists.add(body.type, body.value, body.reason, principal.id);
    return { success: true, created, entry: toListEntry(entry) };
  }

  @Delete(':type/:value')
  @ApiOperation({ summary: 'Unblock: remove an entry from a list, effective from the next payment' })
  @ApiOkResponse({ type: SuccessResponseDto, description: 'Removed' })
  @ApiErrorResponses(
    { status: 404, description: 'No such entry', message: 'No card test-async-card-123 on the block list' },
    { status: 503, description: 'Removed, but Redis is down: effective once the mirror resyncs (or MongoDB is unreachable)', message: 'Fraud storage is unavailable: the change is removed, but still effective until the next resync (within 30 s of Redis being back)' },
  )
  async remove(@Param() params: ListEntryParamsDto, @CurrentPrincipal() principal: Principal): Promise<SuccessResponseDto> {
    await this.lists.remove(params.type, params.value, principal.id);
    return { success: true };
  }
}
