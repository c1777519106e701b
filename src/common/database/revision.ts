let sequence = 0;

/**
 * A new, larger revision for a changed document, used to order cache writes. Taken from the clock
 * rather than `$inc`, because FerretDB v1 runs `$inc` as read-then-write and concurrent updates
 * can both end on the same number; with this, a later update always carries a larger revision.
 */
export function nextRevision(): number {
  sequence = (sequence + 1) % 1000;
  return Date.now() * 1000 + sequence;
}
