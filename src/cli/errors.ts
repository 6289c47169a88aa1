// Errors that carry their exit code and a one-line fix. Only src/cli/main.ts turns them into an exit.
// Exit codes: 0 ok, 1 the operation failed (API error, receiver not 2xx, expectation not met),
// 2 usage error (bad flag, bad argument, bad input file), 130 interrupted.
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2, INTERRUPTED: 130 } as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.FAILED,
    /** Optional fix, appended to the message: "… — run `propitbox login`". */
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The user typed something wrong: exit 2. */
export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.USAGE, hint);
    this.name = 'UsageError';
  }
}

/** The operation ran and failed: exit 1. */
export class FailedError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.FAILED, hint);
    this.name = 'FailedError';
  }
}
