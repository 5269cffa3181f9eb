import {
  ApiException,
  CoreV1Api,
  KubeConfig,
  Observable,
  RbacAuthorizationV1Api,
  ResponseContext,
  type ConfigurationOptions,
  type ObservableMiddleware,
  type RequestContext,
  type User,
} from '@kubernetes/client-node';
import type { OutgoingHttpHeaders } from 'node:http';
import { CollectorError } from '../CollectorError.ts';
import { DEFAULT_RETRY, withRetry, type RetryDecision, type RetryPolicy } from '../withRetry.ts';
import { K8S_LISTS, type K8sListName, type K8sListSpec } from './permissions.ts';
import type { RawK8sLists } from './transform.ts';

/** Returns a bearer token for the cluster's API server; called per request, so it should cache (as @azure/identity does). */
export type BearerTokenProvider = () => Promise<string>;

/**
 * The Entra scope of the AKS AAD server application: the audience every AKS cluster with Entra integration
 * accepts (what kubelogin asks for with `--server-id`).
 */
export const AKS_ENTRA_SCOPE = '6dae42f8-4368-4678-94ff-3960e28e3630/.default';

/** One cluster to read. */
export interface K8sClusterScope {
  /** The cluster's ARM id (or, run locally, any name): names the unit in errors. */
  readonly clusterId: string;
  /**
   * A kubeconfig: the cluster's user kubeconfig from ARM listClusterUserCredential (its server URL and
   * certificate-authority-data), or a local one.
   */
  readonly kubeconfig: string;
  /** The kubeconfig context to use; default its current-context. */
  readonly context?: string;
  /**
   * Replaces the kubeconfig user's credential (kubelogin exec, client certificate, …) with a bearer token:
   * an Entra token for AKS_ENTRA_SCOPE in production. Without it the kubeconfig's own user is used.
   */
  readonly bearerToken?: BearerTokenProvider;
}

export interface K8sFetchOptions {
  /** `limit` for each list call; default 500 (kubectl's chunk size). */
  readonly pageSize?: number;
  /** Per request; default 30 s. */
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
}

export function unitName(scope: Pick<K8sClusterScope, 'clusterId'>): string {
  return `k8s-rbac cluster:${scope.clusterId}`;
}

/** The token provider failed: nothing reached the cluster. */
class TokenAcquisitionError extends Error {
  override readonly name = 'TokenAcquisitionError';
}

const BEARER_PROVIDER = 'aks-access-bearer-token';

/** The client's authenticator contract (not exported by name from the package). */
type Authenticator = Parameters<KubeConfig['addAuthenticator']>[0];

