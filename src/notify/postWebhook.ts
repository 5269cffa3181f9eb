/*
 * One JSON POST to an incoming webhook, retried with backoff on 429, 5xx, timeouts and network errors (a
 * Retry-After is honoured up to the longest backoff), bounded in attempts and time. It never throws: the
 * outcome says what happened, so a notification can never fail what asked for it. Errors name the webhook's
 * host only — the URL is its credential.
 */

export interface WebhookPolicy {
  /** Attempts in all (default 4). */
  readonly attempts?: number;
  /** Per attempt, milliseconds (default 10 000). */
  readonly timeoutMs?: number;
  /** First backoff, doubled per attempt with jitter (default 1 000 ms). */
  readonly backoffMs?: number;
  /** Longest wait between attempts, Retry-After included (default 30 000 ms). */
  readonly maxBackoffMs?: number;
}

export interface WebhookOutcome {
  readonly state: 'sent' | 'failed';
  readonly attempts: number;
  /** The last HTTP status, when there was one. */
  readonly status?: number;
  readonly error?: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export async function postWebhook(url: string, body: unknown, policy: WebhookPolicy = {}): Promise<WebhookOutcome> {
  const attempts = Math.max(1, policy.attempts ?? 4);
  const timeoutMs = policy.timeoutMs ?? 10_000;
  const backoffMs = policy.backoffMs ?? 1_000;
  const maxBackoffMs = policy.maxBackoffMs ?? 30_000;
  const host = (() => {
    try {
      return new URL(url).host;
    } catch {
      return 'an invalid URL';
    }
  })();
  const json = JSON.stringify(body);
  let status: number | undefined;
  let error = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let wait: number | undefined;
    try {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: json, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
      status = response.status;
      // Read the body so the connection is released; Slack answers "ok", Teams workflows 202 with nothing.
      const text = await response.text().catch(() => '');
      if (response.ok) return { state: 'sent', attempts: attempt, status };
      error = `webhook ${host} answered ${response.status}${text === '' ? '' : `: ${text.slice(0, 200)}`}`;
      if (response.status !== 429 && response.status < 500) return { state: 'failed', attempts: attempt, status, error: `${error} (not retried: the request itself is refused)` };
      wait = retryAfterMs(response.headers.get('retry-after'));
    } catch (e) {
      const reason = e instanceof Error ? (e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : e.message) : String(e);
      error = `webhook ${host}: ${reason}`;
    }
    if (attempt < attempts) {
      const backoff = Math.min(maxBackoffMs, backoffMs * 2 ** (attempt - 1) * (0.75 + Math.random() / 2));
      await sleep(Math.min(maxBackoffMs, wait ?? backoff));
    }
  }
  return { state: 'failed', attempts, ...(status === undefined ? {} : { status }), error: `${error} (gave up after ${attempts} attempts)` };
}
