import { describe, expect, it } from 'vitest';
import { MemoryIndexStore } from '../../test/helpers/memoryIndexStore.ts';
import { CLUSTER_A1, SUB_A, fakeClock, fakeCollect, fakeTenant } from '../../test/helpers/fakeTenant.ts';
import { RETIRED_MESSAGE, retireUnit, runUnit } from './runUnit.ts';
import { clusterUnit, subscriptionUnits } from './units.ts';
import type { SyncDeps } from './SyncDeps.ts';

function setup() {
  const tenant = fakeTenant();
  const fake = fakeCollect(tenant);
  const store = new MemoryIndexStore();
  const deps: SyncDeps = { store, collect: fake.collect, ...fakeClock() };
  return { tenant, fake, store, deps };
}

const [rbacA] = subscriptionUnits(SUB_A) as [ReturnType<typeof subscriptionUnits>[number]];

describe('runUnit', () => {
  it('writes a complete fetch, then records ok with the time of the attempt as the last success', async () => {
    const { store, deps } = setup();
    const result = await runUnit(rbacA, 'run-1', deps);
    expect(result.status).toEqual({
      unit: `azure-rbac|sub:${SUB_A}`,
      source: 'azure-rbac',
      scope: `sub:${SUB_A}`,
      runId: 'run-1',
      state: 'ok',
      lastAttempt: '2025-06-01T08:00:01.000Z',
      lastSuccess: '2025-06-01T08:00:01.000Z',
      objects: 1,
      durationMs: 1000,
    });
    expect(result.written).toBe(1);
    expect(store.stored(rbacA)?.runId).toBe('run-1');
    expect(store.calls).toEqual([`write azure-rbac|sub:${SUB_A}`, `status azure-rbac|sub:${SUB_A} ok`]);
  });

  it('is idempotent: the same unit twice in a run leaves the same documents and deletes nothing', async () => {
    const { store, deps } = setup();
    await runUnit(clusterUnit(CLUSTER_A1), 'run-1', deps);
    const before = store.documentsByUnit();
    const again = await runUnit(clusterUnit(CLUSTER_A1), 'run-1', deps);
    expect(again.deleted).toBe(0);
    expect(store.documentsByUnit()).toEqual(before);
  });

  it('a later run deletes only the unit’s documents its complete fetch no longer has', async () => {
    const { tenant, store, deps } = setup();
    await runUnit(rbacA, 'run-1', deps);
    await runUnit(clusterUnit(CLUSTER_A1), 'run-1', deps);
    const clusterDocs = store.documentsByUnit()[`k8s-rbac|cluster:${CLUSTER_A1}`];
    tenant.assignments.set(SUB_A, []);
    const result = await runUnit(rbacA, 'run-2', deps);
    expect(result).toMatchObject({ written: 0, deleted: 1 });
    expect(store.documentsByUnit()[`azure-rbac|sub:${SUB_A}`]).toEqual({});
    expect(store.documentsByUnit()[`k8s-rbac|cluster:${CLUSTER_A1}`]).toEqual(clusterDocs);
  });

  it('a collector failure keeps the unit’s documents and records why, the permission, and the last success', async () => {
    const { fake, store, deps } = setup();
    await runUnit(rbacA, 'run-1', deps);
    const before = store.stored(rbacA);
    fake.fail(rbacA, 'denied', { permission: 'Microsoft.Authorization/roleAssignments/read' });
    const result = await runUnit(rbacA, 'run-2', deps);
    expect(result.status).toMatchObject({
      state: 'denied',
      runId: 'run-2',
      message: `azure-rbac sub:${SUB_A}: injected denied`,
      permission: 'Microsoft.Authorization/roleAssignments/read',
      lastSuccess: '2025-06-01T08:00:01.000Z',
      objects: 0,
    });
    expect(result.snapshot).toBeUndefined();
    expect(store.stored(rbacA)).toEqual(before);
    expect(store.calls.filter((c) => c.startsWith('write'))).toHaveLength(1);
  });

  it('a failure before any success has no last success', async () => {
    const { fake, deps } = setup();
    fake.fail(rbacA, 'transient');
    const result = await runUnit(rbacA, 'run-1', deps);
    expect(result.status.state).toBe('transient');
    expect(result.status).not.toHaveProperty('lastSuccess');
  });

  it('anything but a CollectorError propagates and records nothing (the caller’s retry policy decides)', async () => {
    const { fake, store, deps } = setup();
    fake.crash(rbacA);
    await expect(runUnit(rbacA, 'run-1', deps)).rejects.toThrow(/a bug/);
    expect(store.calls).toEqual([]);
    store.failWrites = new Error('store unreachable');
    fake.clear();
    await expect(runUnit(rbacA, 'run-1', deps)).rejects.toThrow(/store unreachable/);
    expect(await store.listUnitStatus()).toEqual([]);
  });

  it('refuses a unit whose scope does not fit its source', async () => {
    const { deps } = setup();
    await expect(runUnit({ source: 'entra', scope: `sub:${SUB_A}` }, 'run-1', deps)).rejects.toThrow(/entra is not collected at subscription scope/);
    await expect(runUnit({ source: 'k8s-rbac', scope: 'cluster:aks-1' }, 'run-1', deps)).rejects.toThrow(/cluster:<managedClusters ARM id>/);
  });

  it('retiring a unit removes its documents and says so in its status', async () => {
    const { store, deps } = setup();
    await runUnit(rbacA, 'run-1', deps);
    const result = await retireUnit(rbacA, 'run-2', deps);
    expect(result).toMatchObject({ written: 0, deleted: 1, status: { state: 'ok', message: RETIRED_MESSAGE, lastSuccess: '2025-06-01T08:00:01.000Z' } });
    expect(store.documentsByUnit()[`azure-rbac|sub:${SUB_A}`]).toEqual({});
  });
});
