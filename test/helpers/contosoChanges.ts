/**
 * contoso in two generations a day apart, with each generation's access digest in the history, as sync would
 * leave them: the second adds one ClusterRoleBinding on aks-prod-weu that makes heidi@contoso.com cluster-admin.
 */
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../../src/sim/scenario/scenarioFile.ts';
import { normalizeManagedCluster } from '../../src/normalize/normalizeManagedCluster.ts';
import { sliceForCluster } from '../../src/engine/access/sliceForCluster.ts';
import type { AccessModelInput } from '../../src/engine/access/accessModel.ts';
import type { Binding, RbacObjects } from '../../src/model/k8sRbac.ts';
import type { IndexStore } from '../../src/store/IndexStore.ts';
import { recordAccessChanges } from '../../src/notify/recordAccessChanges.ts';
import { MemoryIndexStore } from './memoryIndexStore.ts';

export const DAY1 = '2026-11-28T10:00:00.000Z';
export const DAY2 = '2026-11-29T10:00:00.000Z';
export const BETWEEN = '2026-11-28T22:00:00.000Z';
export const CHANGED_CLUSTER = 'aks-prod-weu';
export const GAINED_BY = 'heidi@contoso.com';

export const HEIDI_ADMIN: Binding = {
  kind: 'ClusterRoleBinding',
  name: 'heidi-debug-admin',
  namespace: '',
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
  subjects: [{ kind: 'User', name: GAINED_BY, namespace: '', apiGroup: 'rbac.authorization.k8s.io' }],
  source: 'test',
};

async function contosoInput(): Promise<AccessModelInput> {
  const s = await loadScenario(fileURLToPath(new URL('../../scenarios/contoso.yaml', import.meta.url)));
  const clusters = s.clusters.map((c, i) => normalizeManagedCluster(c.arm, `cluster ${i}`));
  return { clusters, kubernetes: new Map(s.clusters.map((c, i) => [clusters[i]?.id.toLowerCase() ?? '', c.kubernetes])), azure: s.azure, entra: s.entra };
}

function withBinding(input: AccessModelInput, clusterName: string, binding: Binding): AccessModelInput {
  const id = input.clusters.find((c) => c.name === clusterName)?.id.toLowerCase() ?? '';
  const kubernetes = new Map(input.kubernetes);
  const objects = kubernetes.get(id) as RbacObjects;
  kubernetes.set(id, { ...objects, bindings: [...objects.bindings, binding] });
  return { ...input, kubernetes };
}

/** Writes every cluster's generation of `input` and records its access digest (history), as compileCluster does. */
async function compileAll(store: IndexStore, input: AccessModelInput, generation: string, compiledAt: string): Promise<void> {
  for (const c of input.clusters) {
    const g = { clusterId: c.id, generation, compiledAt, input: sliceForCluster(input, c.id) };
    await store.writeGeneration(g);
    const recorded = await recordAccessChanges(g, { store });
    if (recorded.history !== 'written') throw new Error(`history of ${c.name}: ${recorded.error ?? ''}`);
  }
}

export async function contosoChangesStore(): Promise<MemoryIndexStore> {
  const store = new MemoryIndexStore();
  const input = await contosoInput();
  await compileAll(store, input, 'gen-20261128T100000000Z-1', DAY1);
  await compileAll(store, withBinding(input, CHANGED_CLUSTER, HEIDI_ADMIN), 'gen-20261129T100000000Z-2', DAY2);
  return store;
}
