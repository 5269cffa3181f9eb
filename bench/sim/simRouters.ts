import type { SimCluster, TenantScenario } from '../../src/sim/scenario/TenantScenario.ts';
import { createK8sRouter, k8sClusterPath } from '../../src/sim/server/k8sRouter.ts';
import { pageOf } from '../../src/sim/server/simPaging.ts';
import type { SimRequest, SimResponse, SimRouter } from '../../src/sim/server/simHttp.ts';

/*
 * Wrappers the benchmark puts around the simulated tenant's routers. They change what the simulator costs, never
 * what it answers: the same bytes reach the clients, page for page.
 */

/** Time spent inside a router's handle(), and how many requests it served. */
export interface RouterTime {
  ms: number;
  requests: number;
}

/** Counts the time inside `handle` (routing, filtering, building the JSON body; not TLS or serialisation). */
export function timedRouter(router: SimRouter, time: RouterTime): SimRouter {
  return {
    service: router.service,
    errorBody: (status, code, message, request) => router.errorBody(status, code, message, request),
    handle: async (req) => {
      const started = performance.now();
      try {
        return await router.handle(req);
      } finally {
        time.ms += performance.now() - started;
        time.requests++;
      }
    },
  };
}

/** The `/clusters/{sub}/{rg}/{name}` prefix a request addresses, as the Kubernetes router locates it. */
function clusterPrefix(pathname: string): string | undefined {
  const segments = pathname.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  if (segments[0] !== 'clusters' || segments.length < 4) return undefined;
  return `/clusters/${segments.slice(1, 4).map((s) => encodeURIComponent(s)).join('/')}`.toLowerCase();
}

function armIdOf(cluster: SimCluster): string {
  const id = cluster.arm.id;
  if (typeof id !== 'string') throw new Error('scenario cluster has no ARM id');
  return id;
}

/**
 * The Kubernetes API of every cluster, with only the `capacity` most recently asked clusters' served objects
 * in memory. The simulator builds and keeps the JSON of every object of every cluster it is asked about
 * (~10 MB per L cluster, ~10 GB for all 1,000); here each cluster gets its own router (a scenario holding that
 * one cluster), dropped when it falls out of the window. Objects never change, so a rebuilt router serves the
 * same objects, resourceVersions and continue tokens.
 */
export function windowedK8sRouter(scenario: TenantScenario, pageSize: number, capacity: number): SimRouter {
  const clusters = new Map<string, SimCluster>();
  for (const cluster of scenario.clusters) clusters.set(k8sClusterPath(armIdOf(cluster)).toLowerCase(), cluster);
  const none = createK8sRouter({ ...scenario, clusters: [] }, { pageSize });
  const live = new Map<string, SimRouter>();
  const routerFor = (pathname: string): SimRouter => {
    const prefix = clusterPrefix(pathname);
    const cluster = prefix === undefined ? undefined : clusters.get(prefix);
    if (prefix === undefined || cluster === undefined) return none;
    let router = live.get(prefix);
    if (router === undefined) {
      router = createK8sRouter({ ...scenario, clusters: [cluster] }, { pageSize });
      if (live.size >= capacity) {
        const oldest = live.keys().next().value;
        if (oldest !== undefined) live.delete(oldest);
      }
    } else {
      live.delete(prefix);
    }
    live.set(prefix, router);
    return router;
  };
  return {
    service: 'k8s',
    handle: (req) => routerFor(req.url.pathname).handle(req),
    errorBody: (status, code, message, request) => (request === undefined ? none : routerFor(request.url.pathname)).errorBody(status, code, message, request),
  };
}

function isListBody(body: unknown): body is { value: unknown[]; nextLink?: unknown } {
  return typeof body === 'object' && body !== null && Array.isArray((body as { value?: unknown }).value);
}

/** The list a request pages through: method, path and query without its `$skiptoken`. */
function listKey(req: SimRequest): string {
  const params = [...req.url.searchParams.entries()].filter(([k]) => k !== '$skiptoken').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${req.method} ${req.url.pathname} ${JSON.stringify(params)}`;
}

/**
 * ARM with each list computed once and then paged. The simulated ARM recomputes the whole filtered list for
 * every page it serves (at L a subscription's role assignments are a filter over 500,000 assignments, ~2 s a
 * page, 45 s a subscription); a real ARM pages from an index. `unpaged` must be the same router built with an
 * unbounded page size; pages are cut here with the simulator's own pageOf (same items, same next links).
 */
export function pagedOnceArmRouter(paged: SimRouter, unpaged: SimRouter, pageSize: number): SimRouter {
  const lists = new Map<string, { items: unknown[]; headers: Readonly<Record<string, string>> | undefined }>();
  return {
    service: paged.service,
    errorBody: (status, code, message, request) => paged.errorBody(status, code, message, request),
    handle: async (req): Promise<SimResponse> => {
      if (req.method !== 'GET' || req.fault !== undefined) return paged.handle(req);
      const key = listKey(req);
      let list = lists.get(key);
      if (list === undefined) {
        const url = new URL(req.url);
        url.searchParams.delete('$skiptoken');
        const whole = await unpaged.handle({ ...req, url });
        if (whole.status !== 200 || !isListBody(whole.body)) return req.url.searchParams.has('$skiptoken') ? paged.handle(req) : whole;
        list = { items: whole.body.value, headers: whole.headers };
        lists.set(key, list);
      }
      const page = pageOf(req, list.items, pageSize);
      if (page.nextLink === undefined) lists.delete(key);
      return { status: 200, ...(list.headers === undefined ? {} : { headers: list.headers }), body: { value: page.items, ...(page.nextLink === undefined ? {} : { nextLink: page.nextLink }) } };
    },
  };
}
