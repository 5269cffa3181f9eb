import { isRestError } from '@azure/core-rest-pipeline';
import { CollectorError } from './CollectorError.ts';
import type { RetryDecision } from './withRetry.ts';

/**
 * What went wrong with one call to an HTTP API, read from whatever the client threw: an Azure SDK `RestError`,
 * a Microsoft Graph error from our Graph client, or a timeout. Collectors turn it into a retry decision while
 * retrying and into a classified CollectorError when they give up.
 */
export interface HttpFailure {
  readonly status?: number;
  /** The service's error code (`AuthorizationFailed`, `TooManyRequests`, …). */
  readonly code?: string;
  /** The service's own message, when it sent one. */
  readonly message: string;
  readonly retryAfterSeconds?: number;
  /** The service's request id, for support tickets and log correlation. */
  readonly requestId?: string;
  readonly timedOut: boolean;
}

/** Thrown by HTTP clients we write ourselves (Microsoft Graph over fetch) so that failures read the same. */
export class HttpStatusError extends Error {
  override readonly name = 'HttpStatusError';
  readonly status: number;
  readonly code: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly requestId: string | undefined;

  constructor(status: number, message: string, details: { code?: string; retryAfterSeconds?: number; requestId?: string } = {}) {
    super(message);
    this.status = status;
    this.code = details.code;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.requestId = details.requestId;
  }
}

/** Seconds from a Retry-After header: delta-seconds (Graph sends fractions, `2.128`) or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

function serviceError(bodyText: string | undefined): { code?: string; message?: string } {
  if (bodyText === undefined || bodyText === '') return {};
  try {
    const body = JSON.parse(bodyText) as { error?: { code?: unknown; message?: unknown } };
    const code = typeof body.error?.code === 'string' ? body.error.code : undefined;
    const message = typeof body.error?.message === 'string' ? body.error.message : undefined;
    return { ...(code === undefined ? {} : { code }), ...(message === undefined ? {} : { message }) };
  } catch {
    return {};
  }
}

/** The failure behind an error, or undefined when it is not an HTTP failure (a bug: let it surface). */
export function httpFailureOf(error: unknown): HttpFailure | undefined {
  if (error instanceof HttpStatusError) {
    return {
      status: error.status,
      message: error.message,
      timedOut: false,
      ...(error.code === undefined ? {} : { code: error.code }),
      ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
      ...(error.requestId === undefined ? {} : { requestId: error.requestId }),
    };
  }
  if (isRestError(error)) {
    const body = serviceError(error.response?.bodyAsText ?? undefined);
    const headers = error.response?.headers;
    const retryAfter = parseRetryAfter(headers?.get('retry-after'));
    const requestId = headers?.get('x-ms-request-id') ?? headers?.get('request-id');
    const code = body.code ?? error.code;
    if (error.statusCode === undefined) {
      // No response: the connection failed or was reset. Worth another try, like a timeout.
      return { message: error.message, timedOut: true, ...(code === undefined ? {} : { code }) };
    }
    return {
      status: error.statusCode,
      message: body.message ?? error.message,
      timedOut: false,
      ...(code === undefined ? {} : { code }),
      ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }),
      ...(requestId === undefined ? {} : { requestId }),
    };
  }
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
    return { message: 'the request timed out', timedOut: true };
  }
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  if (typeof code === 'string' && /^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|UND_ERR_\w+)$/.test(code)) {
    return { message: (error as Error).message, code, timedOut: true };
  }
  return undefined;
}

export function isTransient(failure: HttpFailure): boolean {
  return failure.timedOut || failure.status === 408 || failure.status === 429 || (failure.status !== undefined && failure.status >= 500);
}

/** For withRetry: retry throttling, server errors and timeouts, waiting what Retry-After says. */
export function retryDecisionOf(error: unknown): RetryDecision {
  const failure = httpFailureOf(error);
  if (failure === undefined || !isTransient(failure)) return { retry: false };
  return failure.retryAfterSeconds === undefined ? { retry: true } : { retry: true, retryAfterSeconds: failure.retryAfterSeconds };
}

export interface FailureContext {
  /** `azure-rbac sub:1111…` */
  readonly unit: string;
  /** What was being read, in a platform engineer's words: `role assignments of /subscriptions/1111…`. */
  readonly what: string;
  /** The permission that call needs, with its scope: `Microsoft.Authorization/roleAssignments/read on /subscriptions/1111…`. */
  readonly permission: string;
  /** How to name the permission in the message when its bare name says too little (`the Microsoft Graph application permission User.Read.All`). */
  readonly permissionLabel?: string;
  /** How many attempts were made, for transient failures. */
  readonly attempts: number;
}

function describe(failure: HttpFailure): string {
  const status = failure.status === undefined ? '' : `${failure.status}${failure.code === undefined ? '' : ` ${failure.code}`}: `;
  const request = failure.requestId === undefined ? '' : ` (request id ${failure.requestId})`;
  return `${status}${failure.message}${request}`;
}

/**
 * The CollectorError for a failed call: 401/403 → `denied` naming the permission, 429/5xx/timeouts →
 * `transient`, any other 4xx → `invalid` (the request or the scope is wrong). Errors that are not HTTP
 * failures (CollectorErrors, bugs) come back unchanged.
 */
export function toCollectorError(error: unknown, context: FailureContext): unknown {
  if (error instanceof CollectorError) return error;
  const failure = httpFailureOf(error);
  if (failure === undefined) return error;
  const options = { cause: error, ...(failure.status === undefined ? {} : { status: failure.status }) };
  const grant = context.permissionLabel ?? context.permission;
  if (failure.status === 401) {
    return new CollectorError('denied', context.unit, `cannot read ${context.what}: the credential was not accepted (${describe(failure)}); check the identity the indexer runs as and the audience of its token (it needs ${grant})`, {
      ...options,
      permission: context.permission,
    });
  }
  if (failure.status === 403) {
    return new CollectorError('denied', context.unit, `cannot read ${context.what}: needs ${grant} (${describe(failure)})`, { ...options, permission: context.permission });
  }
  if (isTransient(failure)) {
    const attempts = `${context.attempts} attempt${context.attempts === 1 ? '' : 's'}`;
    return new CollectorError('transient', context.unit, `could not read ${context.what} after ${attempts}: ${describe(failure)}; will retry on the next run`, options);
  }
  return new CollectorError('invalid', context.unit, `could not read ${context.what}: ${describe(failure)}`, options);
}
