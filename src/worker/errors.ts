// One error type for everything the worker reports to its parent. User errors (bad config, bad
// data, no model yet) carry a code and a message written for people; anything else is a bug and
// becomes INTERNAL with its message (the stack goes to the worker's stderr, not to the user).
import { errorMessage, UserError } from '../shared/errors';
import type { ErrorCode } from '../shared/protocol';

export class WorkerError extends UserError<ErrorCode> {
  constructor(code: ErrorCode, message: string) {
    super(code, message);
    this.name = 'WorkerError';
  }
}

/** User-error codes of the data and model modules the protocol reports as they are (an aborted load is not one). */
const PASS_THROUGH: ReadonlySet<string> = new Set(['DATA', 'DOWNLOAD', 'OFFLINE', 'MODEL', 'RESUME']);

/** Maps any thrown value to {code, message}; user errors from the data and model modules keep their codes. */
export function toErrorInfo(err: unknown): { code: ErrorCode; message: string; internal: boolean } {
  if (err instanceof WorkerError) return { code: err.code, message: err.message, internal: false };
  const message = errorMessage(err) || String(err);
  if (err instanceof UserError && PASS_THROUGH.has(err.code)) {
    return { code: err.code as ErrorCode, message, internal: false };
  }
  return { code: 'INTERNAL', message, internal: true };
}
