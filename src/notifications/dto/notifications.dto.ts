import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ALERT_STATUSES, type AlertStatus } from '../schemas/alert.schema';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../schemas/webhook-delivery.schema';

export class ListDeliveriesQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES, description: 'Only deliveries in this status' })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;

  @ApiPropertyOptional({ type: 'integer', default: 50, minimum: 1, maximum: 200, description: 'At most this many, newest first' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class DeliveryAttemptDto {
  @ApiProperty({ example: 1 }) attempt: number;
  @ApiProperty({ enum: ['auto', 'resend'] }) trigger: string;
  @ApiProperty() at: Date;
  @ApiProperty({ enum: ['succeeded', 'failed'] }) status: string;
  @ApiProperty({ nullable: true, example: 200, type: Number }) responseCode: number | null;
  @ApiProperty({ example: 42 }) latencyMs: number;
  @ApiProperty({ nullable: true, type: String, example: 'HTTP 500' }) error: string | null;
  @ApiProperty() url: string;
}

export class DeliveryDto {
  @ApiProperty({ example: 'evt_3f1c...' }) deliveryId: string;
  @ApiProperty({ example: 'evt_3f1c...', description: 'The event id in the body; the same on every attempt and resend' }) eventId: string;
  @ApiProperty({ example: 'payment.completed' }) type: string;
  @ApiProperty() transactionId: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status: string;
  @ApiProperty() attempts: number;
  @ApiProperty({ nullable: true, type: Number }) lastResponseCode: number | null;
  @ApiProperty({ nullable: true, type: String }) lastError: string | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ nullable: true, type: Date }) deliveredAt: Date | null;
  @ApiProperty({ type: [DeliveryAttemptDto], description: 'One entry per HTTP attempt, oldest first' }) log: DeliveryAttemptDto[];
}

export class DeliveryListResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: [DeliveryDto] }) deliveries: DeliveryDto[];
}

export class ResendResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty() deliveryId: string;
  @ApiProperty() queueJobId: string;
}

export class ListAlertsQueryDto {
  @ApiPropertyOptional({ enum: ALERT_STATUSES, description: 'Only alerts in this status' })
  @IsOptional()
  @IsIn(ALERT_STATUSES)
  status?: AlertStatus;

  @ApiPropertyOptional({ type: 'integer', default: 50, minimum: 1, maximum: 200, description: 'At most this many, newest first' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class AcknowledgeAlertDto {
  @ApiPropertyOptional({ example: 'Refunded by hand, see ticket 4711' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class AlertDto {
  @ApiProperty({ description: 'The transactionId (one alert per payment)' }) id: string;
  @ApiProperty() transactionId: string;
  @ApiProperty() reason: string;
  @ApiProperty() requiresManualReview: boolean;
  @ApiProperty({ enum: ALERT_STATUSES }) status: string;
  @ApiProperty() failedAt: Date;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ nullable: true, type: Date }) acknowledgedAt: Date | null;
  @ApiProperty({ nullable: true, type: String }) acknowledgedBy: string | null;
  @ApiProperty({ nullable: true, type: String }) note: string | null;
  @ApiProperty({ nullable: true, type: Date, description: 'When ALERT_WEBHOOK_URL accepted it' }) forwardedAt: Date | null;
}

export class AlertListResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: [AlertDto] }) alerts: AlertDto[];
}

export class AlertResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: AlertDto }) alert: AlertDto;
}
