import type { AksCluster } from '../../model/aksCluster.ts';
import type { AzureRbacData } from '../../model/azureRbac.ts';
import type { EntraDirectory } from '../../model/entra.ts';
import type { RbacObjects } from '../../model/k8sRbac.ts';
import { buildAzureRbacIndex, type AzureRbacIndex } from '../azure/azureRbacIndex.ts';
import { buildEntraIndex, type EntraIndex } from '../entra/entraIndex.ts';
import { buildRbacPolicy, compileRbacIndex, type CompiledRbacIndex } from '../k8s/index.ts';

/** Everything the cross-plane questions read: clusters, their Kubernetes RBAC, Azure RBAC and the directory. */
export interface AccessModel {
  readonly clusters: readonly AksCluster[];
  /** Compiled Kubernetes RBAC per cluster id (lower-case). A cluster without one has an unknown Kubernetes plane. */
  readonly kubernetes: ReadonlyMap<string, CompiledRbacIndex>;
  readonly azure: AzureRbacIndex;
  readonly entra: EntraIndex;
  readonly warnings: readonly string[];
}

export interface AccessModelInput {
  readonly clusters: readonly AksCluster[];
  /** Kubernetes RBAC objects by cluster id. */
  readonly kubernetes: ReadonlyMap<string, RbacObjects>;
  readonly azure: AzureRbacData;
  readonly entra: EntraDirectory;
}

export function clusterKey(id: string): string {
  return id.toLowerCase();
}

export function buildAccessModel(input: AccessModelInput): AccessModel {
  const warnings: string[] = [];
  const kubernetes = new Map<string, CompiledRbacIndex>();
  for (const [id, objects] of input.kubernetes) {
    const policy = buildRbacPolicy(objects);
    warnings.push(...policy.warnings);
    kubernetes.set(clusterKey(id), compileRbacIndex(policy));
  }
  const azure = buildAzureRbacIndex(input.azure);
  warnings.push(...azure.warnings);
  return { clusters: input.clusters, kubernetes, azure, entra: buildEntraIndex(input.entra), warnings };
}

export function findCluster(model: AccessModel, nameOrId: string): AksCluster | undefined {
  const k = nameOrId.toLowerCase();
  return model.clusters.find((c) => c.id.toLowerCase() === k) ?? model.clusters.find((c) => c.name.toLowerCase() === k);
}
