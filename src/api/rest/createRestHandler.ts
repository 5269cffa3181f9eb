import { randomUUID } from 'node:crypto';
import type { AccessQueries } from '../AccessQueries.ts';
import type { Authenticate, Caller, RequestOrigin } from '../auth/Caller.ts';
import { QueryError, type QueryErrorCode } from '../QueryError.ts';
import { matchEndpoint, NOT_YET, FORMAT_PARAMETER, TOP_PARAMETER } from './endpoints.ts';
import { CONTENT_TYPES, negotiateFormat, NotAcceptableError, type Format } from './negotiate.ts';
import { ParameterError, readParameters } from './parameters.ts';
import { openApiDocument } from './openApiDocument.ts';
import type { ReportReader } from './endpoints.ts';
import type { ChatView } from './render/ChatView.ts';
import { renderMarkdown } from './render/renderMarkdown.ts';
import { renderSlack } from './render/renderSlack.ts';
import { renderTeams } from './render/renderTeams.ts';

export const REST_PREFIX = '/api/v1';
export const REQUEST_ID_HEADER = 'x-request-id';

export interface RestHandlerOptions {
  readonly queries: AccessQueries;
  readonly authenticate: Authenticate;
  /** One line per request and every unexpected error, each with its request id. */
  readonly log?: (line: string) => void;
  /** The URL callers reach this API at (links to full answers); default: the request's own origin. */
  readonly publicUrl?: string;
  /** Stored compliance reports for GET /report (absent: that endpoint answers 503 saying so). */
  readonly reports?: ReportReader;
}

/** What only the host knows about a request: its peer address (local mode) and its own id (the Functions invocation id). */
export interface RestRequestContext extends RequestOrigin {
  readonly requestId?: string;
}

/** A fetch-style handler: Azure Functions and the local node:http host both call it with a standard Request. */
export type RestHandler = (request: Request, context?: RestRequestContext) => Promise<Response>;

const STATUS: Readonly<Record<QueryErrorCode, number>> = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  UNKNOWN_CLUSTER: 404,
  UNKNOWN_PRINCIPAL: 404,
  NOT_INDEXED: 503,
};

/** Could not decide (an identity provider unreachable), as opposed to denied: kubeguard's 5xx-vs-4xx. */
class CouldNotAuthenticate extends Error {}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The REST API for chat bots under /api/v1: GET endpoints answering from the index, JSON by default or a
 * chat message (Markdown, Slack Block Kit, Teams Adaptive Card) on request, every response with a request id,
 * every failure with a code and a message that says what to change.
 */
