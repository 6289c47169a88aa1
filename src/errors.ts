// Errors the domain throws. Each carries a kind (whose fault, from the user's side) and an optional
// hint naming the fix. Only src/cli/ turns a kind into an exit code and the printed line.
export type ErrorKind =
  /** The user typed something wrong: a bad flag, argument, input file or config value. */
  | 'usage'
  /** The operation ran and failed: API error, receiver not 2xx, expectation not met. */
  | 'failed';

export class PropitboxError extends Error {
  constructor(
    message: string,
    readonly kind: ErrorKind,
    /** Optional fix, printed after the message: "… (run `propitbox login`)". */
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'PropitboxError';
  }
}

export class UsageError extends PropitboxError {
  constructor(message: string, hint?: string) {
    super(message, 'usage', hint);
    this.name = 'UsageError';
  }
}

export class FailedError extends PropitboxError {
  constructor(message: string, hint?: string) {
    super(message, 'failed', hint);
    this.name = 'FailedError';
  }
}