/** A kubeconfig auth provider that sets `Authorization: Bearer <token>` from the provider on every request. */
function bearerAuthenticator(provider: BearerTokenProvider): Authenticator {
  return {
    isAuthProvider: (user: User) => (user.authProvider as { name?: unknown } | undefined)?.name === BEARER_PROVIDER,
    applyAuthentication: async (_user: User, opts: { headers?: OutgoingHttpHeaders }) => {
      let token: string;
      try {
        token = await provider();
      } catch (error) {
        throw new TokenAcquisitionError(`could not get a bearer token for the API server: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      opts.headers = { ...opts.headers, Authorization: `Bearer ${token}` };
    },
  };
}

/**
 * The kubeconfig the clients use: the given one's cluster (server, certificate-authority-data: the CA is
 * trusted through it, never by turning verification off), and either its own user or the bearer token.
 */
export function kubeConfigFor(scope: K8sClusterScope): KubeConfig {
  const unit = unitName(scope);
  const kc = new KubeConfig();
  try {
    kc.loadFromString(scope.kubeconfig);
    if (scope.context !== undefined) kc.setCurrentContext(scope.context);
  } catch (error) {
    throw new CollectorError('invalid', unit, `the kubeconfig cannot be read: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new CollectorError('invalid', unit, `the kubeconfig has no cluster for context "${kc.getCurrentContext()}"`);
  if (cluster.skipTLSVerify) {
    throw new CollectorError('invalid', unit, `the kubeconfig's cluster "${cluster.name}" turns TLS verification off (insecure-skip-tls-verify); the indexer sends credentials only to a verified API server`);
  }
  if (scope.bearerToken !== undefined) {
    const user = { name: 'aks-access', authProvider: { name: BEARER_PROVIDER, config: {} } };
    const context = { name: 'aks-access', cluster: cluster.name, user: user.name };
    kc.loadFromOptions({ clusters: [cluster], users: [user], contexts: [context], currentContext: context.name });
    kc.addAuthenticator(bearerAuthenticator(scope.bearerToken));
  }
  return kc;
}

// --- one page

interface Page {
  readonly items: readonly unknown[];
  readonly continue: string;
}

type ListCall = (params: { limit: number; _continue?: string }, options: ConfigurationOptions) => Promise<unknown>;

/**
 * Call options that bound the request by a timeout and keep the exact response text. The transform reads the
 * JSON the server sent rather than what the generated deserializer made of it: the deserializer turns a
 * malformed field into something else or throws an error that names no object.
 */
function captureOptions(timeoutMs: number): { options: ConfigurationOptions; captured: () => string | undefined } {
  let text: string | undefined;
  const middleware: ObservableMiddleware = {
    pre: (context: RequestContext) => {
      context.setSignal(AbortSignal.timeout(timeoutMs));
      return new Observable(Promise.resolve(context));
    },
    post: (response: ResponseContext) =>
      new Observable(
        response.body.text().then((body) => {
          text = body;
          const replay = { text: () => Promise.resolve(body), binary: () => Promise.resolve(Buffer.from(body)), stream: () => null };
          return new ResponseContext(response.httpStatusCode, response.headers, replay);
        }),
      ),
  };
  return { options: { middleware: [middleware], middlewareMergeStrategy: 'append' }, captured: () => text };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function fetchPage(spec: K8sListSpec, call: ListCall, limit: number, token: string | undefined, timeoutMs: number, unit: string): Promise<Page> {
  const { options, captured } = captureOptions(timeoutMs);
  try {
    await call(token === undefined ? { limit } : { limit, _continue: token }, options);
  } catch (error) {
    // A 2xx whose body the generated deserializer chokes on is still the server's answer: read it ourselves.
    if (error instanceof ApiException || captured() === undefined) throw error;
  }
  const text = captured() ?? '';
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new CollectorError('invalid', unit, `GET ${spec.path}: the API server's answer is not JSON: ${text.slice(0, 120)}`);
  }
  if (!isObject(body) || !Array.isArray(body.items)) throw new CollectorError('invalid', unit, `GET ${spec.path}: the API server's answer is not a ${spec.kind}List (no items list)`);
  const metadata = isObject(body.metadata) ? body.metadata : {};
  const next = metadata.continue;
  if (next !== undefined && next !== null && typeof next !== 'string') throw new CollectorError('invalid', unit, `GET ${spec.path}: metadata.continue is not a string`);
  return { items: body.items as unknown[], continue: next ?? '' };
}

// --- classification

const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
]);

function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

function statusBody(error: ApiException<unknown>): Record<string, unknown> | undefined {
  const body = error.body;
  if (isObject(body)) return body;
  if (typeof body !== 'string') return undefined;
  try {
    const parsed = JSON.parse(body) as unknown;
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Retry-After (seconds or an HTTP date), else the Status' details.retryAfterSeconds. */
function retryAfterSeconds(error: ApiException<unknown>): number | undefined {
  const header = Object.entries(error.headers).find(([k]) => k.toLowerCase() === 'retry-after')?.[1];
  if (header !== undefined) {
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds;
    const date = Date.parse(header);
    if (Number.isFinite(date)) return Math.max(0, (date - Date.now()) / 1000);
  }
  const details = statusBody(error)?.details;
  const fromBody = isObject(details) ? details.retryAfterSeconds : undefined;
  return typeof fromBody === 'number' ? fromBody : undefined;
}

function isRetryable(error: unknown): RetryDecision {
  if (error instanceof ApiException) {
    if (!TRANSIENT_STATUS.has(error.code)) return { retry: false };
    const after = retryAfterSeconds(error);
    return after === undefined ? { retry: true } : { retry: true, retryAfterSeconds: after };
  }
  if (error instanceof CollectorError || error instanceof TokenAcquisitionError) return { retry: false };
  if (isTimeout(error)) return { retry: true };
  const code = errorCode(error);
  return { retry: code !== undefined && !TLS_CODES.has(code) };
}

function isExpired(error: unknown): boolean {
  return error instanceof ApiException && error.code === 410;
}

function describeList(spec: K8sListSpec): string {
  const qualified = spec.group === '' ? spec.resource : `${spec.resource}.${spec.group}`;
  return `list ${qualified} (GET ${spec.path})`;
}

/** Turns whatever a list call threw into a CollectorError a platform engineer can act on. */
function classify(error: unknown, spec: K8sListSpec, unit: string, attempts: number, timeoutMs: number, relisted: boolean): CollectorError {
  if (error instanceof CollectorError) return error;
  const what = describeList(spec);
  const grant = `grant the indexer's identity "${spec.permission}" — with Azure RBAC for Kubernetes the data action ${spec.dataAction} on the cluster, otherwise a ClusterRole with that rule bound to it`;
  if (error instanceof TokenAcquisitionError) return new CollectorError('denied', unit, `${what}: ${error.message}`, { cause: error });
  if (error instanceof ApiException) {
    const status = error.code;
    const message = statusBody(error)?.message;
    const said = typeof message === 'string' ? ` The API server said: ${message}` : '';
    if (status === 401) {
      return new CollectorError(
        'denied',
        unit,
        `${what}: 401 Unauthorized — the API server rejected the credential (for AKS with Entra integration: an Entra token for ${AKS_ENTRA_SCOPE}, not expired, of an identity the tenant knows); then ${grant}.${said}`,
        { permission: spec.permission, status, cause: error },
      );
    }
    if (status === 403) return new CollectorError('denied', unit, `${what}: 403 Forbidden — ${grant}.${said}`, { permission: spec.permission, status, cause: error });
    if (status === 410) {
      const why = relisted ? 'the continue token expired again after a fresh relist' : 'the list expired before it could be read';
      return new CollectorError('transient', unit, `${what}: ${why} (410 Expired); the list changes faster than it can be paged — try again.${said}`, { status, cause: error });
    }
    if (TRANSIENT_STATUS.has(status)) {
      const after = retryAfterSeconds(error);
      return new CollectorError('transient', unit, `${what}: ${status} after ${attempts} attempt(s)${after === undefined ? '' : ` (last Retry-After ${after}s)`}; try again later.${said}`, { status, cause: error });
    }
    if (status === 404) return new CollectorError('invalid', unit, `${what}: 404 Not Found — is the kubeconfig's server URL this cluster's API server?${said}`, { status, cause: error });
    return new CollectorError('invalid', unit, `${what}: unexpected ${status}.${said}`, { status, cause: error });
  }
  if (isTimeout(error)) return new CollectorError('transient', unit, `${what}: no answer within ${timeoutMs} ms, ${attempts} attempt(s); try again later`, { cause: error });
  const code = errorCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  if (code !== undefined && TLS_CODES.has(code)) {
    return new CollectorError('invalid', unit, `${what}: the API server's certificate is not trusted (${code}); the kubeconfig's certificate-authority-data must hold the cluster CA`, { cause: error });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new CollectorError('transient', unit, `${what}: cannot resolve the API server's host (${code}); a private cluster is reachable only from its network`, { cause: error });
  }
  return new CollectorError('transient', unit, `${what}: ${code ?? detail}, ${attempts} attempt(s); try again later`, { cause: error });
}

// --- full lists

/**
 * Every item of one list: `limit`/`continue` chunks to the end. A 410 Expired on a continue token restarts
 * the list from scratch, once (following the 410's own token would give an inconsistent list). Throttling,
 * server errors and timeouts are retried per page (honouring Retry-After); anything else, or running out of
 * retries, throws a CollectorError — never a partial list.
 */
async function listAll(spec: K8sListSpec, call: ListCall, unit: string, options: Required<K8sFetchOptions>): Promise<unknown[]> {
  for (let relists = 0; ; relists++) {
    const items: unknown[] = [];
    const seen = new Set<string>();
    let token: string | undefined;
    let attempts = 0;
    try {
      do {
        attempts = 0;
        const page = await withRetry(
          () => {
            attempts++;
            return fetchPage(spec, call, options.pageSize, token, options.timeoutMs, unit);
          },
          isRetryable,
          options.retry,
        );
        items.push(...page.items);
        if (page.continue !== '' && seen.has(page.continue)) throw new CollectorError('invalid', unit, `${describeList(spec)}: the API server returned the same continue token twice`);
        seen.add(page.continue);
        token = page.continue === '' ? undefined : page.continue;
      } while (token !== undefined);
      return items;
    } catch (error) {
      if (isExpired(error) && token !== undefined && relists === 0) continue;
      throw classify(error, spec, unit, attempts, options.timeoutMs, relists > 0);
    }
  }
}

/** Lists everything the indexer reads from one cluster (see permissions.ts), complete or not at all. */
export async function fetchK8s(scope: K8sClusterScope, options: K8sFetchOptions = {}): Promise<RawK8sLists> {
  const unit = unitName(scope);
  const kc = kubeConfigFor(scope);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const calls: Record<K8sListName, ListCall> = {
    clusterRoles: (p, o) => rbac.listClusterRole(p, o),
    clusterRoleBindings: (p, o) => rbac.listClusterRoleBinding(p, o),
    roles: (p, o) => rbac.listRoleForAllNamespaces(p, o),
    roleBindings: (p, o) => rbac.listRoleBindingForAllNamespaces(p, o),
    namespaces: (p, o) => core.listNamespace(p, o),
    serviceAccounts: (p, o) => core.listServiceAccountForAllNamespaces(p, o),
    pods: (p, o) => core.listPodForAllNamespaces(p, o),
    services: (p, o) => core.listServiceForAllNamespaces(p, o),
  };
  const resolved: Required<K8sFetchOptions> = { pageSize: options.pageSize ?? 500, timeoutMs: options.timeoutMs ?? 30_000, retry: options.retry ?? DEFAULT_RETRY };
  const lists: Partial<Record<K8sListName, unknown[]>> = {};
  for (const spec of K8S_LISTS) lists[spec.name] = await listAll(spec, calls[spec.name], unit, resolved);
  return lists as RawK8sLists;
}
