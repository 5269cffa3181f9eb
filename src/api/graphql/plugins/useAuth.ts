import type { Plugin } from 'graphql-yoga';
import type { Authenticate, Caller } from '../../auth/Caller.ts';
import { QueryError } from '../../QueryError.ts';
import type { ApiLog } from '../apiLog.ts';
import type { GraphqlServerContext } from '../GraphqlContext.ts';
import { requestState } from '../requestState.ts';

/** The code of a request refused because the caller could not be judged (the REST API uses the same). */
export const AUTHENTICATION_UNAVAILABLE = 'AUTHENTICATION_UNAVAILABLE';

function errorResponse(status: number, message: string, code: string, requestId: string | undefined, headers: Record<string, string> = {}): Response {
  const body = JSON.stringify({ errors: [{ message, extensions: { code, ...(requestId === undefined ? {} : { requestId }) } }] });
  return new Response(body, { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });
}

/**
 * Every request needs a Caller before anything else happens — before the query is even parsed, so an
 * unauthenticated client learns nothing about the schema. 401 (with `WWW-Authenticate: Bearer`) without a valid
 * identity, 403 without an app role of this API, 503 when the caller could not be judged. Finer role checks
 * (Access.Admin) are made by the fields that need them.
 */
export function useAuth(authenticate: Authenticate, log: ApiLog): Plugin<{ caller: Caller }, GraphqlServerContext> {
  const callers = new WeakMap<Request, Caller>();
  return {
    async onRequest(payload) {
      const { request, serverContext } = payload;
      // CORS preflights carry no credentials by design; they answer nothing.
      if (request.method === 'OPTIONS') return;
      const state = requestState(request);
      const remoteAddress = serverContext.remoteAddress ?? serverContext.req?.socket?.remoteAddress;
      try {
        const caller = await authenticate(request, remoteAddress === undefined ? {} : { remoteAddress });
        callers.set(request, caller);
        if (state !== undefined) state.caller = caller;
      } catch (error) {
        const requestId = state?.requestId;
        if (error instanceof QueryError && (error.code === 'UNAUTHENTICATED' || error.code === 'FORBIDDEN')) {
          state?.errorCodes.push(error.code);
          const unauthenticated = error.code === 'UNAUTHENTICATED';
          payload.endResponse(errorResponse(unauthenticated ? 401 : 403, error.message, error.code, requestId, unauthenticated ? { 'www-authenticate': 'Bearer' } : {}));
          return;
        }
        // Could not decide (the signing keys are out of reach): 503 like REST, never a 401 that blames the caller.
        state?.errorCodes.push(AUTHENTICATION_UNAVAILABLE);
        log({ level: 'error', message: 'could not authenticate the caller', requestId: requestId ?? '', error });
        const why = error instanceof Error ? ` (${error.message})` : '';
        payload.endResponse(errorResponse(503, `the caller's identity could not be verified right now${why}; try again`, AUTHENTICATION_UNAVAILABLE, requestId, { 'retry-after': '30' }));
      }
    },
    onContextBuilding({ context, extendContext }) {
      const caller = callers.get(context.request);
      // Unreachable through onRequest; kept so no path ever executes without a caller.
      if (caller === undefined) throw new QueryError('UNAUTHENTICATED', 'no identity');
      extendContext({ caller });
    },
  };
}
