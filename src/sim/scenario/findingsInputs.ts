/** Test support: the contoso scenario as the engine's inputs (model, pods, subnets, registries). */
import { fileURLToPath } from 'node:url';
import { loadScenario } from './scenarioFile.ts';
import type { TenantScenario } from './TenantScenario.ts';
import { normalizeManagedCluster } from '../../normalize/normalizeManagedCluster.ts';
import { buildAccessModel, type AccessModelInput } from '../../engine/access/accessModel.ts';
import type { ClusterIdentityInput } from '../../engine/findings/clusterIdentityFindings.ts';

export const CONTOSO_PATH = fileURLToPath(new URL('../../../scenarios/contoso.yaml', import.meta.url));

export function scenarioInputs(s: TenantScenario): { modelInput: AccessModelInput; identityInput: ClusterIdentityInput } {
  const clusters = s.clusters.map((c, i) => normalizeManagedCluster(c.arm, `cluster ${String(i)}`));
  const modelInput: AccessModelInput = {
    clusters,
    kubernetes: new Map(s.clusters.map((c, i) => [clusters[i]?.id.toLowerCase() ?? '', c.kubernetes])),
    azure: s.azure,
    entra: s.entra,
  };
  const model = buildAccessModel(modelInput);
  return {
    modelInput,
    identityInput: {
      model,
      inventories: new Map(s.clusters.map((c, i) => [clusters[i]?.id.toLowerCase() ?? '', c.kubernetes])),
      subnets: s.subnets,
      registries: s.registries,
    },
  };
}

export async function loadContoso(): Promise<{ scenario: TenantScenario } & ReturnType<typeof scenarioInputs>> {
  const scenario = await loadScenario(CONTOSO_PATH);
  return { scenario, ...scenarioInputs(scenario) };
}
