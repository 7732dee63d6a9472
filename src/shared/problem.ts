import { ERROR_CODES } from './error-codes.ts';
import type { JifenError } from './errors.ts';

/** RFC 9457 problem details for an expected failure; `code` is the stable part to match on. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  [extension: string]: unknown;
}

export function problemBody(error: JifenError): ProblemBody {
  const spec = ERROR_CODES[error.code];
  return {
    type: `urn:jifen:error:${error.code}`,
    title: spec.title,
    status: spec.status,
    code: error.code,
    detail: error.detail,
    ...error.extensions,
  };
}
