import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { DEV_ID, PROD_ID, asServed, k8sScenario } from '../../../test/helpers/k8sScenario.ts';
import type { K8sInventory } from '../../model/k8sInventory.ts';
import type { RbacObjects } from '../../model/k8sRbac.ts';
import type { TenantScenario } from '../../sim/scenario/TenantScenario.ts';
import { FaultRegistry, type FaultRule } from '../../sim/server/faults.ts';
import { createK8sRouter, k8sClusterPath, type K8sRouterOptions } from '../../sim/server/k8sRouter.ts';
import { RequestLog } from '../../sim/server/requestLog.ts';
import { createSimCertificate, type SimCertificate } from '../../sim/server/simCertificate.ts';
import { listen, type SimListener } from '../../sim/server/simHttp.ts';
import { CollectorError } from '../CollectorError.ts';
import type { RetryPolicy } from '../withRetry.ts';
import { collect, type K8sClusterScope } from './collect.ts';
import { K8S_LISTS, K8S_RBAC_PERMISSIONS } from './permissions.ts';

let certificate: SimCertificate;
let scenario: TenantScenario;
const open: SimListener[] = [];

beforeAll(async () => {
  [certificate, scenario] = await Promise.all([createSimCertificate(), k8sScenario()]);
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((l) => l.close()));
});

interface Sim {
  readonly baseUrl: string;
  readonly faults: FaultRegistry;
  readonly log: RequestLog;
}

async function serve(options: K8sRouterOptions = {}, faults: readonly Omit<FaultRule, 'service'>[] = []): Promise<Sim> {
  const registry = new FaultRegistry();
  for (const rule of faults) registry.add({ service: 'k8s', ...rule });
  const log = new RequestLog();
  const listener = await listen(createK8sRouter(scenario, options), certificate, registry, log);
  open.push(listener);
  return { baseUrl: listener.baseUrl, faults: registry, log };
}

/** The user kubeconfig AKS hands out for an Entra-integrated cluster: CA data, server, a kubelogin exec user. */
function userKubeconfig(sim: Sim, clusterId: string, options: { ca?: boolean; user?: Record<string, unknown> } = {}): string {
  const name = clusterId.split('/').at(-1) ?? '';
  const cluster: Record<string, unknown> = { server: `${sim.baseUrl}${k8sClusterPath(clusterId)}` };
  if (options.ca ?? true) cluster['certificate-authority-data'] = Buffer.from(certificate.ca).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster }],
    contexts: [{ name, context: { cluster: name, user: `clusterUser_rg_${name}` } }],
    'current-context': name,
    users: [
      {
        name: `clusterUser_rg_${name}`,
        user: options.user ?? {
          exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'kubelogin', args: ['get-token', '--server-id', '6dae42f8-4368-4678-94ff-3960e28e3630', '--login', 'devicecode'] },
        },
      },
    ],
  });
}

const TOKEN = 'entra-token-for-aks';

function scope(sim: Sim, clusterId = PROD_ID, extra: Partial<K8sClusterScope> = {}): K8sClusterScope {
  return { clusterId, kubeconfig: userKubeconfig(sim, clusterId), bearerToken: () => Promise.resolve(TOKEN), ...extra };
}

/** Instant retries that record the waits they were asked for. */
function retry(maxAttempts = 3): RetryPolicy & { waits: number[] } {
  const waits: number[] = [];
  return {
    maxAttempts,
    baseDelayMs: 100,
    maxDelayMs: 30_000,
    waits,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
  };
}

type K8sData = RbacObjects & K8sInventory;

function keyOf(o: { kind?: string; namespace?: string; name: string }): string {
  return `${o.kind ?? ''}|${o.namespace ?? ''}|${o.name}`;
}

function withoutSource<T extends { source: string }>(object: T): Omit<T, 'source'> {
  const copy: Partial<T> = { ...object };
  delete copy.source;
  return copy as Omit<T, 'source'>;
}

/** Order-independent, source-free view of what a cluster holds, for object-for-object comparison. */
function canonical(k8s: K8sData): Record<string, unknown[]> {
  const sorted = <T extends { kind?: string; namespace?: string; name: string }>(list: readonly T[]) => [...list].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  return {
    roles: sorted(k8s.roles).map(withoutSource),
    bindings: sorted(k8s.bindings).map(withoutSource),
    namespaces: sorted(k8s.namespaces),
    serviceAccounts: sorted(k8s.serviceAccounts),
    pods: sorted(k8s.pods),
  };
}

