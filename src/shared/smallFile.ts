// Synchronous reads of small files that may come from anywhere (a cloned repository's run folder,
// a model file): only a regular file, and only up to a size bound. A symlink to /dev/zero or a
// FIFO would otherwise block the reading process for ever (in the extension host: all of VS Code's
// extensions).
import { readFileSync, statSync } from 'node:fs';

export class NotASmallFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotASmallFileError';
  }
}

/** The file's text; throws NotASmallFileError (or the fs error, e.g. ENOENT) otherwise. */
export function readSmallFile(path: string, maxBytes: number): string {
  const st = statSync(path);
  if (!st.isFile()) throw new NotASmallFileError(`${path} is not a regular file`);
  if (st.size > maxBytes) {
    throw new NotASmallFileError(`${path} has ${st.size.toLocaleString('en-US')} bytes, more than the ${maxBytes.toLocaleString('en-US')} accepted`);
  }
  return readFileSync(path, 'utf8');
}
