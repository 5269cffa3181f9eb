/**
 * The sync pipeline against the in-process Cosmos server and the simulated tenant (scenarios/contoso.yaml),
 * over three runs: the tenant as it is; the tenant after a change (a binding removed, an assignment added, a
 * group member removed); and the tenant after another change while one cluster fails. The store must match
 * the tenant exactly where units succeeded, keep the previous data (and generation) where one failed and say
 * why, and a reader during a run must see one whole generation, old or new.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../../src/sim/scenario/scenarioFile.ts';
import type { TenantScenario } from '../../src/sim/scenario/TenantScenario.ts';
import { startSimTenant } from '../../src/sim/startSimTenant.ts';
import type { FaultRule } from '../../src/sim/server/faults.ts';
import { normalizeManagedCluster } from '../../src/normalize/normalizeManagedCluster.ts';
import { buildAccessModel, clusterKey, type AccessModelInput } from '../../src/engine/access/accessModel.ts';
import { whoCanAcross } from '../../src/engine/access/whoCanAcross.ts';
import { resourceRequest, type AccessRequest } from '../../src/model/accessRequest.ts';
import type { RoleAssignment } from '../../src/model/azureRbac.ts';
import { createAzureRbacClients } from '../../src/collectors/azure-rbac/clients.ts';
import { createAksClustersClients } from '../../src/collectors/aks-clusters/clients.ts';
import { createEntraClients } from '../../src/collectors/entra/clients.ts';
import type { ClusterGeneration, IndexStore, UnitStatus } from '../../src/store/IndexStore.ts';
import type { GenerationChunkEvent } from '../../src/store/CosmosIndexStore.ts';
import { unitCollectors } from '../../src/sync/unitCollectors.ts';
import type { SyncSummary } from '../../src/sync/runSync.ts';
import { runUnit } from '../../src/sync/runUnit.ts';
import { clusterUnit } from '../../src/sync/units.ts';
import { createTestIndexStore, startCosmosServer, type CosmosTestServer } from '../helpers/cosmosServer.ts';
import { StaticTokenCredential } from '../helpers/simTenantHarness.ts';
import { fakeClock } from '../helpers/fakeTenant.ts';
import { syncScenario } from '../helpers/syncScenario.ts';

const CONTOSO = fileURLToPath(new URL('../../scenarios/contoso.yaml', import.meta.url));

let cosmos: CosmosTestServer;
let store: IndexStore;
/** Runs inside the store's generation write, after each chunk and before the pointer flips. */
let onChunk: ((event: GenerationChunkEvent) => Promise<void>) | undefined;
const clock = fakeClock('2025-06-01T08:00:00.000Z');

let s1: TenantScenario;
let s2: TenantScenario;
let s3: TenantScenario;
let run1: SyncSummary;
let run2: SyncSummary;
let run3: SyncSummary;
const generations1 = new Map<string, ClusterGeneration>();
const generations2 = new Map<string, ClusterGeneration>();
const readsDuringRun2: { generation: string; json: string }[] = [];
const readsBetweenChunks: string[] = [];
let paymentsStatusAfterRun2: UnitStatus | undefined;

// --- the tenant and its changes ------------------------------------------------------------------------------

const clusterIdOf = (s: TenantScenario, name: string) => String(s.clusters.find((c) => c.arm.name === name)?.arm.id);
const userId = (s: TenantScenario, upn: string) => s.entra.users.find((u) => u.userPrincipalName === upn)?.id ?? '';

function withCluster(s: TenantScenario, name: string, bindingToRemove: string): TenantScenario {
  return {
    ...s,
    clusters: s.clusters.map((c) => (c.arm.name !== name ? c : { ...c, kubernetes: { ...c.kubernetes, bindings: c.kubernetes.bindings.filter((b) => b.name !== bindingToRemove) } })),
  };
}

