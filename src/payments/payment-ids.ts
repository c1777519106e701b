import { randomBytes } from 'node:crypto';

/** Ids and codes from the OS's CSPRNG (the seed used Math.random). Injected so tests can fix them. */
export interface PaymentIds {
  transactionId(): string;
  authCode(): string;
}

export const PAYMENT_IDS = Symbol('PAYMENT_IDS');

export const cryptoPaymentIds: PaymentIds = {
  // Time first, so ids sort roughly by creation; 12 random bytes make collisions unthinkable.
  transactionId: () => `nfc_${Date.now().toString(36)}_${randomBytes(12).toString('hex')}`,
  authCode: () => `AUTH_${randomBytes(6).toString('hex').toUpperCase()}`,
};
