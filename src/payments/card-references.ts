import { Inject, Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { authConfig, type AuthConfig } from '../config/app.config';

/**
 * What a merchant sees instead of a card id: `****1234-<token>`. The id is all a charge needs, so
 * it never leaves for the merchant side; the token (an HMAC of merchant and card) lets a merchant
 * tell its returning customers apart without being able to name the card to anyone, and differs
 * between merchants so they cannot join their records. The key is derived from the JWT secret
 * (one configured secret, a purpose-bound key).
 */
@Injectable()
export class CardReferences {
  private readonly key: Buffer;

  constructor(@Inject(authConfig.KEY) config: AuthConfig) {
    this.key = createHmac('sha256', config.jwtSecret).update('nfc-pay:merchant-card-reference').digest();
  }

  of(merchantId: string, cardUuid: string): string {
    const token = createHmac('sha256', this.key).update(`${merchantId}\u0000${cardUuid}`).digest('hex').slice(0, 16);
    return `${maskedCard(cardUuid)}-${token}`;
  }
}

/** The last four characters of a card id, the rest masked. */
export function maskedCard(cardUuid: string): string {
  return `****${cardUuid.slice(-4)}`;
}
