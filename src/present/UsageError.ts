/** The command line itself is wrong (unknown flag, missing argument): exit 2 with the usage hint. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
