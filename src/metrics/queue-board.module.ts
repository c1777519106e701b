import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';
import { Module } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AuthModule } from '../auth/auth.module';
import { bearerToken } from '../auth/guards/jwt-auth.guard';
import { TokenService } from '../auth/token.service';
import { authConfig, type AuthConfig } from '../config/app.config';
import { requestIdOf } from '../common/request-id/request-id.middleware';
import { QueueBoardController } from './queue-board.controller';
import { BOARD_COOKIE, BOARD_ROUTE, BoardSessions, cookieValue } from './queue-board.session';

/**
 * Admins only, before any of Bull Board's own handlers: an admin access token as a Bearer header,
 * or the board cookie from QueueBoardController. Anyone else gets the API's error shape.
 */
export function boardAuth(tokens: TokenService, sessions: BoardSessions) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const refuse = (status: 401 | 403, message: string) =>
      void res.status(status).json({ success: false, error: status === 401 ? 'Unauthorized' : 'Forbidden', message, requestId: requestIdOf(req) });
    const token = bearerToken(req.headers.authorization);
    if (token) {
      tokens.verify(token).then(
        (principal) => {
          if (!principal) return refuse(401, 'Missing, expired or invalid access token');
          if (principal.role !== 'admin') return refuse(403, 'The queue board is for admins only');
          next();
        },
        () => refuse(401, 'Missing, expired or invalid access token'),
      );
      return;
    }
    if (sessions.verify(cookieValue(req.headers.cookie, BOARD_COOKIE))) return next();
    refuse(401, 'Sign in as an admin: POST /api/admin/queues/session, then open the returned link');
  };
}

/** Bull Board at /admin/queues over the `payments`, `notifications`, `refunds` and `payouts` queues. */
@Module({
  imports: [
    AuthModule,
    BullBoardModule.forRootAsync({
      imports: [AuthModule],
      inject: [TokenService, authConfig.KEY],
      useFactory: (tokens: TokenService, auth: AuthConfig) => ({
        route: BOARD_ROUTE,
        adapter: ExpressAdapter,
        middleware: boardAuth(tokens, new BoardSessions(auth.jwtSecret)),
        boardOptions: { uiConfig: { boardTitle: 'NFC Pay queues' } },
      }),
    }),
    BullBoardModule.forFeature({ name: 'payments', adapter: BullAdapter }, { name: 'notifications', adapter: BullAdapter }, { name: 'refunds', adapter: BullAdapter }, { name: 'payouts', adapter: BullAdapter }),
  ],
  controllers: [QueueBoardController],
  providers: [{ provide: BoardSessions, inject: [authConfig.KEY], useFactory: (auth: AuthConfig) => new BoardSessions(auth.jwtSecret) }],
})
export class QueueBoardModule {}
