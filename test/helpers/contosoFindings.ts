/** scenarios/contoso.yaml compiled the way sync compiles it, findings included: one generation per cluster. */
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../../src/sim/scenario/scenarioFile.ts';
import { normalizeManagedCluster } from '../../src/normalize/normalizeManagedCluster.ts';
import { sliceForCluster } from '../../src/engine/access/sliceForCluster.ts';
import { clusterFindingsFromTenant } from '../../src/engine/findings/findingsForCluster.ts';
import type { AccessModelInput } from '../../src/engine/access/accessModel.ts';
import type { ClusterGeneration, IndexStore } from '../../src/store/IndexStore.ts';

export async function contosoGenerationsWithFindings(generation = 'gen-1', compiledAt = '2026-11-29T10:00:00Z'): Promise<ClusterGeneration[]> {
  const s = await loadScenario(fileURLToPath(new URL('../../scenarios/contoso.yaml', import.meta.url)));
  const clusters = s.clusters.map((c, i) => normalizeManagedCluster(c.arm, `cluster ${i}`));
  const input: AccessModelInput = { clusters, kubernetes: new Map(s.clusters.map((c, i) => [clusters[i]?.id.toLowerCase() ?? '', c.kubernetes])), azure: s.azure, entra: s.entra };
  return clusters.map((c) => {
    const slice = sliceForCluster(input, c.id);
    const findings = clusterFindingsFromTenant(input, c, slice, { subnets: s.subnets, registries: s.registries });
    return { clusterId: c.id, generation, compiledAt, input: slice, findings };
  });
}

/** Writes contoso's generations with their findings into the store; returns them. */
export async function writeContosoWithFindings(store: IndexStore): Promise<ClusterGeneration[]> {
  const generations = await contosoGenerationsWithFindings();
  for (const g of generations) await store.writeGeneration(g);
  return generations;
}
