/**
 * A write refused by a unique index. Inserting a unique key is the one write FerretDB v1 does
 * atomically, so this answer is how the app's claims, chains and locks learn they lost a race.
 */
export function isDuplicateKeyError(error: unknown): boolean {
  return (error as { code?: number } | null)?.code === 11000;
}
