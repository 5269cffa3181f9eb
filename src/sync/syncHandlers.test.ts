import { describe, expect, it } from 'vitest';
import { MemoryIndexStore } from '../../test/helpers/memoryIndexStore.ts';
import { CLUSTER_A1, CLUSTER_A2, CLUSTER_B1, SUB_A, SUB_B, fakeClock, fakeCollect, fakeTenant } from '../../test/helpers/fakeTenant.ts';
import { invocationContext, timerTrigger } from '../../test/helpers/functionContext.ts';
import { createSyncHandlers, type SyncHandlerDeps } from './syncHandlers.ts';
import type { SyncQueues } from './SyncQueues.ts';
import { SyncMessageError, decodeMessage, encodeMessage, parseCompileMessage, parseUnitMessage, type CompileMessage, type UnitMessage } from './syncMessages.ts';
import { clusterUnit, unitLabel } from './units.ts';

/** The queues as arrays: what the handlers sent, in order. */
function memoryQueues(): SyncQueues & { units: UnitMessage[]; compiles: CompileMessage[] } {
  const units: UnitMessage[] = [];
  const compiles: CompileMessage[] = [];
  return {
    units,
    compiles,
    sendUnits: (m) => (units.push(...m), Promise.resolve()),
    sendCompiles: (m) => (compiles.push(...m), Promise.resolve()),
  };
}

function setup() {
  const tenant = fakeTenant();
  const fake = fakeCollect(tenant);
  const store = new MemoryIndexStore();
  const queues = memoryQueues();
  const deps: SyncHandlerDeps = { store, collect: fake.collect, queues, ...fakeClock() };
  return { tenant, fake, store, queues, handlers: createSyncHandlers(deps) };
}

/** Plays the host: delivers every message (units first, then compiles) until both queues are empty. */
async function drain(s: ReturnType<typeof setup>): Promise<{ units: number; compiles: number; logs: string[] }> {
  let units = 0;
  let compiles = 0;
  const logs: string[] = [];
  while (s.queues.units.length > 0 || s.queues.compiles.length > 0) {
    const unit = s.queues.units.shift();
    if (unit !== undefined) {
      const { context, logs: l } = invocationContext('syncUnit');
      await s.handlers.onUnitMessage(JSON.parse(JSON.stringify(unit)) as unknown, context);
      logs.push(...l);
      units++;
      continue;
    }
    const compile = s.queues.compiles.shift();
    if (compile === undefined) break;
    const { context, logs: l } = invocationContext('syncCompile');
    await s.handlers.onCompileMessage(compile, context);
    logs.push(...l);
    compiles++;
  }
  return { units, compiles, logs };
}

describe('the timer handler', () => {
  it('starts a run: the tenant units on the unit queue, one message each, under one run id', async () => {
    const s = setup();
    const { context, logs } = invocationContext('syncTimer');
    await s.handlers.onSchedule(timerTrigger(true), context);
    expect(s.queues.units).toEqual([
      { v: 1, runId: 'run-20250601T080001000Z-0001', unit: { source: 'azure-rbac', scope: 'tenant' } },
      { v: 1, runId: 'run-20250601T080001000Z-0001', unit: { source: 'entra', scope: 'tenant' } },
    ]);
    expect(logs).toEqual(['information [run-20250601T080001000Z-0001] sync run planned: azure-rbac tenant, entra tenant (the timer was past due)']);
  });
});

