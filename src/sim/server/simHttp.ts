import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ActiveFault, FaultRegistry, SimService } from './faults.ts';
import type { RequestLog } from './requestLog.ts';
import type { SimCertificate } from './simCertificate.ts';

export interface SimRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
  /** A content fault for the router to apply (`410` on a continue token, `malformed` objects). */
  readonly fault?: ActiveFault;
}

export interface SimResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One simulated service: answers requests and shapes its own error bodies. */
export interface SimRouter {
  readonly service: SimService;
  handle(req: SimRequest): SimResponse | Promise<SimResponse>;
  /**
   * The service's error envelope (ARM `{error:{code,message}}`, Graph's, Kubernetes `Status`). `request` is
   * the request being failed, for envelopes that name what was asked (Kubernetes' "pods is forbidden: …").
   */
  errorBody(status: number, code: string, message: string, request?: SimRequestLine): unknown;
}

/** What an error envelope may quote about the request it answers. */
export interface SimRequestLine {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingMessage['headers'];
}

export interface SimListener {
  readonly baseUrl: string;
  close(): Promise<void>;
}

const STATUS_CODES: Record<string, string> = {
  '401': 'Unauthorized',
  '403': 'AuthorizationFailed',
  '429': 'TooManyRequests',
  '500': 'InternalServerError',
  '503': 'ServiceUnavailable',
};

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function send(res: ServerResponse, response: SimResponse): void {
  const body = response.body === undefined ? '' : JSON.stringify(response.body);
  res.writeHead(response.status, { 'content-type': 'application/json; charset=utf-8', ...response.headers });
  res.end(body);
}

/**
 * Serves one router over HTTPS on 127.0.0.1 (an ephemeral port): logs every request, applies injected
 * status-code faults and timeouts before the router sees the request, and hands content faults to it.
 */
export async function listen(router: SimRouter, certificate: SimCertificate, faults: FaultRegistry, log: RequestLog): Promise<SimListener> {
  const server: Server = createServer({ key: certificate.key, cert: certificate.cert }, (req, res) => {
    void (async () => {
      // Concatenate rather than resolve: a path the Azure SDKs build from a scope with a leading slash starts
      // with `//` (`//subscriptions/…`), which `new URL(path, base)` would read as a host name.
      const url = new URL(`https://127.0.0.1${req.url ?? '/'}`);
      const method = req.method ?? 'GET';
      log.record({ service: router.service, method, url: `${url.pathname}${url.search}`, authorization: req.headers.authorization });
      const body = await readBody(req);
      const fault = faults.take(router.service, `${method} ${url.pathname}${url.search}`);
      if (fault !== undefined && fault.kind === 'timeout') {
        // Never answer: the client's own timeout decides. Destroy when the client gives up.
        req.socket.setTimeout(0);
        return;
      }
      if (fault !== undefined && fault.kind in STATUS_CODES) {
        const code = STATUS_CODES[fault.kind] ?? 'Error';
        const headers: Record<string, string> = fault.kind === '429' ? { 'retry-after': String(fault.retryAfterSeconds ?? 1) } : {};
        const body = router.errorBody(Number(fault.kind), code, `simulated ${fault.kind} (injected fault)`, { method, url, headers: req.headers });
        send(res, { status: Number(fault.kind), headers, body });
        return;
      }
      const response = await router.handle({ method, url, headers: req.headers, body, ...(fault === undefined ? {} : { fault }) });
      send(res, response);
    })().catch((error: unknown) => {
      send(res, { status: 500, body: router.errorBody(500, 'SimulatorError', error instanceof Error ? error.message : String(error)) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `https://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
