/**
 * The benchmark's wrappers around the simulated tenant change what the simulator costs, never what it serves:
 * page for page, the same items and the same next links / continue tokens as the plain routers.
 */
import { describe, expect, it } from 'vitest';
import { generateScenario, SCENARIO_SIZES } from '../../src/sim/scenario/generateScenario.ts';
import { createArmRouter } from '../../src/sim/server/armRouter.ts';
import { createK8sRouter, k8sClusterPath } from '../../src/sim/server/k8sRouter.ts';
import type { SimRouter } from '../../src/sim/server/simHttp.ts';
import { pagedOnceArmRouter, timedRouter, windowedK8sRouter } from '../../bench/sim/simRouters.ts';

type Json = Record<string, unknown>;
const HOST = '127.0.0.1:8443';
const scenario = generateScenario(SCENARIO_SIZES.S);
const armOptions = { k8sBaseUrl: 'https://127.0.0.1:6443', ca: '-----BEGIN CERTIFICATE-----\nsim\n-----END CERTIFICATE-----\n' };

async function get(router: SimRouter, path: string): Promise<{ status: number; json: Json }> {
  const response = await router.handle({ method: 'GET', url: new URL(`https://${HOST}${path}`), headers: { authorization: 'Bearer t', host: HOST }, body: undefined });
  return { status: response.status, json: JSON.parse(JSON.stringify(response.body ?? null)) as Json };
}

/** Every page of an ARM list, following nextLink. */
async function armPages(router: SimRouter, path: string): Promise<Json[]> {
  const pages: Json[] = [];
  for (let next: string | undefined = path; next !== undefined; ) {
    const { status, json } = await get(router, next);
    expect(status).toBe(200);
    pages.push(json);
    next = typeof json.nextLink === 'string' ? json.nextLink.slice(`https://${HOST}`.length) : undefined;
  }
  return pages;
}

/** Every page of a Kubernetes list, following continue tokens. */
async function k8sPages(router: SimRouter, path: string): Promise<Json[]> {
  const pages: Json[] = [];
  let token = '';
  do {
    const { status, json } = await get(router, `${path}?limit=50${token === '' ? '' : `&continue=${encodeURIComponent(token)}`}`);
    expect(status).toBe(200);
    pages.push(json);
    const metadata = json.metadata as Json;
    token = typeof metadata.continue === 'string' ? metadata.continue : '';
  } while (token !== '');
  return pages;
}

describe('pagedOnceArmRouter', () => {
  const plain = createArmRouter(scenario, { ...armOptions, pageSize: 7 });
  const wrapped = pagedOnceArmRouter(plain, createArmRouter(scenario, { ...armOptions, pageSize: Number.MAX_SAFE_INTEGER }), 7);

  it('serves the same pages as the simulator: role assignments, eligibilities, deny assignments, subscriptions', async () => {
    const sub = scenario.subscriptions[0]?.subscriptionId ?? '';
    for (const path of [
      `/subscriptions/${sub}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01`,
      `/subscriptions/${sub}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=atScope()`,
      `/subscriptions/${sub}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances?api-version=2020-10-01`,
      `/subscriptions/${sub}/providers/Microsoft.Authorization/denyAssignments?api-version=2022-04-01`,
      '/subscriptions?api-version=2022-12-01',
    ]) {
      const expected = await armPages(plain, path);
      expect(await armPages(wrapped, path), path).toEqual(expected);
    }
    expect((await armPages(plain, `/subscriptions/${sub}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01`)).length).toBeGreaterThan(1);
  });

  it('passes errors and single objects through unchanged', async () => {
    for (const path of ['/subscriptions/99999999-9999-4999-8999-999999999999/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01', `/subscriptions/${scenario.subscriptions[0]?.subscriptionId ?? ''}?api-version=2022-12-01`]) {
      expect(await get(wrapped, path), path).toEqual(await get(plain, path));
    }
  });
});

describe('windowedK8sRouter', () => {
  const plain = createK8sRouter(scenario, { pageSize: 1000 });
  const windowed = windowedK8sRouter(scenario, 1000, 2);

  it('serves every cluster as the simulator does, also after the cluster fell out of the window and came back', async () => {
    const clusters = scenario.clusters.slice(0, 4).map((c) => k8sClusterPath(String(c.arm.id)));
    for (const round of [1, 2]) {
      for (const prefix of clusters) {
        for (const resource of ['apis/rbac.authorization.k8s.io/v1/rolebindings', 'apis/rbac.authorization.k8s.io/v1/clusterroles', 'api/v1/pods']) {
          const path = `${prefix}/${resource}`;
          expect(await k8sPages(windowed, path), `${path} (round ${round})`).toEqual(await k8sPages(plain, path));
        }
      }
    }
  });

  it('answers an unknown cluster with the simulator\'s 404', async () => {
    const path = '/clusters/00000000-0000-0000-0000-000000000000/rg/none/api/v1/pods';
    expect(await get(windowed, path)).toEqual(await get(plain, path));
  });
});

describe('timedRouter', () => {
  it('counts requests and time without changing the answer', async () => {
    const time = { ms: 0, requests: 0 };
    const plain = createK8sRouter(scenario);
    const timed = timedRouter(plain, time);
    const path = `${k8sClusterPath(String(scenario.clusters[0]?.arm.id))}/api/v1/namespaces`;
    expect(await get(timed, path)).toEqual(await get(plain, path));
    expect(time.requests).toBe(1);
    expect(time.ms).toBeGreaterThanOrEqual(0);
  });
});
