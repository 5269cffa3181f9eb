import { randomUUID } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import type { ApiLog } from '../apiLog.ts';
import { beginRequest, requestState } from '../requestState.ts';

export const REQUEST_ID_HEADER = 'x-request-id';

/** What a caller may pass as its own request id (anything else is replaced, never echoed). */
const ACCEPTED = /^[A-Za-z0-9._:-]{1,128}$/;

export interface RequestIdOptions {
  readonly log: ApiLog;
  readonly newId?: () => string;
  readonly now?: () => number;
}

/**
 * A request id for every request: the caller's `x-request-id` when it is a plain token, else a new UUID. It is
 * echoed in the response header, put in the context (resolvers, error extensions) and on the request's log line.
 */
export function useRequestId(options: RequestIdOptions): Plugin<{ requestId: string }> {
  const newId = options.newId ?? randomUUID;
  const now = options.now ?? Date.now;
  return {
    onRequest({ request }) {
      const incoming = request.headers.get(REQUEST_ID_HEADER);
      beginRequest(request, incoming !== null && ACCEPTED.test(incoming) ? incoming : newId(), now());
    },
    onContextBuilding({ context, extendContext }) {
      const state = requestState(context.request);
      if (state !== undefined) extendContext({ requestId: state.requestId });
    },
    onResponse({ request, response }) {
      const state = requestState(request);
      if (state === undefined) return;
      response.headers.set(REQUEST_ID_HEADER, state.requestId);
      const url = new URL(request.url);
      options.log({
        level: response.status >= 500 ? 'error' : response.status >= 400 ? 'warn' : 'info',
        message: `${request.method} ${url.pathname} ${response.status}`,
        requestId: state.requestId,
        status: response.status,
        durationMs: now() - state.startedAt,
        ...(state.caller === undefined ? {} : { caller: state.caller.id, via: state.caller.via }),
        ...(state.errorCodes.length === 0 ? {} : { errors: state.errorCodes }),
      });
    },
  };
}
