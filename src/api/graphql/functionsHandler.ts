import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { REQUEST_ID_HEADER } from './plugins/useRequestId.ts';

/** What the handler needs of the yoga instance: its fetch entry point. */
export interface FetchServer {
  fetch(input: string, init: RequestInit, serverContext: Record<string, never>): Response | Promise<Response>;
}

/**
 * The Functions HTTP trigger → yoga: the request as a fetch Request, the response back as HttpResponseInit.
 * No remote address is passed: behind the Functions front end it is not the caller's, so local mode never
 * applies here. A request without an id gets the invocation id, which ties the API's log lines to the host's.
 */
export function functionsHandler(server: () => FetchServer): (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit> {
  return async (request, context) => {
    const headers = new Headers(request.headers);
    if (!headers.has(REQUEST_ID_HEADER)) headers.set(REQUEST_ID_HEADER, context.invocationId);
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer();
    const response = await server().fetch(request.url, { method: request.method, headers, ...(body === undefined ? {} : { body }) }, {});
    return { status: response.status, headers: Object.fromEntries(response.headers), body: new Uint8Array(await response.arrayBuffer()) };
  };
}
