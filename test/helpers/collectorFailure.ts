import { expect } from 'vitest';
import { CollectorError } from '../../src/collectors/CollectorError.ts';

/** The CollectorError a collect() rejects with; fails the test when it resolves or rejects with anything else. */
export async function collectorFailure(promise: Promise<unknown>): Promise<CollectorError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CollectorError);
  return error as CollectorError;
}
