// The base of every error whose message is written for the person who caused it (a bad setting,
// file, model or dataset): callers show `message` as is, never a stack, and `code` says what kind
// of problem it is. Anything else that is thrown is a bug.

export class UserError<C extends string = string> extends Error {
  constructor(readonly code: C, message: string) {
    super(message);
    // Subclasses set their own name: a minified bundle renames classes.
    this.name = 'UserError';
  }
}

/** The message of anything thrown: an Error's message, else the value as text. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
