/*
 * Every phase runs in its own Node process (so its peak RSS and heap are its own) and hands its figures back
 * as one JSON line on stdout prefixed with RESULT_PREFIX; anything else it prints is progress for the reader.
 */

export const RESULT_PREFIX = '@@bench-result ';

export function emitResult(result: unknown): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

/** Progress on stderr, so stdout stays parseable. */
export function progress(text: string): void {
  process.stderr.write(`  ${text}\n`);
}

/** A measurement that was not taken, and why (never a made-up number). */
export interface Skipped {
  readonly skipped: true;
  readonly reason: string;
}

export function skipped(reason: string): Skipped {
  return { skipped: true, reason };
}