function withoutMember(s: TenantScenario, group: string, upn: string): TenantScenario {
  const member = userId(s, upn);
  return { ...s, entra: { ...s.entra, groups: s.entra.groups.map((g) => (g.displayName !== group ? g : { ...g, memberIds: g.memberIds.filter((m) => m !== member) })) } };
}

/** Run 2's change: alice-db-password removed on aks-prod-weu, erin made AKS RBAC Reader in its payments namespace, bob out of payments-oncall. */
function change2(s: TenantScenario): TenantScenario {
  const prod = s.clusters.find((c) => c.arm.name === 'aks-prod-weu');
  const reader = s.azure.roleDefinitions.find((r) => r.roleName === 'Azure Kubernetes Service RBAC Reader');
  if (prod === undefined || reader === undefined) throw new Error('contoso.yaml changed: no aks-prod-weu or RBAC Reader');
  const scope = `${String(prod.arm.id)}/namespaces/payments`;
  const erinReader: RoleAssignment = {
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/0e1a2b3c-4d5e-4f60-8a9b-0c1d2e3f4a5b`,
    scope,
    principalId: userId(s, 'erin@contoso.com'),
    principalType: 'User',
    roleDefinitionId: `/subscriptions/${String(prod.arm.id).split('/')[2] ?? ''}/providers/Microsoft.Authorization/roleDefinitions/${reader.name}`,
    state: 'active',
  };
  const removed = withoutMember(withCluster(s, 'aks-prod-weu', 'alice-db-password'), 'payments-oncall', 'bob@contoso.com');
  return { ...removed, azure: { ...removed.azure, roleAssignments: [...removed.azure.roleAssignments, erinReader] } };
}

/** Run 3's change: payments-devs-view removed on aks-payments-prod (which then fails), eng-view on aks-dev-weu, alice out of payments-devs. */
function change3(s: TenantScenario): TenantScenario {
  return withoutMember(withCluster(withCluster(s, 'aks-payments-prod', 'payments-devs-view'), 'aks-dev-weu', 'eng-view'), 'payments-devs', 'alice@contoso.com');
}

// --- what the store must hold ---------------------------------------------------------------------------------

function scenarioInput(s: TenantScenario): AccessModelInput {
  const clusters = s.clusters.map((c, i) => normalizeManagedCluster(c.arm, `scenario cluster ${i}`));
  return { clusters, kubernetes: new Map(s.clusters.map((c, i) => [clusterKey(clusters[i]?.id ?? ''), c.kubernetes])), azure: s.azure, entra: s.entra };
}

/** Everything that identifies the objects of an input, order-free: what "exactly the scenario's objects" compares. */
function objectsOf(input: AccessModelInput) {
  const ids = (xs: readonly { id: string }[]) => xs.map((x) => x.id.toLowerCase()).sort();
  return {
    clusters: ids(input.clusters),
    kubernetes: Object.fromEntries(
      [...input.kubernetes].map(([id, k]) => [
        clusterKey(id),
        {
          roles: k.roles.map((r) => `${r.kind}/${r.namespace}/${r.name}`).sort(),
          bindings: k.bindings.map((b) => `${b.kind}/${b.namespace}/${b.name} → ${b.roleRef.kind}/${b.roleRef.name} [${b.subjects.map((x) => `${x.kind}:${x.namespace}/${x.name}`).sort().join(' ')}]`).sort(),
        },
      ]),
    ),
    roleAssignments: ids(input.azure.roleAssignments),
    denyAssignments: ids(input.azure.denyAssignments),
    roleDefinitions: ids(input.azure.roleDefinitions),
    hierarchy: input.azure.hierarchy.map((h) => `${h.id.toLowerCase()} < ${h.parentId.toLowerCase()}`).sort(),
    users: ids(input.entra.users),
    groups: input.entra.groups.map((g) => `${g.id}: ${[...g.memberIds].sort().join(',')}`).sort(),
    servicePrincipals: ids(input.entra.servicePrincipals),
  };
}

const QUESTIONS: AccessRequest[] = [
  resourceRequest({ verb: 'get', resource: 'secrets', namespace: 'payments' }),
  resourceRequest({ verb: 'get', resource: 'pods', namespace: 'payments' }),
  resourceRequest({ verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'payments' }),
  resourceRequest({ verb: 'list', resource: 'pods', namespace: 'monitoring' }),
];

/** An answer as a comparable value (path order follows input order, which a store need not keep). */
function answer(input: AccessModelInput, clusterId: string, request: AccessRequest) {
  const model = buildAccessModel(input);
  const cluster = model.clusters.find((c) => clusterKey(c.id) === clusterKey(clusterId));
  if (cluster === undefined) throw new Error(`no cluster ${clusterId}`);
  const a = whoCanAcross(model, request, [cluster], { expandGroups: true });
  const sorted = (xs: readonly unknown[]) => xs.map((x) => JSON.stringify(x)).sort();
  return { subjects: a.subjects.map((s) => ({ ...s, via: sorted(s.via) })).sort((x, y) => (x.name < y.name ? -1 : 1)), eligible: sorted(a.eligible), escalations: sorted(a.escalations), denied: sorted(a.denied) };
}

const subjectNames = (input: AccessModelInput, clusterId: string, request: AccessRequest) => answer(input, clusterId, request).subjects.map((s) => s.name);

/** A generation as text (its Map as entries), to tell whole generations apart. */
const generationJson = (g: ClusterGeneration | undefined) => JSON.stringify(g, (_k, v: unknown) => (v instanceof Map ? [...(v as Map<unknown, unknown>)] : v));

// --- running a sync -------------------------------------------------------------------------------------------

function syncAgainst(scenario: TenantScenario, faults: readonly FaultRule[] = [], during?: () => Promise<void>): Promise<SyncSummary> {
  return syncScenario(scenario, { store, ...clock }, { faults, ...(during === undefined ? {} : { during }) });
}

beforeAll(async () => {
  cosmos = await startCosmosServer();
  // Small chunks: each generation spans many documents, so a torn read would be visible.
  ({ store } = await createTestIndexStore(cosmos, { maxChunkBytes: 6_000, onGenerationChunkWritten: (e) => onChunk?.(e) ?? Promise.resolve() }));
  s1 = await loadScenario(CONTOSO);
  s2 = change2(s1);
  s3 = change3(s2);
}, 30_000);

afterAll(async () => {
  await cosmos.close();
});

describe('a full sync of contoso into Cosmos', () => {
  it('every unit succeeds and the store holds exactly the scenario’s objects', async () => {
    run1 = await syncAgainst(s1);
    expect(run1.errors).toEqual([]);
    expect(run1.units).toEqual({ ok: 2 + 2 * s1.subscriptions.length + s1.clusters.length, denied: 0, transient: 0, invalid: 0 });
    expect(run1.objectsWritten).toBeGreaterThan(500);
    expect(objectsOf(await store.readTenantInput())).toEqual(objectsOf(scenarioInput(s1)));
  }, 60_000);

  it('every cluster has a generation that answers exactly as the scenario does', async () => {
    const expected = scenarioInput(s1);
    for (const c of expected.clusters) {
      const g = await store.readCurrentGeneration(c.id);
      if (g === undefined) throw new Error(`no generation for ${c.name}`);
      generations1.set(c.name, g);
      for (const q of QUESTIONS) expect(answer(g.input, c.id, q), `${c.name} ${JSON.stringify(q)}`).toEqual(answer(expected, c.id, q));
    }
    expect(generations1.size).toBe(s1.clusters.length);
  });

  it('running a unit again in the same run changes nothing', async () => {
    const before = objectsOf(await store.readTenantInput());
    const unit = clusterUnit(String(s1.clusters[0]?.arm.id));
    const sim = await startSimTenant(s1, { pageSize: 50 });
    try {
      const credential = new StaticTokenCredential();
      const arm = { endpoint: sim.armUrl, ca: sim.ca };
      const collect = unitCollectors({ tenantId: s1.tenantId, credential, azureRbac: createAzureRbacClients(credential, arm), aksClusters: createAksClustersClients(credential, arm), entra: createEntraClients(credential, { baseUrl: sim.graphUrl, ca: sim.ca }) });
      const again = await runUnit(unit, run1.runId, { store, collect, ...clock });
      expect(again).toMatchObject({ deleted: 0, status: { state: 'ok' } });
    } finally {
      await sim.close();
    }
    expect(objectsOf(await store.readTenantInput())).toEqual(before);
  }, 30_000);
});

describe('a second sync after the tenant changed', () => {
  it('reflects exactly the change, and a reader during the sync sees a whole generation, old or new', async () => {
    const prodId = clusterIdOf(s1, 'aks-prod-weu');
    onChunk = async (event) => {
      if (clusterKey(event.clusterId) !== clusterKey(prodId)) return;
      readsBetweenChunks.push(generationJson(await store.readCurrentGeneration(prodId)));
    };
    try {
      run2 = await syncAgainst(s2, [], async () => {
        const g = await store.readCurrentGeneration(prodId);
        readsDuringRun2.push({ generation: g?.generation ?? '', json: generationJson(g) });
      });
    } finally {
      onChunk = undefined;
    }
    expect(run2.units.ok).toBe(run1.units.ok);
    paymentsStatusAfterRun2 = (await store.listUnitStatus()).find((x) => x.unit === `k8s-rbac|cluster:${clusterIdOf(s2, 'aks-payments-prod')}`);
    expect(paymentsStatusAfterRun2).toMatchObject({ runId: run2.runId, state: 'ok' });
    // The removed binding and the removed membership are deleted; nothing else is.
    expect(run2.objectsDeleted).toBeGreaterThanOrEqual(1);
    expect(objectsOf(await store.readTenantInput())).toEqual(objectsOf(scenarioInput(s2)));
    for (const c of scenarioInput(s2).clusters) {
      const g = await store.readCurrentGeneration(c.id);
      if (g === undefined) throw new Error(`no generation for ${c.name}`);
      generations2.set(c.name, g);
      expect(g.generation > (generations1.get(c.name)?.generation ?? '')).toBe(true);
    }

    const before = generationJson(generations1.get('aks-prod-weu'));
    const after = generationJson(generations2.get('aks-prod-weu'));
    expect(before).not.toBe(after);
    expect(readsBetweenChunks.length).toBeGreaterThan(1);
    expect(readsBetweenChunks.every((json) => json === before)).toBe(true);
    expect(readsDuringRun2.length).toBeGreaterThan(0);
    expect(readsDuringRun2.some((r) => r.json === before)).toBe(true);
    for (const read of readsDuringRun2) expect([before, after], `read of ${read.generation}`).toContain(read.json);
  }, 60_000);

  it('queries on the new generations see the change', () => {
    const prod = generations2.get('aks-prod-weu');
    const payments = generations2.get('aks-payments-prod');
    if (prod === undefined || payments === undefined) throw new Error('no generations');
    const prodId = clusterIdOf(s2, 'aks-prod-weu');
    const paymentsId = clusterIdOf(s2, 'aks-payments-prod');
    const secrets = resourceRequest({ verb: 'get', resource: 'secrets', name: 'db-password', namespace: 'payments' });
    const pods = QUESTIONS[1] as AccessRequest;
    const exec = QUESTIONS[2] as AccessRequest;
    // The binding removed: no path names it any more (the old generation had one).
    expect(JSON.stringify(answer(generations1.get('aks-prod-weu')?.input ?? prod.input, prodId, secrets))).toContain('alice-db-password');
    expect(JSON.stringify(answer(prod.input, prodId, secrets))).not.toContain('alice-db-password');
    // The assignment added: erin can read pods in payments through Azure RBAC.
    expect(subjectNames(generations1.get('aks-prod-weu')?.input ?? prod.input, prodId, pods)).not.toContain('erin@contoso.com');
    expect(subjectNames(prod.input, prodId, pods)).toContain('erin@contoso.com');
    // The member removed: bob no longer execs into payment pods through payments-oncall.
    expect(subjectNames(generations1.get('aks-payments-prod')?.input ?? payments.input, paymentsId, exec)).toContain('bob@contoso.com');
    expect(subjectNames(payments.input, paymentsId, exec)).not.toContain('bob@contoso.com');
    // And every answer is the changed scenario's.
    const expected = scenarioInput(s2);
    for (const [name, g] of generations2) for (const q of QUESTIONS) expect(answer(g.input, clusterIdOf(s2, name), q), `${name} ${JSON.stringify(q)}`).toEqual(answer(expected, clusterIdOf(s2, name), q));
  });
});

describe('a third sync while one cluster fails', () => {
  it('the failing cluster keeps its data and its previous generation, its status says why, every other unit is updated', async () => {
    const paymentsId = clusterIdOf(s3, 'aks-payments-prod');
    run3 = await syncAgainst(s3, [{ service: 'k8s', match: /\/aks-payments-prod\//, kind: '403', times: Infinity }]);
    expect(run3.errors).toEqual([]);
    expect(run3.units).toEqual({ ok: run1.units.ok - 1, denied: 1, transient: 0, invalid: 0 });

    const statuses = await store.listUnitStatus();
    const failed = statuses.find((s) => s.unit === `k8s-rbac|cluster:${paymentsId}`);
    expect(failed).toMatchObject({ runId: run3.runId, state: 'denied', permission: expect.stringMatching(/\S/) as unknown, message: expect.stringMatching(/403|forbidden|denied/i) as unknown, objects: 0 });
    // The last success is run 2's.
    expect(failed?.lastSuccess).toBe(paymentsStatusAfterRun2?.lastSuccess);
    expect(failed?.lastSuccess !== undefined && failed.lastSuccess < failed.lastAttempt).toBe(true);
    for (const s of statuses) if (s !== failed) expect(`${s.unit} ${s.runId} ${s.state}`).toBe(`${s.unit} ${run3.runId} ok`);

    // Its Kubernetes objects are run 2's (the removed payments-devs-view is still there); everything else is run 3's.
    const expected: AccessModelInput = { ...scenarioInput(s3), kubernetes: new Map([...scenarioInput(s3).kubernetes].map(([k, v]) => [k, k === clusterKey(paymentsId) ? (scenarioInput(s2).kubernetes.get(k) ?? v) : v])) };
    expect(objectsOf(await store.readTenantInput())).toEqual(objectsOf(expected));

    // Its generation is run 2's, whole; the others are new and include the tenant-level change.
    expect(generationJson(await store.readCurrentGeneration(paymentsId))).toBe(generationJson(generations2.get('aks-payments-prod')));
    expect(run3.compiled.map((c) => c.clusterId.toLowerCase()).sort()).toEqual(s3.clusters.map((c) => String(c.arm.id).toLowerCase()).filter((id) => id !== paymentsId.toLowerCase()).sort());
    const dev = await store.readCurrentGeneration(clusterIdOf(s3, 'aks-dev-weu'));
    expect(dev?.input.kubernetes.get(clusterKey(clusterIdOf(s3, 'aks-dev-weu')))?.bindings.map((b) => b.name)).not.toContain('eng-view');
    const prod = await store.readCurrentGeneration(clusterIdOf(s3, 'aks-prod-weu'));
    const paymentsDevs = (g: ClusterGeneration | undefined) => g?.input.entra.groups.find((x) => x.displayName === 'payments-devs')?.memberIds ?? [];
    expect(paymentsDevs(prod)).not.toContain(userId(s3, 'alice@contoso.com'));
    expect(paymentsDevs(await store.readCurrentGeneration(paymentsId))).toContain(userId(s3, 'alice@contoso.com'));
  }, 60_000);
});