function prod(): K8sData {
  const cluster = scenario.clusters.find((c) => c.arm.id === PROD_ID);
  if (cluster === undefined) throw new Error('scenario has no prod cluster');
  return cluster.kubernetes;
}

async function failure(promise: Promise<unknown>): Promise<CollectorError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(CollectorError);
    return error as CollectorError;
  }
  throw new Error('expected the collector to fail');
}

function listRequests(sim: Sim, path: string): string[] {
  return sim.log.entries.map((e) => e.url).filter((url) => url.split('?')[0]?.endsWith(path));
}

describe('collect against the simulated API server (real @kubernetes/client-node over HTTPS)', () => {
  it('returns every object of the cluster, exactly as the API serves it (aggregated rules filled in)', async () => {
    const sim = await serve();
    const calls: number[] = [];
    const result = await collect(scope(sim, PROD_ID, { bearerToken: () => Promise.resolve(TOKEN).finally(() => calls.push(1)) }));
    expect(canonical(result)).toEqual(canonical(asServed(prod())));
    expect(result.roles.length).toBeGreaterThan(70);
    expect(result.warnings).toEqual([]);
    // Aggregated roles come back with rules, and a who-can engine reading them twice would find them once.
    expect(result.roles.find((r) => r.name === 'view')?.rules.length).toBeGreaterThan(0);
    // Sources point at the object in the API.
    expect(result.bindings.find((b) => b.name === 'frontend-configmaps')?.source).toBe('k8s://aks-prod/apis/rbac.authorization.k8s.io/v1/namespaces/frontend/rolebindings/frontend-configmaps');
    // Only the workload-identity annotations survive.
    expect(result.serviceAccounts.find((sa) => sa.name === 'ci')?.annotations).toEqual({
      'azure.workload.identity/client-id': '0f1e2d3c-4b5a-4697-8877-665544332211',
      'azure.workload.identity/tenant-id': 'aaaaaaaa-0000-0000-0000-000000000001',
    });
    // The kubelogin exec user was replaced: every request carried the provider's token, one token per request.
    expect(sim.log.entries.every((e) => e.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(calls).toHaveLength(sim.log.entries.length);
  });

  it("reads each cluster's own API", async () => {
    const sim = await serve();
    const result = await collect(scope(sim, DEV_ID));
    expect(result.roles.map((r) => r.name)).toEqual(['dev-only']);
    expect(result.bindings.map((b) => b.name)).toEqual(['dev-only']);
  });

  it('pages through many chunks (server page size 3) and through small limits (2) to the same result', async () => {
    const capped = await serve({ pageSize: 3 });
    const viaServer = await collect(scope(capped));
    expect(canonical(viaServer)).toEqual(canonical(asServed(prod())));
    const clusterRoles = listRequests(capped, '/apis/rbac.authorization.k8s.io/v1/clusterroles');
    expect(clusterRoles).toHaveLength(Math.ceil(viaServer.roles.filter((r) => r.kind === 'ClusterRole').length / 3));
    expect(clusterRoles.slice(1).every((url) => url.includes('continue='))).toBe(true);

    const uncapped = await serve();
    const viaLimit = await collect(scope(uncapped), { pageSize: 2 });
    expect(canonical(viaLimit)).toEqual(canonical(asServed(prod())));
    expect(listRequests(uncapped, '/api/v1/pods')).toHaveLength(3);
    expect(listRequests(uncapped, '/api/v1/pods').every((url) => url.includes('limit=2'))).toBe(true);
  });

  it('relists from scratch when a continue token expires (410), and still returns everything once', async () => {
    const sim = await serve({ pageSize: 4 }, [{ match: /\/clusterroles\?.*continue=/, kind: '410' }]);
    const result = await collect(scope(sim));
    expect(canonical(result)).toEqual(canonical(asServed(prod())));
    const requests = listRequests(sim, '/apis/rbac.authorization.k8s.io/v1/clusterroles');
    expect(requests.filter((url) => !url.includes('continue='))).toHaveLength(2);
  });

  it('gives up as transient when the relist expires too', async () => {
    const sim = await serve({ pageSize: 4 }, [{ match: /\/rolebindings\?.*continue=/, kind: '410', times: Infinity }]);
    const error = await failure(collect(scope(sim)));
    expect(error.kind).toBe('transient');
    expect(error.status).toBe(410);
    expect(error.message).toMatch(/list rolebindings\.rbac\.authorization\.k8s\.io .*continue token expired again after a fresh relist/);
  });

  it('retries 429 honouring Retry-After, then succeeds', async () => {
    const sim = await serve({}, [{ match: /\/api\/v1\/pods/, kind: '429', retryAfterSeconds: 7 }]);
    const policy = retry();
    const result = await collect(scope(sim), { retry: policy });
    expect(canonical(result)).toEqual(canonical(asServed(prod())));
    expect(policy.waits).toEqual([7000]);
    expect(listRequests(sim, '/api/v1/pods')).toHaveLength(2);
  });

  it('ends 5xx that outlast the retries as transient, with backoff', async () => {
    const sim = await serve({}, [{ match: /\/api\/v1\/namespaces/, kind: '503', times: Infinity }]);
    const policy = retry(3);
    const error = await failure(collect(scope(sim), { retry: policy }));
    expect(error.kind).toBe('transient');
    expect(error.status).toBe(503);
    expect(error.message).toMatch(/list namespaces \(GET \/api\/v1\/namespaces\): 503 after 3 attempt\(s\)/);
    expect(policy.waits).toEqual([100, 200]);
  });

  it('turns a timeout into transient after the retries', async () => {
    const sim = await serve({}, [{ match: /\/api\/v1\/serviceaccounts/, kind: 'timeout', times: Infinity }]);
    const error = await failure(collect(scope(sim), { timeoutMs: 150, retry: retry(2) }));
    expect(error.kind).toBe('transient');
    expect(error.message).toMatch(/list serviceaccounts \(GET \/api\/v1\/serviceaccounts\): no answer within 150 ms, 2 attempt\(s\)/);
  });

  it('recovers from a single timeout', async () => {
    const sim = await serve({}, [{ match: /\/clusterrolebindings/, kind: 'timeout' }]);
    const result = await collect(scope(sim), { timeoutMs: 150, retry: retry() });
    expect(canonical(result)).toEqual(canonical(asServed(prod())));
  });

  it('403 → denied, naming the Kubernetes permission and the AKS data action', async () => {
    const sim = await serve({}, [{ match: /\/apis\/rbac\.authorization\.k8s\.io\/v1\/rolebindings/, kind: '403' }]);
    const policy = retry();
    const error = await failure(collect(scope(sim), { retry: policy }));
    expect(error.kind).toBe('denied');
    expect(error.status).toBe(403);
    expect(error.permission).toBe('list rbac.authorization.k8s.io/rolebindings');
    expect(K8S_RBAC_PERMISSIONS.kubernetes).toContain(error.permission);
    expect(error.unit).toBe(`k8s-rbac cluster:${PROD_ID}`);
    expect(error.message).toContain('Microsoft.ContainerService/managedClusters/rbac.authorization.k8s.io/rolebindings/read');
    expect(error.message).toContain('The API server said: rolebindings.rbac.authorization.k8s.io is forbidden: User "aks-access" cannot list resource "rolebindings"');
    expect(policy.waits).toEqual([]);
  });

  it('401 (no credential in the kubeconfig) → denied', async () => {
    const sim = await serve();
    const error = await failure(collect({ clusterId: PROD_ID, kubeconfig: userKubeconfig(sim, PROD_ID, { user: {} }) }));
    expect(error.kind).toBe('denied');
    expect(error.status).toBe(401);
    expect(error.permission).toBe('list rbac.authorization.k8s.io/clusterroles');
    expect(error.message).toMatch(/401 Unauthorized — the API server rejected the credential/);
  });

  it("uses the kubeconfig's own user when no token provider is given (a local run)", async () => {
    const sim = await serve({ acceptToken: (t) => t === 'local-static-token' });
    const result = await collect({ clusterId: DEV_ID, kubeconfig: userKubeconfig(sim, DEV_ID, { user: { token: 'local-static-token' } }) });
    expect(result.roles.map((r) => r.name)).toEqual(['dev-only']);
  });

  it('a failing token provider → denied, and nothing is sent', async () => {
    const sim = await serve();
    const error = await failure(collect(scope(sim, PROD_ID, { bearerToken: () => Promise.reject(new Error('AADSTS700016: application not found')) })));
    expect(error.kind).toBe('denied');
    expect(error.message).toMatch(/could not get a bearer token for the API server: AADSTS700016/);
    expect(sim.log.entries).toEqual([]);
  });

  it.each([
    ['/apis/rbac.authorization.k8s.io/v1/clusterroles', /malformed ClusterRole \S+ from the API server: .*ClusterRole "\S+"\.rules must be a list, got \{/],
    ['/apis/rbac.authorization.k8s.io/v1/rolebindings', /malformed RoleBinding [\w-]+\/\S+ from the API server: .*roleRef is required/],
    ['/api/v1/namespaces', /malformed Namespace default from the API server: metadata\.labels must be a map of strings/],
    ['/api/v1/serviceaccounts', /malformed ServiceAccount default\/default from the API server: metadata\.annotations must be a map of strings/],
    ['/api/v1/pods', /malformed Pod frontend\/web-6f5d4-klmno from the API server: spec\.containers must be a list/],
  ])('a malformed object in %s → invalid, naming the object and what is wrong', async (path, message) => {
    const sim = await serve({ pageSize: 5 }, [{ match: new RegExp(`${path.replaceAll('.', '\\.')}\\?`), kind: 'malformed' }]);
    const error = await failure(collect(scope(sim)));
    expect(error.kind).toBe('invalid');
    expect(error.message).toMatch(message);
  });

  it('does not trust the API server without the CA from the kubeconfig → invalid, not retried', async () => {
    const sim = await serve();
    const policy = retry();
    const error = await failure(collect({ ...scope(sim), kubeconfig: userKubeconfig(sim, PROD_ID, { ca: false }) }, { retry: policy }));
    expect(error.kind).toBe('invalid');
    expect(error.message).toMatch(/certificate is not trusted \(\w+\); the kubeconfig's certificate-authority-data must hold the cluster CA/);
    expect(policy.waits).toEqual([]);
  });

  it('refuses a kubeconfig that turns TLS verification off', async () => {
    const sim = await serve();
    const insecure = userKubeconfig(sim, PROD_ID, { ca: false }).replace('server:', 'insecure-skip-tls-verify: true\n      server:');
    const error = await failure(collect({ ...scope(sim), kubeconfig: insecure }));
    expect(error.kind).toBe('invalid');
    expect(error.message).toMatch(/insecure-skip-tls-verify/);
    expect(sim.log.entries).toEqual([]);
  });

  it('an API server that is not the cluster (404) → invalid', async () => {
    const sim = await serve();
    const error = await failure(collect(scope(sim, '/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/gone')));
    expect(error.kind).toBe('invalid');
    expect(error.status).toBe(404);
  });

  it('never asks for Secrets, and asks only for the declared lists', async () => {
    const sim = await serve({ pageSize: 4 }, [
      { match: /\/clusterroles\?.*continue=/, kind: '410' },
      { match: /\/api\/v1\/pods/, kind: '429', retryAfterSeconds: 1 },
    ]);
    await collect(scope(sim), { retry: retry() });
    expect(sim.log.entries.length).toBeGreaterThan(30);
    expect(sim.log.entries.filter((e) => /secret/i.test(e.url))).toEqual([]);
    const prefix = k8sClusterPath(PROD_ID);
    const declared = new Set(K8S_LISTS.map((l) => `${prefix}${l.path}`));
    for (const entry of sim.log.entries) {
      expect(entry.method).toBe('GET');
      expect(declared.has(entry.url.split('?')[0] ?? '')).toBe(true);
      expect(new URL(entry.url, 'https://x').searchParams.get('limit')).toBe('500');
    }
    expect(K8S_RBAC_PERMISSIONS.kubernetes.join(' ')).not.toMatch(/secret/);
    expect(K8S_RBAC_PERMISSIONS.azureDataActions.join(' ')).not.toMatch(/secret/);
  });
});
