import { Injectable } from '@nestjs/common';

/** Time source of the fraud module (default `at`, backtest windows, review times); tests drive it. */
@Injectable()
export class FraudClock {
  now(): number {
    return Date.now();
  }
}
