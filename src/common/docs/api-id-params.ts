import { applyDecorators } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';

const FORMAT = '1-64 letters, digits, _ or -';

/** Every id that appears in a route path, described once. */
const ID_PARAMS = {
  cardUuid: { description: `The UUID read from the NFC card (${FORMAT})`, example: 'test-async-card-123' },
  merchantId: { description: `The merchant's id (${FORMAT})`, example: 'MERCHANT_ASYNC_TEST' },
  terminalId: { description: `The terminal's id (${FORMAT})`, example: 'terminal-async-001' },
  transactionId: { description: 'The payment id process-async answered with', example: 'nfc_mi2x0k3c_9f8e7d6c5b4a3f2e' },
  deliveryId: { description: 'The webhook delivery id from the delivery list', example: 'evt_3f1c0b9e4a474a559c55' },
  refundId: { description: 'The refund id its creation answered with', example: 'rf_3f1c0b9e4a474a559c55a1b2' },
  paymentRequestId: { description: 'The payment request id (from its creation or its QR code URI nonce)', example: 'pr_3f1c0b9e4a474a559c552f7a' },
  id: { description: 'The alert id (the transactionId of the failed payment)', example: 'nfc_mi2x0k3c_9f8e7d6c5b4a3f2e' },
} as const;

export function ApiIdParams(...names: Array<keyof typeof ID_PARAMS>) {
  return applyDecorators(...names.map((name) => ApiParam({ name, type: String, ...ID_PARAMS[name] })));
}
