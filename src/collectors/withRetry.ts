/** How long to wait before retrying a throttled or failed call, honouring the server's Retry-After. */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RetryDecision {
  readonly retry: boolean;
  /** Seconds from a Retry-After header, when the server sent one. */
  readonly retryAfterSeconds?: number;
}

/**
 * Runs `call`, retrying while `classify` says the failure is transient, with exponential backoff bounded by
 * `maxAttempts` and `maxDelayMs`; a Retry-After from the server replaces the backoff (capped the same way).
 */
export async function withRetry<T>(call: () => Promise<T>, classify: (error: unknown) => RetryDecision, policy: RetryPolicy = DEFAULT_RETRY): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const decision = classify(error);
      if (!decision.retry || attempt >= policy.maxAttempts) throw error;
      const backoff = policy.baseDelayMs * 2 ** (attempt - 1);
      const wait = decision.retryAfterSeconds !== undefined ? decision.retryAfterSeconds * 1000 : backoff;
      await policy.sleep(Math.min(wait, policy.maxDelayMs));
    }
  }
}
