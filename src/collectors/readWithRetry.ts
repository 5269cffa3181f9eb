import { CollectorError } from './CollectorError.ts';
import { retryDecisionOf, toCollectorError, type FailureContext } from './httpFailure.ts';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './withRetry.ts';

/** What a read is, for the CollectorError it may end in (everything but the attempt count). */
export type ReadContext = Omit<FailureContext, 'attempts'>;

/**
 * One call, retried while it fails transiently (429, 5xx, timeouts; Retry-After honoured, bounded by the
 * policy), then classified: the caller gets the value or a CollectorError naming what and which permission.
 */
export async function readWithRetry<T>(call: () => Promise<T>, context: ReadContext, policy: RetryPolicy = DEFAULT_RETRY): Promise<T> {
  let attempts = 0;
  try {
    return await withRetry(
      () => {
        attempts++;
        return call();
      },
      retryDecisionOf,
      policy,
    );
  } catch (error) {
    throw toCollectorError(error, { ...context, attempts });
  }
}

/** A paged list as the Azure SDKs return it: pages, resumable from a continuation token (the next link). */
export interface PagedSource<T> {
  byPage(settings?: { continuationToken?: string }): AsyncIterableIterator<T[]>;
}

/**
 * Every item of a paged list, or a CollectorError. Each page is its own retried call that resumes from the
 * previous page's next link, so a 429 on page 40 retries page 40, not the whole list. A next link seen twice
 * means the service is looping: that is an error, never a silently truncated list.
 */
export async function readAllPages<T>(
  open: () => PagedSource<T>,
  continuationOf: (page: T[]) => string | undefined,
  context: ReadContext,
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  for (;;) {
    const resumeFrom = token;
    const page = await readWithRetry(
      async () => {
        const pages = open().byPage(resumeFrom === undefined ? undefined : { continuationToken: resumeFrom });
        try {
          const next = await pages.next();
          return next.done === true ? undefined : next.value;
        } finally {
          await pages.return?.();
        }
      },
      context,
      policy,
    );
    if (page === undefined) return items;
    items.push(...page);
    token = continuationOf(page);
    if (token === undefined || token === '') return items;
    if (seen.has(token)) throw new CollectorError('invalid', context.unit, `could not read ${context.what}: the service returned the same next link twice (${token})`);
    seen.add(token);
  }
}

/**
 * Waits for every read and then returns all values, or throws the first failure (in argument order). Unlike
 * Promise.all it never leaves sibling reads running behind a failed unit: when collect() ends, its requests have.
 */
export async function allSettledOrThrow<T extends readonly unknown[]>(reads: { readonly [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(reads as readonly Promise<unknown>[]);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/**
 * Runs `work` over `items` with at most `limit` in flight. After a failure no new item starts; the ones in
 * flight finish, then the first failure is thrown.
 */
export async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { readonly error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const index = next++;
      try {
        results[index] = await work(items[index] as T);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure !== undefined) throw failure.error;
  return results;
}
