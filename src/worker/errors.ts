// One error type for everything the worker reports to its parent. User errors (bad config, bad
// data, no model yet) carry a code and a message written for people; anything else is a bug and
// becomes INTERNAL with its message (the stack goes to the worker's stderr, not to the user).
import type { ErrorCode } from '../shared/protocol';

export class WorkerError extends Error {
  constructor(readonly code: ErrorCode, message: string) {
    super(message);
    this.name = 'WorkerError';
  }
}

const PASS_THROUGH: ReadonlySet<string> = new Set(['DATA', 'DOWNLOAD', 'OFFLINE']);

/** Maps any thrown value to {code, message}; errors from the data and model modules keep their codes. */
export function toErrorInfo(err: unknown): { code: ErrorCode; message: string; internal: boolean } {
  if (err instanceof WorkerError) return { code: err.code, message: err.message, internal: false };
  const e = err as { name?: unknown; code?: unknown; message?: unknown } | null;
  const message = typeof e?.message === 'string' && e.message ? e.message : String(err);
  if (e && typeof e.code === 'string' && PASS_THROUGH.has(e.code)) {
    return { code: e.code as ErrorCode, message, internal: false };
  }
  // The model core's ShapeError / spec validation errors are user errors about the model.
  if (e && (e.name === 'ShapeError' || e.name === 'UntrainableModelError' || e.name === 'ModelSpecError' || e.name === 'SpecError')) {
    return { code: 'MODEL', message, internal: false };
  }
  return { code: 'INTERNAL', message, internal: true };
}
