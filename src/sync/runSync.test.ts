import { describe, expect, it } from 'vitest';
import { MemoryIndexStore } from '../../test/helpers/memoryIndexStore.ts';
import { CLUSTER_A1, CLUSTER_A2, CLUSTER_B1, SUB_A, SUB_B, fakeClock, fakeCollect, fakeTenant } from '../../test/helpers/fakeTenant.ts';
import { assignment, ROLE } from '../../test/helpers/azureFixtures.ts';
import { runSync } from './runSync.ts';
import { RETIRED_MESSAGE } from './runUnit.ts';
import { clusterUnit, subscriptionUnits, AZURE_RBAC_TENANT } from './units.ts';
import type { SyncDeps } from './SyncDeps.ts';

function setup(concurrency = 4) {
  const tenant = fakeTenant();
  const fake = fakeCollect(tenant, { delayMs: 5 });
  const store = new MemoryIndexStore();
  const deps: SyncDeps = { store, collect: fake.collect, concurrency, ...fakeClock() };
  return { tenant, fake, store, deps };
}

const ALL_UNITS = 2 + 2 * 2 + 3;

describe('runSync', () => {
  it('a full run: every unit in stages, every cluster compiled, a summary with counts and duration', async () => {
    const { store, deps } = setup();
    const summary = await runSync(deps);
    expect(summary.runId).toBe('run-20250601T080001000Z-0001');
    expect(summary.units).toEqual({ ok: ALL_UNITS, denied: 0, transient: 0, invalid: 0 });
    expect(summary.errors).toEqual([]);
    expect(summary.objectsWritten).toBeGreaterThan(0);
    expect(summary.objectsDeleted).toBe(0);
    expect(summary.durationMs).toBe(Date.parse(summary.finishedAt) - Date.parse(summary.startedAt));
    expect(summary.compiled.map((c) => c.clusterId).sort()).toEqual([CLUSTER_A1, CLUSTER_A2, CLUSTER_B1].sort());
    // Stages: a subscription's units after the tenant listing, a cluster's after its subscription's listing.
    const order = summary.results.map((r) => `${r.unit.source} ${r.unit.scope}`);
    expect(order.indexOf(`aks-clusters sub:${SUB_A}`)).toBeGreaterThan(order.indexOf('azure-rbac tenant'));
    expect(order.indexOf(`k8s-rbac cluster:${CLUSTER_A1}`)).toBeGreaterThan(order.indexOf(`aks-clusters sub:${SUB_A}`));
    const generation = await store.readCurrentGeneration(CLUSTER_B1);
    expect(generation?.generation).toMatch(/^gen-20250601T08\d{4}000Z-\d{4}$/);
    expect(generation?.input.clusters.map((c) => c.id)).toEqual([CLUSTER_B1]);
    expect(generation?.input.azure.roleAssignments.map((a) => a.principalId)).toEqual(['g-ops']);
  });

  it('is idempotent: a second run over an unchanged tenant writes the same documents and deletes none', async () => {
    const { store, deps } = setup();
    await runSync(deps);
    const documents = Object.keys(store.documentsByUnit()).map((u) => [u, Object.keys(store.documentsByUnit()[u] ?? {})]);
    const input = await store.readTenantInput();
    const second = await runSync(deps);
    expect(second.objectsDeleted).toBe(0);
    expect(Object.keys(store.documentsByUnit()).map((u) => [u, Object.keys(store.documentsByUnit()[u] ?? {})])).toEqual(documents);
    expect(await store.readTenantInput()).toEqual(input);
  });

  it('a change in the tenant reaches the store and the compiled generations', async () => {
    const { tenant, store, deps } = setup();
    await runSync(deps);
    tenant.assignments.set(SUB_A, [...(tenant.assignments.get(SUB_A) ?? []), assignment('u-bob', ROLE.rbacAdmin, `/subscriptions/${SUB_A}`)]);
    tenant.assignments.set(SUB_B, []);
    const summary = await runSync(deps);
    expect(summary.objectsDeleted).toBe(1);
    expect((await store.readCurrentGeneration(CLUSTER_A1))?.input.azure.roleAssignments.map((a) => a.principalId).sort()).toEqual(['u-alice', 'u-bob']);
    expect((await store.readCurrentGeneration(CLUSTER_B1))?.input.azure.roleAssignments).toEqual([]);
  });

  it('a cluster that fails keeps its data and its previous generation, says why, and every other unit is updated', async () => {
    const { tenant, fake, store, deps } = setup();
    await runSync(deps);
    const before = await store.readCurrentGeneration(CLUSTER_A2);
    const dataBefore = store.stored(clusterUnit(CLUSTER_A2));
    tenant.kubernetes.set(CLUSTER_A2, { roles: [], bindings: [] });
    tenant.entra = { ...tenant.entra, users: tenant.entra.users.filter((u) => u.id !== 'u-bob') };
    fake.fail(clusterUnit(CLUSTER_A2), 'denied', { permission: 'rbac.authorization.k8s.io/rolebindings list' });
    const summary = await runSync(deps);
    expect(summary.units).toEqual({ ok: ALL_UNITS - 1, denied: 1, transient: 0, invalid: 0 });
    expect(await store.readCurrentGeneration(CLUSTER_A2)).toEqual(before);
    expect(store.stored(clusterUnit(CLUSTER_A2))).toEqual(dataBefore);
    expect((await store.readUnitStatus(clusterUnit(CLUSTER_A2)))?.permission).toBe('rbac.authorization.k8s.io/rolebindings list');
    expect(summary.compiled.map((c) => c.clusterId).sort()).toEqual([CLUSTER_A1, CLUSTER_B1].sort());
    const other = await store.readCurrentGeneration(CLUSTER_A1);
    expect(other?.input.entra.users.map((u) => u.id)).toEqual(['u-alice']);
    for (const s of await store.listUnitStatus()) if (s.unit !== `k8s-rbac|cluster:${CLUSTER_A2}`) expect(s.runId, s.unit).toBe(summary.runId);
  });

  it('a failed subscription listing still runs the units below it, from what the store knows', async () => {
    const { fake, deps } = setup();
    await runSync(deps);
    fake.fail(AZURE_RBAC_TENANT, 'transient');
    fake.fail({ source: 'aks-clusters', scope: `sub:${SUB_A}` }, 'invalid');
    const summary = await runSync(deps);
    expect(summary.units).toEqual({ ok: ALL_UNITS - 2, denied: 0, transient: 1, invalid: 1 });
    expect(summary.results.map((r) => r.unit.scope)).toEqual(expect.arrayContaining([`sub:${SUB_B}`, `cluster:${CLUSTER_A1}`, `cluster:${CLUSTER_A2}`]));
  });

  it('a subscription gone from the tenant is retired with its clusters; a cluster gone from its subscription too', async () => {
    const { tenant, store, deps } = setup();
    await runSync(deps);
    tenant.subscriptions = [SUB_A];
    tenant.clusters = tenant.clusters.filter((c) => c.id !== CLUSTER_A2);
    const summary = await runSync(deps);
    expect(summary.retired.map((r) => r.status.unit).sort()).toEqual([...subscriptionUnits(SUB_B).map((u) => `${u.source}|${u.scope}`), `k8s-rbac|cluster:${CLUSTER_A2}`, `k8s-rbac|cluster:${CLUSTER_B1}`].sort());
    expect(summary.retired.every((r) => r.status.message === RETIRED_MESSAGE)).toBe(true);
    const input = await store.readTenantInput();
    expect(input.clusters.map((c) => c.id)).toEqual([CLUSTER_A1]);
    expect(input.azure.roleAssignments.map((a) => a.principalId)).toEqual(['u-alice']);
    // Retired once: the next run neither runs nor retires them again.
    const third = await runSync(deps);
    expect(third.retired).toEqual([]);
    expect(third.results).toHaveLength(2 + 2 + 1);
  });

  it('keeps at most `concurrency` units in flight', async () => {
    const { fake, deps } = setup(2);
    await runSync(deps);
    expect(fake.maxInFlight()).toBe(2);
  });

  it('a unit that throws something unexpected is reported and the others complete', async () => {
    const { fake, deps } = setup();
    fake.crash(clusterUnit(CLUSTER_B1));
    const summary = await runSync(deps);
    expect(summary.errors).toEqual([{ unit: `k8s-rbac cluster:${CLUSTER_B1}`, message: `k8s-rbac cluster:${CLUSTER_B1}: a bug` }]);
    expect(summary.units.ok).toBe(ALL_UNITS - 1);
  });
});
