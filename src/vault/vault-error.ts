/**
 * A problem with the master key or the data keys that an operator must fix (a key missing, wrong,
 * malformed): the message says what to do. A server refuses to start with it; a request that
 * needs a key it cannot have answers 500 `vault_locked` with it.
 */
export class VaultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VaultError';
  }
}
