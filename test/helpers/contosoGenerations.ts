/** scenarios/contoso.yaml compiled into one generation per cluster (each cluster's slice), as sync would store them. */
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../../src/sim/scenario/scenarioFile.ts';
import { normalizeManagedCluster } from '../../src/normalize/normalizeManagedCluster.ts';
import { sliceForCluster } from '../../src/engine/access/sliceForCluster.ts';
import type { AccessModelInput } from '../../src/engine/access/accessModel.ts';
import type { ClusterGeneration, IndexStore } from '../../src/store/IndexStore.ts';
import { MemoryIndexStore } from './memoryIndexStore.ts';

export async function contosoGenerations(generation = 'gen-1', compiledAt = '2026-11-29T10:00:00Z'): Promise<ClusterGeneration[]> {
  const s = await loadScenario(fileURLToPath(new URL('../../scenarios/contoso.yaml', import.meta.url)));
  const clusters = s.clusters.map((c, i) => normalizeManagedCluster(c.arm, `cluster ${i}`));
  const input: AccessModelInput = { clusters, kubernetes: new Map(s.clusters.map((c, i) => [clusters[i]?.id.toLowerCase() ?? '', c.kubernetes])), azure: s.azure, entra: s.entra };
  return clusters.map((c) => ({ clusterId: c.id, generation, compiledAt, input: sliceForCluster(input, c.id) }));
}

export async function writeContoso(store: IndexStore): Promise<ClusterGeneration[]> {
  const generations = await contosoGenerations();
  for (const g of generations) await store.writeGeneration(g);
  return generations;
}

/** A MemoryIndexStore holding contoso's generations. */
export async function contosoMemoryStore(): Promise<MemoryIndexStore> {
  const store = new MemoryIndexStore();
  await writeContoso(store);
  return store;
}