describe('the unit handler', () => {
  it('fans out stage by stage and asks for each cluster to be compiled; the whole run lands in the store', async () => {
    const s = setup();
    await s.handlers.onSchedule(timerTrigger(), invocationContext('syncTimer').context);
    const run = await drain(s);
    expect(run.units).toBe(2 + 4 + 3);
    const statuses = await s.store.listUnitStatus();
    expect(statuses.map((x) => x.state)).toEqual(Array(9).fill('ok'));
    for (const id of [CLUSTER_A1, CLUSTER_A2, CLUSTER_B1]) expect((await s.store.readCurrentGeneration(id))?.clusterId).toBe(id);
    // Every compile request either compiled or said why not.
    const compileLogs = run.logs.filter((l) => /\] compile /.test(l));
    expect(compileLogs).toHaveLength(run.compiles);
    expect(compileLogs.every((l) => /generation gen-|skipped, /.test(l))).toBe(true);
  });

  it('a compile asked for before the cluster’s own unit ran waits for it; after, a request the generation covers is skipped', async () => {
    const s = setup();
    await s.handlers.onSchedule(timerTrigger(), invocationContext('syncTimer').context);
    await drain(s);
    const first = await s.store.readCurrentGeneration(CLUSTER_A1);
    // Run 2, by hand: entra first (its compile requests wait for each cluster's unit), then the cluster's unit.
    const runId = 'run-20991231T000000000Z-9999';
    await s.handlers.onUnitMessage({ v: 1, runId, unit: { source: 'entra', scope: 'tenant' } }, invocationContext('syncUnit').context);
    expect(s.queues.compiles.map((c) => c.clusterId)).toEqual([CLUSTER_A1, CLUSTER_A2, CLUSTER_B1]);
    const waiting = invocationContext('syncCompile');
    await s.handlers.onCompileMessage(s.queues.compiles[0], waiting.context);
    expect(waiting.logs[0]).toMatch(/skipped, the cluster’s k8s-rbac unit has not run in this run yet/);
    s.queues.compiles.length = 0;
    await s.handlers.onUnitMessage({ v: 1, runId, unit: clusterUnit(CLUSTER_A1) }, invocationContext('syncUnit').context);
    const request = s.queues.compiles.shift();
    expect(request?.clusterId).toBe(CLUSTER_A1);
    await s.handlers.onCompileMessage(request, invocationContext('syncCompile').context);
    const second = await s.store.readCurrentGeneration(CLUSTER_A1);
    expect(second?.generation).not.toBe(first?.generation);
    const covered = invocationContext('syncCompile');
    await s.handlers.onCompileMessage(request, covered.context);
    expect(covered.logs[0]).toMatch(/skipped, generation gen-\S+ \(compiled .*\) already includes this change/);
  });

  it('a failing cluster: status says why, no compile, its generation stays; the log names the permission', async () => {
    const s = setup();
    await s.handlers.onSchedule(timerTrigger(), invocationContext('syncTimer').context);
    await drain(s);
    const before = await s.store.readCurrentGeneration(CLUSTER_B1);
    s.fake.fail(clusterUnit(CLUSTER_B1), 'denied', { permission: 'list rolebindings.rbac.authorization.k8s.io' });
    await s.handlers.onSchedule(timerTrigger(), invocationContext('syncTimer').context);
    const run = await drain(s);
    expect(run.logs).toContain(`warning [run-20250601T080029000Z-0005] ${unitLabel(clusterUnit(CLUSTER_B1))}: denied (needs list rolebindings.rbac.authorization.k8s.io): ${unitLabel(clusterUnit(CLUSTER_B1))}: injected denied; its previous data is kept`);
    expect(run.logs.some((l) => l.includes(`compile ${CLUSTER_B1}: skipped, the cluster’s k8s-rbac unit failed (denied)`))).toBe(true);
    expect(await s.store.readCurrentGeneration(CLUSTER_B1)).toEqual(before);
  });

  it('a failed subscription listing enqueues the units below it from the stored scopes', async () => {
    const s = setup();
    await s.handlers.onSchedule(timerTrigger(), invocationContext('syncTimer').context);
    await drain(s);
    s.fake.fail({ source: 'azure-rbac', scope: 'tenant' }, 'transient');
    const { context, logs } = invocationContext('syncUnit');
    await s.handlers.onUnitMessage({ v: 1, runId: 'run-2', unit: { source: 'azure-rbac', scope: 'tenant' } }, context);
    expect(s.queues.units.map((u) => unitLabel(u.unit))).toEqual([`azure-rbac sub:${SUB_A}`, `aks-clusters sub:${SUB_A}`, `azure-rbac sub:${SUB_B}`, `aks-clusters sub:${SUB_B}`]);
    expect(s.queues.compiles).toEqual([]);
    expect(logs[1]).toMatch(/enqueued 4 units from the stored scopes \(the listing failed\)/);
  });

  it('a bug or a store failure throws, so the platform retries the message and finally poisons it', async () => {
    const s = setup();
    s.store.failWrites = new Error('Cosmos DB unavailable');
    await expect(s.handlers.onUnitMessage({ v: 1, runId: 'run-1', unit: { source: 'entra', scope: 'tenant' } }, invocationContext('syncUnit').context)).rejects.toThrow(/Cosmos DB unavailable/);
    expect(s.queues.units).toEqual([]);
  });

  it('refuses a message it cannot use, naming the field', async () => {
    const s = setup();
    const { context } = invocationContext('syncUnit');
    await expect(s.handlers.onUnitMessage('not json', context)).rejects.toThrow(SyncMessageError);
    await expect(s.handlers.onUnitMessage({ v: 2, runId: 'r', unit: { source: 'entra', scope: 'tenant' } }, context)).rejects.toThrow(/v must be 1/);
    await expect(s.handlers.onUnitMessage({ v: 1, unit: { source: 'entra', scope: 'tenant' } }, context)).rejects.toThrow(/runId must be a non-empty string/);
    await expect(s.handlers.onUnitMessage({ v: 1, runId: 'r', unit: { source: 'arm', scope: 'tenant' } }, context)).rejects.toThrow(/unit.source must be one of azure-rbac, aks-clusters, entra, k8s-rbac/);
    await expect(s.handlers.onUnitMessage({ v: 1, runId: 'r', unit: { source: 'k8s-rbac', scope: 'cluster:x' } }, context)).rejects.toThrow(/cluster:<managedClusters ARM id>/);
    await expect(s.handlers.onCompileMessage({ v: 1, runId: 'r', clusterId: CLUSTER_A1, requestedAt: 'yesterday' }, context)).rejects.toThrow(/requestedAt must be an ISO 8601 time/);
  });
});

describe('sync messages', () => {
  it('travel as base64 JSON (the host’s default encoding) and parse from an object or a string', () => {
    const unit: UnitMessage = { v: 1, runId: 'run-1', unit: clusterUnit(CLUSTER_A2) };
    const text = encodeMessage(unit);
    expect(Buffer.from(text, 'base64').toString('utf8')).toBe(JSON.stringify(unit));
    expect(parseUnitMessage(decodeMessage(text))).toEqual(unit);
    expect(parseUnitMessage(JSON.stringify(unit))).toEqual(unit);
    const compile: CompileMessage = { v: 1, runId: 'run-1', clusterId: CLUSTER_A2, requestedAt: '2025-06-01T08:00:00.000Z' };
    expect(parseCompileMessage(decodeMessage(encodeMessage(compile)))).toEqual(compile);
  });
});
