import { ERROR_CODES, type ErrorCode } from './error-codes.ts';

/** An expected business failure: a value with a stable code, never a bug. */
export class JifenError extends Error {
  readonly code: ErrorCode;
  readonly detail: string;
  /** Machine-readable facts for the caller (e.g. `availablePoints`). */
  readonly extensions: Record<string, unknown>;

  constructor(code: ErrorCode, options: { detail?: string; extensions?: Record<string, unknown> } = {}) {
    const detail = options.detail ?? ERROR_CODES[code].title;
    super(detail);
    this.name = 'JifenError';
    this.code = code;
    this.detail = detail;
    this.extensions = options.extensions ?? {};
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}

/** For states that cannot happen unless Jifen has a bug: crash loudly. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`Invariant violated: ${message}`);
}
