import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';

export class SystemAlertDto {
  @ApiProperty({ example: 'Scheduled maintenance at 02:00 UTC', minLength: 1, maxLength: 500 })
  @IsString()
  @Length(1, 500)
  message: string;

  @ApiPropertyOptional({ enum: ['info', 'warning', 'error'], default: 'info' })
  @IsOptional()
  @IsIn(['info', 'warning', 'error'])
  level?: 'info' | 'warning' | 'error';

  @ApiPropertyOptional({ enum: ['all', 'admins'], default: 'all', description: 'Every connected client, or admin sockets only' })
  @IsOptional()
  @IsIn(['all', 'admins'])
  audience?: 'all' | 'admins';
}

export class SystemAlertAcceptedDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ example: true, description: 'False when this process has no socket server' }) delivered: boolean;
  @ApiProperty({ enum: ['all', 'admins'] }) audience: 'all' | 'admins';
  @ApiProperty() timestamp: Date;
}

class ConnectionsByRoleDto {
  @ApiProperty({ example: 9, description: 'Cardholder sockets' }) user: number;
  @ApiProperty({ example: 3, description: 'Terminal sockets' }) terminal: number;
  @ApiProperty({ example: 0, description: 'Admin sockets' }) admin: number;
  @ApiProperty({ example: 1, description: 'Merchant staff sockets' }) merchant: number;
}

/** What any authenticated caller may see: counts only, no ids. */
export class WebsocketSummaryDto {
  @ApiProperty({ enum: ['active', 'degraded', 'inactive'], description: 'degraded: another instance did not answer; counts are this instance only' })
  status: 'active' | 'degraded' | 'inactive';
  @ApiProperty({ example: 12, description: 'Sockets on every instance' }) totalConnections: number;
  @ApiProperty({ example: 9, description: 'Distinct users and admins connected' }) uniqueUsers: number;
  @ApiProperty({ type: ConnectionsByRoleDto, description: 'Sockets per role of the caller behind them' }) connectionsByRole: ConnectionsByRoleDto;
  @ApiProperty({ example: 2, description: 'Merchants with a terminal connected' }) merchantsOnline: number;
  @ApiProperty({ example: 12, description: 'Sockets on the instance that answered' }) localConnections: number;
  @ApiProperty({ nullable: true, type: Number, example: 1, description: 'Socket.IO servers sharing the Redis adapter' }) instances: number | null;
  @ApiProperty({ description: 'When these counts were taken' }) timestamp: Date;
}

/** The admin's view: the summary plus who is connected. */
export class WebsocketStatusDto extends WebsocketSummaryDto {
  @ApiPropertyOptional({ type: [String], description: 'Ids of the connected users and admins (admins only)' }) connectedUsers?: string[];
  @ApiPropertyOptional({ description: 'Why the status is degraded (admins only)' }) error?: string;
}

/** Drops every id and error text, keeping the aggregate figures. */
export function toWebsocketSummary(status: WebsocketSummaryDto): WebsocketSummaryDto {
  const { status: state, totalConnections, uniqueUsers, connectionsByRole, merchantsOnline, localConnections, instances, timestamp } = status;
  return { status: state, totalConnections, uniqueUsers, connectionsByRole: { ...connectionsByRole }, merchantsOnline, localConnections, instances, timestamp };
}

export class WsStatusResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: WebsocketStatusDto, description: 'Admins get connectedUsers too; everyone else the counts only' }) websocket: WebsocketStatusDto | WebsocketSummaryDto;
}
