/**
 * How long a fresh registration takes on this instance (hash, insert, custodial wallet), so the
 * answer for a taken email — which skips the wallet — can take as long and timing tells nothing.
 */
export class RegistrationTiming {
  private typicalMs = 0;

  recordFresh(durationMs: number): void {
    this.typicalMs = this.typicalMs === 0 ? durationMs : this.typicalMs * 0.8 + durationMs * 0.2;
  }

  /** Resolves once a registration started at `startedAt` (performance.now()) took the typical time. */
  async padFrom(startedAt: number): Promise<void> {
    const remaining = this.typicalMs - (performance.now() - startedAt);
    if (remaining > 0) await new Promise((resolve) => setTimeout(resolve, remaining));
  }
}
