import type { Caller } from '../auth/Caller.ts';

/** What the plugins learn about one HTTP request, shared between them (keyed by the Request object). */
export interface RequestState {
  readonly requestId: string;
  readonly startedAt: number;
  caller?: Caller;
  /** extensions.code of every error answered, for the request's log line. */
  readonly errorCodes: string[];
}

const states = new WeakMap<Request, RequestState>();

export function beginRequest(request: Request, requestId: string, startedAt: number): RequestState {
  const state: RequestState = { requestId, startedAt, errorCodes: [] };
  states.set(request, state);
  return state;
}

export function requestState(request: Request): RequestState | undefined {
  return states.get(request);
}
