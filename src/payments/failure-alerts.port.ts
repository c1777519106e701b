/** A failed payment needs a human: what payments asks of notifications (AlertsService implements it, bound in PaymentsModule). */
export interface FailureAlert {
  transactionId: string;
  errorMessage: string;
  timestamp: Date;
  requiresManualReview: true;
}

export interface FailureAlerts {
  /** Durably queued when it resolves; the finalizer records the effect done only then. */
  raise(alert: FailureAlert): Promise<void>;
}

export const FAILURE_ALERTS = Symbol('FAILURE_ALERTS');
