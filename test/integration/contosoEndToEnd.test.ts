/**
 * The whole indexing path against a tenant served over the real protocols: scenarios/contoso.yaml → simulated
 * ARM, Graph and Kubernetes API → the real SDK clients in every collector → the cross-plane engine. The
 * answers must equal the answers computed straight from the scenario, and a failing unit must be classified
 * without disturbing the others.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../../src/sim/scenario/scenarioFile.ts';
import type { TenantScenario } from '../../src/sim/scenario/TenantScenario.ts';
import { startSimTenant, type SimTenant } from '../../src/sim/startSimTenant.ts';
import { collectTenant, type TenantCollection } from '../../src/sync/collectTenant.ts';
import { buildAccessModel, type AccessModel } from '../../src/engine/access/accessModel.ts';
import { whoCanAcross } from '../../src/engine/access/whoCanAcross.ts';
import { normalizeManagedCluster } from '../../src/normalize/normalizeManagedCluster.ts';
import { nonResourceRequest, resourceRequest, type AccessRequest } from '../../src/model/accessRequest.ts';
import { StaticTokenCredential, recordingRetry } from '../helpers/simTenantHarness.ts';

const SCENARIO = fileURLToPath(new URL('../../scenarios/contoso.yaml', import.meta.url));

let scenario: TenantScenario;
let sim: SimTenant;
let collected: TenantCollection;

function collectFrom(tenant: SimTenant): Promise<TenantCollection> {
  return collectTenant({
    tenantId: tenant.scenario.tenantId,
    credential: new StaticTokenCredential(),
    arm: { endpoint: tenant.armUrl, ca: tenant.ca, requestTimeoutMs: 5_000 },
    graph: { baseUrl: tenant.graphUrl, ca: tenant.ca, requestTimeoutMs: 5_000 },
    retry: recordingRetry(3),
  });
}

function expectedModel(s: TenantScenario): AccessModel {
  const clusters = s.clusters.map((c, i) => normalizeManagedCluster(c.arm, `scenario cluster ${i}`));
  return buildAccessModel({
    clusters,
    kubernetes: new Map(s.clusters.map((c, i) => [clusters[i]?.id.toLowerCase() ?? '', c.kubernetes])),
    azure: s.azure,
    entra: s.entra,
  });
}

function collectedModel(c: TenantCollection): AccessModel {
  return buildAccessModel({ clusters: c.clusters, kubernetes: c.kubernetes, azure: c.azure, entra: c.entra });
}

/** An answer as a comparable value: subjects with their sorted paths (path order follows input order). */
function canonical(model: AccessModel, request: AccessRequest) {
  const answer = whoCanAcross(model, request, model.clusters, { expandGroups: true });
  const sortJson = (xs: readonly unknown[]) => xs.map((x) => JSON.stringify(x)).sort();
  return {
    subjects: answer.subjects.map((s) => ({ ...s, via: sortJson(s.via) })),
    eligible: sortJson(answer.eligible),
    escalations: sortJson(answer.escalations),
    denied: sortJson(answer.denied),
  };
}

