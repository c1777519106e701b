export const ALERT_RAISED = 'alert.raised';

/** A failed payment needs a human: realtime pushes it to admin sockets as `system:alert`. */
export interface AlertRaisedEvent {
  transactionId: string;
  message: string;
}
