import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { isLoopback } from '../../api/auth/isLoopback.ts';

/** The API could not be reached, refused the call, or answered with an error: printed as it is, exit code 2. */
export class ApiCallError extends Error {
  override readonly name = 'ApiCallError';
}

/** Where the scope of the API's token comes from when --api-scope is not given. */
export const API_SCOPE_VARIABLE = 'AKS_ACCESS_API_SCOPE';

export interface ApiClientOptions {
  /** The running instance: `https://func-aks-access.azurewebsites.net` or `http://localhost:7071`. */
  readonly baseUrl: string;
  /** `api://<client id>/.default`: --api-scope, else AKS_ACCESS_API_SCOPE. */
  readonly scope?: string;
  readonly credential?: TokenCredential;
  readonly fetch?: typeof fetch;
}

function parseBase(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ApiCallError(`--api ${baseUrl}: not a URL (expected e.g. https://<app>.azurewebsites.net or http://localhost:7071)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ApiCallError(`--api ${baseUrl}: expected an http(s) URL`);
  return url;
}

/** localhost, 127.0.0.0/8 or [::1]: `npm start`'s local mode, which takes no token. */
export function isLoopbackUrl(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || isLoopback(host);
}

/**
 * GETs one REST endpoint of a running instance and returns its JSON. A loopback URL is called without a token
 * (local mode); anything else gets an Entra access token from DefaultAzureCredential (`az login`, environment,
 * managed identity) for the API's scope, and never over plain HTTP.
 */
export async function getApiJson(options: ApiClientOptions, path: string, query: readonly (readonly [string, string])[]): Promise<unknown> {
  const base = parseBase(options.baseUrl);
  const url = new URL(`${base.origin}${base.pathname.replace(/\/+$/, '')}/api/v1${path}`);
  for (const [name, value] of query) url.searchParams.append(name, value);
  url.searchParams.set('format', 'json');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (!isLoopbackUrl(base)) {
    if (base.protocol !== 'https:') throw new ApiCallError(`--api ${options.baseUrl}: a token is only sent over https (plain http is for a local instance on localhost)`);
    if (options.scope === undefined || options.scope === '') {
      throw new ApiCallError(`--api ${options.baseUrl} needs the API's token scope: --api-scope api://<API client id>/.default (or set ${API_SCOPE_VARIABLE})`);
    }
    const credential = options.credential ?? new DefaultAzureCredential();
    let token;
    try {
      token = await credential.getToken(options.scope);
    } catch (error) {
      throw new ApiCallError(`no Azure token for ${options.scope} (run 'az login'): ${error instanceof Error ? error.message : String(error)}`);
    }
    if (token === null) throw new ApiCallError(`no Azure token for ${options.scope} (run 'az login')`);
    headers.authorization = `Bearer ${token.token}`;
  }
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, { headers });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    throw new ApiCallError(`cannot reach ${base.origin}${cause} (is the instance running?)`);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiCallError(`${url.pathname} answered ${response.status} with something other than JSON: ${text.slice(0, 200)}`);
  }
  if (!response.ok) {
    const error = (body as { error?: { code?: unknown; message?: unknown; parameter?: unknown } }).error;
    const message = typeof error?.message === 'string' ? error.message : text.slice(0, 200);
    const id = response.headers.get('x-request-id');
    throw new ApiCallError(`the API answered ${response.status}${typeof error?.code === 'string' ? ` ${error.code}` : ''}: ${message}${id === null ? '' : ` (request id ${id})`}`);
  }
  return body;
}
