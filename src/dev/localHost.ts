import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RestHandler } from '../api/rest/createRestHandler.ts';
import { REST_PREFIX } from '../api/rest/createRestHandler.ts';

/** Anything that answers a fetch Request (the yoga instance's `fetch`, the REST handler). */
export type FetchHandler = (request: Request, context: { remoteAddress?: string }) => Promise<Response> | Response;

export interface LocalHostOptions {
  /** 0: any free port. */
  readonly port: number;
  readonly rest: RestHandler;
  readonly graphql: FetchHandler;
  /** What /api/health says: 200 once the first sync has finished, 503 before. */
  readonly health: () => { readonly ready: boolean; readonly [key: string]: unknown };
  readonly log?: (line: string) => void;
}

export interface LocalHost {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export const GRAPHQL_PATH = '/api/graphql';
export const HEALTH_PATH = '/api/health';
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * `npm start`'s HTTP server: the same GraphQL and REST handlers the Functions serve, on node:http. Local mode
 * answers without a token, so the server listens on 127.0.0.1 only (Authenticate checks the peer is loopback
 * too) and answers only requests whose Host is this machine by name — a web page cannot reach it through DNS
 * rebinding. No CORS headers: browsers on other origins cannot read its answers.
 */
export async function startLocalHost(options: LocalHostOptions): Promise<LocalHost> {
  const log = options.log ?? (() => undefined);
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`local host: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error\n');
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = req.headers.host ?? '';
    if (!isLocalHostHeader(host)) {
      await send(res, json({ error: { code: 'MISDIRECTED', message: `this local API answers requests for localhost or 127.0.0.1 only, not "${host}"` } }, 421));
      return;
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const remoteAddress = req.socket.remoteAddress;
    if (path === HEALTH_PATH) {
      const health = options.health();
      await send(res, json(health, health.ready ? 200 : 503));
      return;
    }
    const handler: FetchHandler | undefined = path === GRAPHQL_PATH || path.startsWith(`${GRAPHQL_PATH}/`) ? options.graphql : path === REST_PREFIX || path.startsWith(`${REST_PREFIX}/`) ? options.rest : undefined;
    if (handler === undefined) {
      await send(res, json({ error: { code: 'NOT_FOUND', message: `no endpoint ${path}: GraphQL at ${GRAPHQL_PATH}, REST under ${REST_PREFIX} (${REST_PREFIX}/openapi.json), readiness at ${HEALTH_PATH}` } }, 404));
      return;
    }
    const request = await toRequest(req, host);
    if (request instanceof Response) {
      await send(res, request);
      return;
    }
    await send(res, await handler(request, remoteAddress === undefined ? {} : { remoteAddress }));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => {
          if (error === undefined) resolve();
          else reject(error);
        });
      }),
  };
}

/** `localhost`, `127.x.y.z` or `[::1]`, with or without a port. */
export function isLocalHostHeader(host: string): boolean {
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return name === 'localhost' || name === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

async function toRequest(req: IncomingMessage, host: string): Promise<Request | Response> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const method = req.method ?? 'GET';
  let body: string | undefined;
  if (method !== 'GET' && method !== 'HEAD') {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return json({ error: { code: 'PAYLOAD_TOO_LARGE', message: `request bodies are limited to ${MAX_BODY_BYTES} bytes` } }, 413);
      chunks.push(chunk);
    }
    // Every body this API takes is JSON (GraphQL POST).
    body = Buffer.concat(chunks).toString('utf8');
  }
  return new Request(`http://${host}${req.url ?? '/'}`, { method, headers, ...(body === undefined ? {} : { body }) });
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  res.writeHead(response.status, headers);
  res.end(Buffer.from(await response.arrayBuffer()));
}

function json(body: unknown, status: number): Response {
  return new Response(`${JSON.stringify(body, null, 2)}\n`, { status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } });
}
