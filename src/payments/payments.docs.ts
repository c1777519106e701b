import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath, type ApiResponseOptions } from '@nestjs/swagger';
import { errorExample } from '../common/docs/api-error-responses';
import { ErrorResponseDto } from '../common/filters/error-body';
import { PaymentAcceptedDto, PaymentDeclinedDto } from './dto/process-payment.dto';
import { PaymentRequiresPinDto, PinRejectedDto } from './pin/payment-pin.dto';

/** process-async's 400 has two shapes: the standard validation error, and the seed's decline. */
export function ApiPaymentBadRequest() {
  const options = {
    status: 400,
    description: 'Declined (the seed\'s shape: `declineCode` says why, the attempt is recorded under `transactionId`), or an invalid body or Idempotency-Key (the standard error shape)',
    schema: { oneOf: [{ $ref: getSchemaPath(PaymentDeclinedDto) }, { $ref: getSchemaPath(ErrorResponseDto) }] },
    examples: {
      declined: {
        summary: 'Declined',
        value: {
          success: false,
          error: 'Transaction not authorized',
          reason: 'Insufficient daily limit',
          declineCode: 'daily_limit_exceeded',
          transactionId: 'nfc_mi2x0k3c_9f8e7d6c5b4a3f2e',
          processingTime: 14,
          requestId: '6f1c0b9e-4a47-4a55-9c55-2f7a8e3e2b11',
        },
      },
      replayed: {
        summary: 'A SUN message used before (card_replayed; also card_auth_failed, card_auth_required)',
        value: {
          success: false,
          error: 'Transaction not authorized',
          reason: 'Card read counter already used',
          declineCode: 'card_replayed',
          transactionId: 'nfc_mi2x0k3c_0a1b2c3d4e5f6a7b8c9d0e1f',
          processingTime: 9,
          requestId: '6f1c0b9e-4a47-4a55-9c55-2f7a8e3e2b11',
        },
      },
      invalid: { summary: 'Invalid body', value: errorExample(400) },
    },
  };
  return applyDecorators(ApiExtraModels(PaymentDeclinedDto, ErrorResponseDto), ApiResponse(options as ApiResponseOptions));
}

/** process-async's 202: pending, or requires_pin when the cardholder must enter their PIN at the terminal first. */
export function ApiPaymentAccepted() {
  const options = {
    status: 202,
    description:
      "Accepted: pending, settling in the background; or requires_pin (a terminal's tap above the card's cvmLimit, in the fraud review band, or the card's cvmConsecutiveTaps-th in a row without a PIN): the limit is reserved, the terminal gets `transaction:requires_pin` on the socket, and the PIN goes to POST /api/payment/{transactionId}/pin before nextAction.expiresAt. An idempotent replay answers the first answer again",
    schema: { oneOf: [{ $ref: getSchemaPath(PaymentAcceptedDto) }, { $ref: getSchemaPath(PaymentRequiresPinDto) }] },
    examples: {
      pending: { summary: 'Pending', value: { success: true, transactionId: 'nfc_mi2x0k3c_9f8e7d6c5b4a3f2e', status: 'pending', message: 'Payment initiated successfully', processingTime: 12, requestId: '6f1c0b9e-4a47-4a55-9c55-2f7a8e3e2b11', queueJobId: 'nfc_mi2x0k3c_9f8e7d6c5b4a3f2e', estimatedProcessingTime: 'under 5 seconds', statusUrl: '/api/payment/status/nfc_mi2x0k3c_9f8e7d6c5b4a3f2e', websocketChannel: 'transaction:nfc_mi2x0k3c_9f8e7d6c5b4a3f2e' } },
      requiresPin: {
        summary: 'The PIN is needed first',
        value: { success: true, transactionId: 'nfc_mi2x0k3c_9f8e7d6c5b4a3f2e', status: 'requires_pin', nextAction: { type: 'enter_pin', expiresAt: '2026-12-01T09:16:02.000Z' }, message: "Enter the cardholder's PIN at the terminal", processingTime: 12, requestId: '6f1c0b9e-4a47-4a55-9c55-2f7a8e3e2b11', pinUrl: '/api/payment/nfc_mi2x0k3c_9f8e7d6c5b4a3f2e/pin', statusUrl: '/api/payment/status/nfc_mi2x0k3c_9f8e7d6c5b4a3f2e', websocketChannel: 'transaction:nfc_mi2x0k3c_9f8e7d6c5b4a3f2e' },
      },
    },
  };
  return applyDecorators(ApiExtraModels(PaymentAcceptedDto, PaymentRequiresPinDto), ApiResponse(options as ApiResponseOptions));
}

/** The PIN route's 400: a wrong PIN or a declined payment (its own shape), or an invalid body (the standard one). */
export function ApiPinBadRequest() {
  const example = { transactionId: 'nfc_mi2x0k3c_9f8e7d6c5b4a3f2e', requestId: '6f1c0b9e-4a47-4a55-9c55-2f7a8e3e2b11' };
  const options = {
    status: 400,
    description: 'Wrong PIN (`pin_incorrect` with attemptsLeft; at 0 the payment is declined and the card pin_blocked), a card blocked by wrong PINs before (`pin_blocked`), or an invalid body (the standard error shape)',
    schema: { oneOf: [{ $ref: getSchemaPath(PinRejectedDto) }, { $ref: getSchemaPath(ErrorResponseDto) }] },
    examples: {
      incorrect: { summary: 'Wrong PIN, two attempts left', value: { success: false, error: 'PIN incorrect', declineCode: 'pin_incorrect', attemptsLeft: 2, status: 'requires_pin', ...example } },
      blocked: {
        summary: 'The third wrong PIN',
        value: { success: false, error: 'PIN incorrect', declineCode: 'pin_incorrect', attemptsLeft: 0, status: 'declined', cardStatus: 'pin_blocked', reason: 'Three wrong PINs: the payment is declined and the card blocked until its holder unblocks it', ...example },
      },
      invalid: { summary: 'Invalid body', value: errorExample(400) },
    },
  };
  return applyDecorators(ApiExtraModels(PinRejectedDto, ErrorResponseDto), ApiResponse(options as ApiResponseOptions));
}
