// The one error type of the data layer. Its message is meant for the user as is: it names the file,
// the problem and what to do. Callers show `message` and never a stack trace.

/**
 * DATA: a file is present but unusable (bad format, truncated, wrong checksum on disk...).
 * DOWNLOAD: a server answered but the file could not be fetched correctly (HTTP error, cut
 *   connection, checksum mismatch).
 * OFFLINE: no mirror could be reached at all (DNS failure, connection refused, timeout).
 * ABORTED: the caller's AbortSignal fired (for example the user pressed Stop).
 */
import { UserError } from '../shared/errors';

export type DataErrorCode = 'DATA' | 'DOWNLOAD' | 'OFFLINE' | 'ABORTED';

export class DataError extends UserError<DataErrorCode> {
  readonly file?: string;

  constructor(code: DataErrorCode, message: string, file?: string) {
    super(code, message);
    this.name = 'DataError';
    if (file !== undefined) this.file = file;
  }
}

/** 47040016 -> "47,040,016" (fixed locale so messages and tests do not depend on the machine). */
export function fmtInt(n: number): string {
  return n.toLocaleString('en-US');
}
