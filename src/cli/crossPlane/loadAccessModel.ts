import type { AksCluster } from '../../model/aksCluster.ts';
import type { RbacObjects } from '../../model/k8sRbac.ts';
import { readManifestFiles } from '../../manifests/readManifestFiles.ts';
import { readAzureFiles } from '../../offline/readAzureFiles.ts';
import { buildAccessModel, clusterKey, findCluster, type AccessModel, type AccessModelInput } from '../../engine/access/accessModel.ts';
import { UsageError } from '../../present/UsageError.ts';

export interface LoadedAccessModel {
  readonly model: AccessModel;
  /** What the model was built from (for callers that index it rather than ask it). */
  readonly input: AccessModelInput;
  /** The clusters the question is about (`--cluster`, else every cluster). */
  readonly clusters: readonly AksCluster[];
  readonly warnings: readonly string[];
}

/** A cluster known only from its manifests: no Entra integration, so only Kubernetes RBAC applies. */
function manifestOnlyCluster(name: string): AksCluster {
  return {
    id: name,
    name,
    subscriptionId: '',
    resourceGroup: '',
    entraIntegration: false,
    azureRbac: false,
    adminGroupObjectIds: [],
    localAccountsEnabled: false,
    kubernetesRbac: true,
  };
}

/** `CLUSTER=PATH` → [CLUSTER, PATH]; a plain PATH (or a Windows-free path containing '=' after a slash) → [undefined, PATH]. */
function splitClusterPath(arg: string): [string | undefined, string] {
  const eq = arg.indexOf('=');
  if (eq <= 0 || arg.slice(0, eq).includes('/')) return [undefined, arg];
  return [arg.slice(0, eq), arg.slice(eq + 1)];
}

/**
 * Builds the cross-plane model from `--azure-files` and `--from-files [CLUSTER=]PATH...`, attaching manifests
 * to the cluster they name, to `--cluster`, or to the only cluster there is.
 */
export async function loadAccessModel(fromFiles: readonly string[], azureFiles: readonly string[], clusterArgs: readonly string[]): Promise<LoadedAccessModel> {
  const warnings: string[] = [];
  const azure = azureFiles.length > 0 ? await readAzureFiles(azureFiles) : undefined;
  if (azure !== undefined) warnings.push(...azure.warnings);
  const clusters: AksCluster[] = [...(azure?.clusters ?? [])];

  const lookup = (nameOrId: string): AksCluster => {
    const k = nameOrId.toLowerCase();
    const found = clusters.find((c) => c.id.toLowerCase() === k) ?? clusters.find((c) => c.name.toLowerCase() === k);
    if (found !== undefined) return found;
    if (azure !== undefined && azure.clusters.length > 0) {
      throw new UsageError(`unknown cluster "${nameOrId}": the Azure input lists ${azure.clusters.map((c) => c.name).join(', ')} (give a name or resource id from 'az aks list')`);
    }
    const synthetic = manifestOnlyCluster(nameOrId);
    clusters.push(synthetic);
    return synthetic;
  };

  const selected = clusterArgs.map(lookup);
  const byCluster = new Map<string, string[]>();
  for (const arg of fromFiles) {
    const [name, path] = splitClusterPath(arg);
    let cluster: AksCluster;
    if (name !== undefined) cluster = lookup(name);
    else if (selected.length === 1 && selected[0] !== undefined) cluster = selected[0];
    else if (clusters.length === 1 && clusters[0] !== undefined) cluster = clusters[0];
    else if (clusters.length === 0) cluster = lookup('cluster');
    else {
      throw new UsageError(`which cluster does ${path} belong to? Use --cluster NAME, or --from-files CLUSTER=${path} (clusters: ${clusters.map((c) => c.name).join(', ')})`);
    }
    const list = byCluster.get(clusterKey(cluster.id)) ?? [];
    list.push(path);
    byCluster.set(clusterKey(cluster.id), list);
  }
  const kubernetes = new Map<string, RbacObjects>();
  for (const [id, paths] of byCluster) {
    const objects = await readManifestFiles(paths);
    warnings.push(...objects.warnings);
    kubernetes.set(id, objects);
  }
  const input: AccessModelInput = {
    clusters,
    kubernetes,
    azure: azure?.azure ?? { roleDefinitions: [], roleAssignments: [], denyAssignments: [], hierarchy: [] },
    entra: azure?.entra ?? { users: [], groups: [], servicePrincipals: [] },
  };
  const model = buildAccessModel(input);
  warnings.push(...model.warnings);
  if (clusters.length === 0) throw new UsageError('no clusters: give az aks list output in --azure-files, or Kubernetes manifests with --from-files');
  const scope = selected.length > 0 ? selected : clusters;
  return { model, input, clusters: scope.map((c) => findCluster(model, c.id) ?? c), warnings };
}