export function createRestHandler(options: RestHandlerOptions): RestHandler {
  const log = options.log ?? (() => undefined);

  return async (request, context = {}) => {
    const started = performance.now();
    const incoming = request.headers.get(REQUEST_ID_HEADER);
    const requestId = incoming !== null && SAFE_REQUEST_ID.test(incoming) ? incoming : (context.requestId ?? randomUUID());
    const url = new URL(request.url);
    let format: Format = 'json';
    let caller: Caller | undefined;
    let response: Response;
    try {
      response = await answer();
    } catch (error) {
      response = failure(error, format, requestId, url);
      if (response.status >= 500 && !(error instanceof QueryError)) log(`${requestId} error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    response.headers.set('X-Request-Id', requestId);
    response.headers.set('Cache-Control', 'no-store');
    response.headers.set('X-Content-Type-Options', 'nosniff');
    log(`${requestId} ${request.method} ${url.pathname}${url.search} → ${response.status} (${Math.round(performance.now() - started)} ms${caller === undefined ? '' : `, ${caller.via} ${caller.id}`})`);
    return request.method === 'HEAD' ? new Response(null, { status: response.status, headers: response.headers }) : response;

    async function answer(): Promise<Response> {
      if (!url.pathname.startsWith(REST_PREFIX)) return notFound(`${url.pathname} is not under ${REST_PREFIX}`);
      const path = url.pathname.slice(REST_PREFIX.length) || '/';
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return json({ error: { code: 'METHOD_NOT_ALLOWED', message: `${request.method} is not served: every endpoint of this API is GET` }, requestId }, 405, { Allow: 'GET, HEAD' });
      }
      // The description of the API holds no tenant data: served to anyone, so clients can be generated from it.
      if (path === '/openapi.json') return json(openApiDocument(publicOrigin(url)), 200);
      const matched = matchEndpoint(path);
      if (matched === undefined) {
        const later = NOT_YET.find(([pattern]) => pattern.test(path));
        return notFound(later?.[1] ?? `no endpoint ${REST_PREFIX}${path}; the endpoints are listed in ${REST_PREFIX}/openapi.json`);
      }
      try {
        caller = await options.authenticate(request, context.remoteAddress === undefined ? {} : { remoteAddress: context.remoteAddress });
      } catch (error) {
        if (error instanceof QueryError) throw error;
        throw new CouldNotAuthenticate(error instanceof Error ? error.message : String(error));
      }
      const { endpoint } = matched;
      const documents = endpoint.documentFormats;
      if (documents !== undefined) {
        // A document in formats of its own (the report: csv, md, html): no chat rendering, errors stay JSON.
        const own = readParameters(url.searchParams, [...endpoint.parameters, documents.parameter]);
        const result = await endpoint.run({ params: own, path: matched.params, queries: options.queries, caller, ...(options.reports === undefined ? {} : { reports: options.reports }) });
        const document = documents.render(result.json, own.text('format') ?? 'json');
        return new Response(document.body, { status: 200, headers: { ...document.headers, 'Content-Type': document.contentType } });
      }
      const params = readParameters(url.searchParams, [...endpoint.parameters, FORMAT_PARAMETER, TOP_PARAMETER]);
      try {
        format = negotiateFormat(params.text('format'), request.headers.get('accept'));
      } catch (error) {
        if (error instanceof NotAcceptableError) return json({ error: { code: 'NOT_ACCEPTABLE', message: error.message }, requestId }, 406);
        throw error;
      }
      const result = await endpoint.run({ params, path: matched.params, queries: options.queries, caller });
      if (format === 'json') return json(result.json, 200);
      const view = result.chat({ top: params.integer('top', 10), link: fullAnswerUrl(url), nameOf: options.queries.displayName });
      return chat(view, format, 200);
    }

    function publicOrigin(from: URL): string {
      return (options.publicUrl ?? from.origin).replace(/\/+$/, '');
    }

    function fullAnswerUrl(from: URL): string {
      const link = new URL(`${publicOrigin(from)}${from.pathname}`);
      for (const [k, v] of from.searchParams) if (k !== 'format' && k !== 'top') link.searchParams.append(k, v);
      return link.toString();
    }

    function notFound(message: string): Response {
      return json({ error: { code: 'NOT_FOUND', message }, requestId }, 404);
    }

    function failure(error: unknown, chosen: Format, id: string, from: URL): Response {
      if (error instanceof CouldNotAuthenticate) {
        return json({ error: { code: 'AUTHENTICATION_UNAVAILABLE', message: `the caller's identity could not be verified right now (${error.message}); try again` }, requestId: id }, 503, { 'Retry-After': '30' });
      }
      if (!(error instanceof QueryError)) {
        return json({ error: { code: 'INTERNAL', message: `internal error; quote request id ${id} when reporting it` }, requestId: id }, 500);
      }
      const status = STATUS[error.code];
      const body = {
        error: {
          code: error.code,
          message: error.message,
          ...(error instanceof ParameterError ? { parameter: error.parameter, ...(error.expected === undefined ? {} : { expected: error.expected }) } : {}),
          ...(error.code === 'UNKNOWN_CLUSTER' ? { parameter: 'cluster' } : {}),
        },
        requestId: id,
      };
      const headers: Record<string, string> = {};
      if (error.code === 'UNAUTHENTICATED') headers['WWW-Authenticate'] = 'Bearer';
      if (error.code === 'NOT_INDEXED') headers['Retry-After'] = '30';
      // A chat client shows the error where it asked; auth failures stay JSON (no chat surface should render them as content).
      if (chosen === 'json' || status === 401 || status === 403) return json(body, status, headers);
      const facts: [string, string][] = error instanceof ParameterError ? [['parameter', error.parameter], ...(error.expected === undefined ? [] : [['expected', error.expected] as [string, string]])] : [];
      const view: ChatView = {
        title: `${status} ${error.code}`,
        summary: error.message,
        sections: facts.length === 0 ? [] : [{ heading: 'What to change', facts, items: [], more: 0 }],
        notes: [`request id ${id}`],
        link: { label: 'API description (OpenAPI)', url: `${publicOrigin(from)}${REST_PREFIX}/openapi.json` },
      };
      return chat(view, chosen, status, headers);
    }
  };
}

function json(body: unknown, status: number, headers: Record<string, string> = {}): Response {
  return new Response(`${JSON.stringify(body, null, 2)}\n`, { status, headers: { 'Content-Type': CONTENT_TYPES.json, ...headers } });
}

function chat(view: ChatView, format: Exclude<Format, 'json'>, status: number, headers: Record<string, string> = {}): Response {
  const body = format === 'markdown' ? renderMarkdown(view) : `${JSON.stringify(format === 'slack' ? renderSlack(view) : renderTeams(view), null, 2)}\n`;
  return new Response(body, { status, headers: { 'Content-Type': CONTENT_TYPES[format], ...headers } });
}
