import { Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Res } from '@nestjs/common';
import { ApiFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type Redis from 'ioredis';
import { Authenticated } from '../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import type { Principal } from '../common/auth/principal';
import { Public } from '../common/auth/public.decorator';
import { ApiErrorResponses } from '../common/docs/api-error-responses';
import { appConfig, type AppConfig } from '../config/app.config';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { BOARD_COOKIE, BOARD_ROUTE, BOARD_SESSION_SECONDS, BOARD_TICKET_SECONDS, BoardSessions, newTicket } from './queue-board.session';

class BoardSessionResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ example: '/api/admin/queues/session/3q0Zk...', description: 'Open this in the browser within a minute; it works once' }) url: string;
  @ApiProperty({ example: 60 }) expiresInSeconds: number;
}

const ticketKey = (ticket: string) => `board-ticket:${ticket}`;

/**
 * How a browser gets into Bull Board: the admin app (holding the admin JWT) asks for a one-time
 * link, the browser opens it, gets a short-lived HttpOnly cookie scoped to /admin/queues, and is
 * redirected to the board. Scripts and tools can instead send the admin JWT as a Bearer header.
 */
@ApiTags('admin')
@Controller('api/admin/queues/session')
export class QueueBoardController {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly sessions: BoardSessions,
    @Inject(appConfig.KEY) private readonly app: AppConfig,
  ) {}

  @Post()
  @HttpCode(200)
  @Authenticated({ roles: ['admin'] })
  @ApiOperation({ summary: 'A one-time link that opens Bull Board (/admin/queues) in a browser' })
  @ApiOkResponse({ type: BoardSessionResponseDto, description: 'The one-time link' })
  @ApiErrorResponses(429, 503)
  async create(@CurrentPrincipal() principal: Principal): Promise<BoardSessionResponseDto> {
    const ticket = newTicket();
    await this.redis.set(ticketKey(ticket), principal.id, 'EX', BOARD_TICKET_SECONDS);
    return { success: true, url: `/api/admin/queues/session/${ticket}`, expiresInSeconds: BOARD_TICKET_SECONDS };
  }

  @Public()
  @Get(':ticket')
  @ApiOperation({ summary: 'Redeems a one-time link: sets the board cookie and redirects to /admin/queues' })
  @ApiParam({ name: 'ticket', description: 'The one-time ticket at the end of the link' })
  @ApiFoundResponse({ description: 'Redirect to /admin/queues/ with the board cookie set' })
  @ApiErrorResponses({ status: 404, description: 'Unknown, used or expired link', message: 'This link is unknown, used or expired' }, 429, 503)
  async redeem(@Param('ticket') ticket: string, @Res() res: Response): Promise<void> {
    const key = ticketKey(String(ticket).slice(0, 64));
    const [[, adminId]] = (await this.redis.multi().get(key).del(key).exec()) as [[Error | null, string | null], unknown];
    if (!adminId) throw new NotFoundException('This link is unknown, used or expired');
    res.cookie(BOARD_COOKIE, this.sessions.issue(adminId), {
      httpOnly: true,
      secure: this.app.isProduction,
      sameSite: 'lax',
      path: BOARD_ROUTE,
      maxAge: BOARD_SESSION_SECONDS * 1000,
    });
    res.redirect(302, `${BOARD_ROUTE}/`);
  }
}
