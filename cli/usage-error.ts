/** Bad input from the user: printed as one line, exit code 2, never a stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const EXIT_OK = 0;
export const EXIT_VIOLATED = 1;
export const EXIT_USAGE = 2;
/** A bug in simulate, not the user's input. */
export const EXIT_INTERNAL = 3;
