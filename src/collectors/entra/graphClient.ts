import type { TokenCredential } from '@azure/identity';
import { Agent, fetch } from 'undici';
import { ManifestError } from '../../manifests/ManifestError.ts';
import { isObject, type Json } from '../../normalize/jsonFields.ts';
import { HttpStatusError, parseRetryAfter } from '../httpFailure.ts';

/**
 * A small Microsoft Graph REST client: one GET per page, a token from a TokenCredential, the service's error
 * envelope turned into HttpStatusError (status, code, Retry-After, request id). Retrying is the caller's.
 */
export interface GraphClientSettings {
  /** Default https://graph.microsoft.com. */
  readonly baseUrl?: string;
  /** Token scope. Default https://graph.microsoft.com/.default (whatever the base URL). */
  readonly scope?: string;
  /** PEM certificate(s) to trust instead of the platform's CAs (the simulated tenant's). Never "verify off". */
  readonly ca?: string;
  /** Per-request timeout. Default 30 s. */
  readonly requestTimeoutMs?: number;
}

export interface GraphPage {
  readonly value: readonly Json[];
  /** Absolute URL of the next page (`@odata.nextLink`), on the client's own origin. */
  readonly nextLink?: string;
}

export const PUBLIC_GRAPH_ENDPOINT = 'https://graph.microsoft.com';

export class GraphClient {
  private readonly credential: TokenCredential;
  private readonly origin: string;
  private readonly scope: string;
  private readonly timeoutMs: number;
  private readonly agent: Agent | undefined;

  constructor(credential: TokenCredential, settings: GraphClientSettings = {}) {
    this.credential = credential;
    this.origin = new URL(settings.baseUrl ?? PUBLIC_GRAPH_ENDPOINT).origin;
    this.scope = settings.scope ?? `${PUBLIC_GRAPH_ENDPOINT}/.default`;
    this.timeoutMs = settings.requestTimeoutMs ?? 30_000;
    this.agent = settings.ca === undefined ? undefined : new Agent({ connect: { ca: settings.ca } });
  }

  /** `path` relative to the base URL (`/v1.0/users?$top=999`) or a next link from a previous page. */
  async getPage(pathOrLink: string): Promise<GraphPage> {
    const url = new URL(pathOrLink, this.origin);
    // The token goes only to the Graph endpoint we were configured with, wherever a next link points.
    if (url.origin !== this.origin) throw new ManifestError(`Microsoft Graph returned a next link to another host (${url.origin}); refusing to send the token there`);
    const token = await this.credential.getToken(this.scope);
    if (token === null) throw new HttpStatusError(401, `no token for ${this.scope}`, { code: 'NoToken' });
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${token.token}`, accept: 'application/json' },
      signal: AbortSignal.timeout(this.timeoutMs),
      ...(this.agent === undefined ? {} : { dispatcher: this.agent }),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      const error = isObject(body) && isObject(body.error) ? body.error : {};
      const inner = isObject(error.innerError) ? error.innerError : {};
      const requestId = typeof inner['request-id'] === 'string' ? inner['request-id'] : (response.headers.get('request-id') ?? undefined);
      const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
      throw new HttpStatusError(response.status, typeof error.message === 'string' ? error.message : `${response.status} ${response.statusText}`, {
        ...(typeof error.code === 'string' ? { code: error.code } : {}),
        ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }),
        ...(requestId === undefined ? {} : { requestId }),
      });
    }
    if (!isObject(body) || !Array.isArray(body.value)) throw new ManifestError(`GET ${url.pathname}: the response is not a Microsoft Graph collection (no "value" list)`);
    const nextLink = body['@odata.nextLink'];
    if (nextLink !== undefined && nextLink !== null && typeof nextLink !== 'string') throw new ManifestError(`GET ${url.pathname}: @odata.nextLink must be a string`);
    const value = body.value.map((item: unknown, i) => {
      if (!isObject(item)) throw new ManifestError(`GET ${url.pathname}: value[${i}] is not an object`);
      return item;
    });
    return { value, ...(typeof nextLink === 'string' ? { nextLink } : {}) };
  }

  async close(): Promise<void> {
    await this.agent?.close();
  }
}
