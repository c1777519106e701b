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
  @ApiProperty() user: number;
  @ApiProperty() terminal: number;
  @ApiProperty() admin: number;
}

export class WebsocketStatusDto {
  @ApiProperty({ enum: ['active', 'degraded', 'inactive'], description: 'degraded: another instance did not answer; counts are this instance only' })
  status: 'active' | 'degraded' | 'inactive';
  @ApiProperty({ description: 'Sockets on every instance' }) totalConnections: number;
  @ApiProperty({ description: 'Distinct users and admins connected' }) uniqueUsers: number;
  @ApiProperty({ type: [String], description: 'Their ids (this route is for admins only)' }) connectedUsers: string[];
  @ApiProperty({ type: ConnectionsByRoleDto }) connectionsByRole: ConnectionsByRoleDto;
  @ApiProperty({ description: 'Merchants with a terminal connected' }) merchantsOnline: number;
  @ApiProperty({ description: 'Sockets on the instance that answered' }) localConnections: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Socket.IO servers sharing the Redis adapter' }) instances: number | null;
  @ApiProperty() timestamp: Date;
}

export class WsStatusResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: WebsocketStatusDto }) websocket: WebsocketStatusDto;
}
