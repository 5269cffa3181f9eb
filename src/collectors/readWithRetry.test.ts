import { describe, expect, it } from 'vitest';
import { CollectorError } from './CollectorError.ts';
import { HttpStatusError } from './httpFailure.ts';
import { allSettledOrThrow, mapBounded, readAllPages, type PagedSource } from './readWithRetry.ts';
import type { RetryPolicy } from './withRetry.ts';

const context = { unit: 'test sub:s1', what: 'things of /subscriptions/s1', permission: 'Things/read on /subscriptions/s1' };
const noWait = (maxAttempts = 3): RetryPolicy & { waits: number[] } => {
  const waits: number[] = [];
  return { maxAttempts, baseDelayMs: 1, maxDelayMs: 10_000, waits, sleep: (ms) => (waits.push(ms), Promise.resolve()) };
};

type Page = string[] & { continuationToken?: string };

/** A paged list over `pages`; `failAt` pages fail (429) the given number of times. Records where each read started. */
function pagedList(pages: string[][], failAt: Map<number, number> = new Map(), tokens: (i: number) => string = (i) => `p${i}`) {
  const starts: (string | undefined)[] = [];
  const open = (): PagedSource<string> => ({
    byPage: (settings) => {
      const start = settings?.continuationToken;
      starts.push(start);
      return (async function* () {
        for (let i = start === undefined ? 0 : Number(start.slice(1)); i < pages.length; i++) {
          await Promise.resolve();
          const failures = failAt.get(i) ?? 0;
          if (failures > 0) {
            failAt.set(i, failures - 1);
            throw new HttpStatusError(429, 'throttled', { retryAfterSeconds: 2 });
          }
          const page: Page = [...(pages[i] ?? [])];
          if (i + 1 < pages.length) page.continuationToken = tokens(i + 1);
          yield page;
        }
      })();
    },
  });
  return { open, starts, continuationOf: (page: string[]) => (page as Page).continuationToken };
}

describe('readAllPages', () => {
  it('reads every page, resuming a throttled page from its own link after Retry-After', async () => {
    const list = pagedList([['a', 'b'], ['c'], ['d', 'e']], new Map([[2, 1]]));
    const retry = noWait();
    expect(await readAllPages(list.open, list.continuationOf, context, retry)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(list.starts).toEqual([undefined, 'p1', 'p2', 'p2']);
    expect(retry.waits).toEqual([2000]);
  });

  it('gives up after the policy bound with a transient CollectorError', async () => {
    const list = pagedList([['a'], ['b']], new Map([[1, 99]]));
    const error = await readAllPages(list.open, list.continuationOf, context, noWait(3)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CollectorError);
    expect(error).toMatchObject({ kind: 'transient', status: 429, unit: context.unit });
    expect(list.starts).toEqual([undefined, 'p1', 'p1', 'p1']);
  });

  it('a next link seen twice is an error, not an endless or truncated list', async () => {
    const list = pagedList([['a'], ['b'], ['c'], ['d']], new Map(), () => 'p1');
    await expect(readAllPages(list.open, list.continuationOf, context, noWait())).rejects.toMatchObject({ kind: 'invalid', message: expect.stringContaining('same next link twice') as unknown });
  });
});

describe('mapBounded and allSettledOrThrow', () => {
  it('runs at most `limit` at once and keeps the order of results', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapBounded([1, 2, 3, 4, 5, 6], 2, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight--;
      return n * 10;
    });
    expect(results).toEqual([10, 20, 30, 40, 50, 60]);
    expect(peak).toBe(2);
  });

  it('after a failure nothing new starts, what is running finishes, then the first failure is thrown', async () => {
    const started: number[] = [];
    let finished = 0;
    const run = mapBounded([1, 2, 3, 4, 5], 2, async (n) => {
      started.push(n);
      await new Promise((resolve) => setTimeout(resolve, n === 1 ? 1 : 5));
      finished++;
      if (n === 1) throw new Error('first');
      return n;
    });
    await expect(run).rejects.toThrow('first');
    expect(started).toEqual([1, 2]);
    expect(finished).toBe(2);
  });

  it('allSettledOrThrow waits for every read before throwing the first failure', async () => {
    let slowDone = false;
    const slow = new Promise<number>((resolve) => setTimeout(() => { slowDone = true; resolve(1); }, 5));
    await expect(allSettledOrThrow([Promise.reject(new Error('denied')), slow])).rejects.toThrow('denied');
    expect(slowDone).toBe(true);
    expect(await allSettledOrThrow([Promise.resolve('a'), Promise.resolve(2)] as const)).toEqual(['a', 2]);
  });
});
