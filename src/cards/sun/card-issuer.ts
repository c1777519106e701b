import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { cardsConfig, type CardsConfig } from '../../config/app.config';
import { deriveCardKeys, issuerK1 } from './bolt-card-keys';

/** What the programming app writes to a secure card, once: K0…K4 as 32 lowercase hex characters each. */
export interface CardProgramming {
  k0: string;
  k1: string;
  k2: string;
  k3: string;
  k4: string;
  version: number;
}

/** Holds CARD_ISSUER_KEY; every secure card's keys are derived from it on demand, never stored. */
@Injectable()
export class CardIssuer {
  private readonly issuerKey?: Buffer;
  private readonly k1?: Buffer;

  constructor(@Inject(cardsConfig.KEY) config: CardsConfig) {
    this.issuerKey = config.issuerKey;
    this.k1 = config.issuerKey && issuerK1(config.issuerKey);
  }

  /** Registering or reprogramming a secure card needs the issuer key. */
  programming(uid: string, version: number): CardProgramming {
    const keys = deriveCardKeys(this.requireKey(), Buffer.from(uid, 'hex'), version);
    const hex = (key: Buffer) => key.toString('hex');
    return { k0: hex(keys.k0), k1: hex(keys.k1), k2: hex(keys.k2), k3: hex(keys.k3), k4: hex(keys.k4), version };
  }

  /** The issuer's K1 (it decrypts every card's `p`); undefined without an issuer key. */
  encryptionKey(): Buffer | undefined {
    return this.k1;
  }

  macKey(uid: string, version: number): Buffer | undefined {
    return this.issuerKey && deriveCardKeys(this.issuerKey, Buffer.from(uid, 'hex'), version).k2;
  }

  private requireKey(): Buffer {
    if (!this.issuerKey) throw new ServiceUnavailableException('Secure cards are not configured on this server (CARD_ISSUER_KEY is not set)');
    return this.issuerKey;
  }
}