const QUESTIONS: AccessRequest[] = [
  resourceRequest({ verb: 'get', resource: 'secrets', namespace: 'payments' }),
  resourceRequest({ verb: 'list', resource: 'secrets' }),
  resourceRequest({ verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'payments' }),
  resourceRequest({ verb: 'patch', apiGroup: 'apps', resource: 'deployments', namespace: 'frontend' }),
  resourceRequest({ verb: 'impersonate', resource: 'groups', name: 'system:masters' }),
  resourceRequest({ verb: 'escalate', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles' }),
  nonResourceRequest('get', '/metrics'),
];

beforeAll(async () => {
  scenario = await loadScenario(SCENARIO);
  sim = await startSimTenant(scenario, { pageSize: 4 });
  collected = await collectFrom(sim);
}, 60_000);

afterAll(async () => {
  await sim.close();
});

describe('contoso.yaml through the simulated tenant and every collector', () => {
  it('every unit succeeds: tenant, Entra, each subscription, each cluster', () => {
    expect(collected.units.filter((u) => u.status !== 'ok')).toEqual([]);
    const names = collected.units.map((u) => u.unit);
    expect(names).toContain('azure-rbac tenant');
    expect(names).toContain('entra tenant');
    expect(names.filter((n) => n.startsWith('k8s-rbac cluster:'))).toHaveLength(scenario.clusters.length);
    expect(names.filter((n) => n.startsWith('azure-rbac sub:'))).toHaveLength(scenario.subscriptions.length);
  });

  it('returns the tenant exactly: assignments, deny assignments, roles, clusters, directory, Kubernetes objects', () => {
    const ids = (xs: readonly { id: string }[]) => xs.map((x) => x.id.toLowerCase()).sort();
    expect(ids(collected.azure.roleAssignments)).toEqual(ids(scenario.azure.roleAssignments));
    expect(ids(collected.azure.denyAssignments)).toEqual(ids(scenario.azure.denyAssignments));
    expect(ids(collected.azure.roleDefinitions)).toEqual(ids(scenario.azure.roleDefinitions));
    expect(ids(collected.entra.users)).toEqual(ids(scenario.entra.users));
    expect(ids(collected.entra.groups)).toEqual(ids(scenario.entra.groups));
    expect(ids(collected.entra.servicePrincipals)).toEqual(ids(scenario.entra.servicePrincipals));
    expect(collected.clusters.map((c) => c.id.toLowerCase()).sort()).toEqual(scenario.clusters.map((c) => String(c.arm.id).toLowerCase()).sort());
    for (const c of scenario.clusters) {
      const got = collected.kubernetes.get(String(c.arm.id).toLowerCase());
      expect(got?.bindings.length).toBe(c.kubernetes.bindings.length);
      expect(got?.roles.length).toBe(c.kubernetes.roles.length);
      expect(got?.pods.length).toBe(c.kubernetes.pods.length);
    }
  });

  it('answers every question exactly as the scenario itself would', () => {
    const expected = expectedModel(scenario);
    const actual = collectedModel(collected);
    for (const q of QUESTIONS) expect(canonical(actual, q), JSON.stringify(q)).toEqual(canonical(expected, q));
    // Not vacuous: the story's answers are populated on both sides (Azure and Kubernetes paths, escalations).
    const secrets = canonical(actual, QUESTIONS[0] ?? nonResourceRequest('get', '/'));
    expect(secrets.subjects.length).toBeGreaterThan(5);
    expect(secrets.subjects.some((s) => s.via.some((p) => p.includes('"plane":"azure"')))).toBe(true);
    expect(secrets.subjects.some((s) => s.via.some((p) => p.includes('"plane":"kubernetes"')))).toBe(true);
    expect(secrets.escalations.length + secrets.eligible.length + secrets.denied.length).toBeGreaterThan(0);
  });

  it('never asks any cluster for a Secret', () => {
    expect(sim.log.entries.filter((e) => /secrets/i.test(e.url))).toEqual([]);
  });
});

describe('a unit that fails is classified and isolated', () => {
  it('403 on one subscription: that unit is denied naming the permission, the others complete', async () => {
    const target = scenario.subscriptions[0]?.subscriptionId ?? '';
    sim.faults.add({ service: 'arm', match: new RegExp(`/subscriptions/${target}/providers/Microsoft\\.Authorization/roleAssignments`, 'i'), kind: '403', times: Infinity });
    try {
      const run = await collectFrom(sim);
      const failed = run.units.filter((u) => u.status !== 'ok');
      expect(failed).toEqual([expect.objectContaining({ unit: `azure-rbac sub:${target}`, status: 'denied', permission: expect.stringMatching(/Microsoft\.Authorization\/roleAssignments\/read/) as unknown })]);
      expect(run.units.filter((u) => u.status === 'ok').length).toBe(collected.units.length - 1);
    } finally {
      sim.faults.clear();
    }
  }, 60_000);

  it('throttling (429 with Retry-After) on Graph and a cluster is retried and the run completes', async () => {
    sim.faults.add({ service: 'graph', match: /\/v1\.0\/groups/, kind: '429', times: 2, retryAfterSeconds: 1 });
    sim.faults.add({ service: 'k8s', match: /rolebindings/, kind: '429', times: 1, retryAfterSeconds: 1 });
    try {
      const run = await collectFrom(sim);
      expect(run.units.filter((u) => u.status !== 'ok')).toEqual([]);
    } finally {
      sim.faults.clear();
    }
  }, 60_000);
});
