import { expandPaths, parseFile } from '../../manifests/readManifestFiles.ts';
import { clusterKey } from '../../engine/access/accessModel.ts';
import { clusterIdentityFindings } from '../../engine/findings/clusterIdentityFindings.ts';
import { riskyAccessFindings } from '../../engine/findings/riskyAccess.ts';
import { escalationFindings } from '../../engine/findings/escalationPaths.ts';
import type { Finding, FindingCategory } from '../../engine/findings/Finding.ts';
import type { K8sPod } from '../../model/k8sInventory.ts';
import { extractInternalLoadBalancerSubnets, extractNetworkAndRegistries, extractPods } from '../../normalize/extractFindingsInputs.ts';
import { extractServiceAccounts } from '../../normalize/extractServiceAccounts.ts';
import { extractFederatedCredentials } from '../../normalize/extractFederatedCredentials.ts';
import { loadAccessModel, type LoadedAccessModel } from '../crossPlane/loadAccessModel.ts';

export interface OfflineFindingsOptions {
  /** `az` exports (files or directories). */
  readonly azureFiles: readonly string[];
  /** `[CLUSTER=]PATH` manifests, attached to clusters the way loadAccessModel attaches them. */
  readonly fromFiles: readonly string[];
  /** `--cluster NAME|ID` (none: every cluster). */
  readonly clusters?: readonly string[];
  /** Categories to compute (none: all). */
  readonly kinds?: readonly FindingCategory[];
  readonly includeBaseline?: boolean;
}

export interface OfflineFindings {
  readonly findings: readonly Finding[];
  /** The clusters the findings were computed for (clean ones included), for reports. */
  readonly clusters?: readonly { readonly id: string; readonly name: string }[];
  readonly warnings: readonly string[];
}

export async function documentsOf(paths: readonly string[]): Promise<{ value: unknown; source: string }[]> {
  if (paths.length === 0) return [];
  const documents = [];
  for (const file of await expandPaths(paths)) documents.push(...(await parseFile(file)));
  return documents;
}

function splitClusterPath(arg: string): [string | undefined, string] {
  const eq = arg.indexOf('=');
  if (eq <= 0 || arg.slice(0, eq).includes('/')) return [undefined, arg];
  return [arg.slice(0, eq), arg.slice(eq + 1)];
}

/**
 * The manifest documents of each cluster (lower-case id), attached the way loadAccessModel attaches manifests:
 * `CLUSTER=PATH` to that cluster, a plain PATH to the only cluster there is.
 */
export async function manifestDocumentsByCluster(loaded: LoadedAccessModel, fromFiles: readonly string[]): Promise<Map<string, { value: unknown; source: string }[]>> {
  const perCluster = new Map<string, { value: unknown; source: string }[]>();
  for (const arg of fromFiles) {
    const [name, path] = splitClusterPath(arg);
    const cluster =
      name !== undefined
        ? loaded.model.clusters.find((c) => c.name.toLowerCase() === name.toLowerCase() || c.id.toLowerCase() === name.toLowerCase())
        : loaded.clusters.length === 1
          ? loaded.clusters[0]
          : undefined;
    if (cluster === undefined) continue;
    perCluster.set(clusterKey(cluster.id), [...(perCluster.get(clusterKey(cluster.id)) ?? []), ...(await documentsOf([path]))]);
  }
  return perCluster;
}

/** Findings offline: cluster-identity gaps, risky access and escalation paths from az exports and manifests. */
export async function offlineFindings(options: OfflineFindingsOptions): Promise<OfflineFindings> {
  const { azureFiles, fromFiles } = options;
  const kinds = options.kinds ?? [];
  const wanted = (k: FindingCategory) => kinds.length === 0 || kinds.includes(k);
  const loaded = await loadAccessModel(fromFiles, azureFiles, options.clusters ?? []);
  const warnings = [...loaded.warnings];
  const findings: Finding[] = [];

  // Manifest documents per cluster (lower-case id), attached the way loadAccessModel attaches manifests; read once.
  let perCluster: Map<string, { value: unknown; source: string }[]> | undefined;
  const manifests = async () => (perCluster ??= await manifestDocumentsByCluster(loaded, fromFiles));

  if (wanted('cluster-identity')) {
    const { subnets, registries } = extractNetworkAndRegistries(await documentsOf(azureFiles));
    const pods = new Map<string, K8sPod[]>();
    const ilbSubnets = new Map<string, string[]>();
    for (const [key, documents] of await manifests()) {
      pods.set(key, extractPods(documents));
      ilbSubnets.set(key, extractInternalLoadBalancerSubnets(documents));
    }
    const result = clusterIdentityFindings({
      model: loaded.model,
      clusters: loaded.clusters,
      subnets,
      registries,
      inventories: new Map([...pods].map(([k, v]) => [k, { pods: v }])),
      internalLoadBalancerSubnets: ilbSubnets,
    });
    findings.push(...result.findings);
    warnings.push(...result.warnings);
  }
  if (wanted('risky')) {
    const result = riskyAccessFindings(loaded.model, { clusters: loaded.clusters, includeBaseline: options.includeBaseline === true });
    findings.push(...result.findings);
    warnings.push(...result.warnings);
  }
  if (wanted('escalation')) {
    const inventories = new Map([...(await manifests())].map(([key, documents]) => [key, { serviceAccounts: extractServiceAccounts(documents) }]));
    // `az identity list` + `az identity federated-credential list` among the az files, when exported.
    const federated = extractFederatedCredentials(await documentsOf(azureFiles));
    warnings.push(...federated.warnings);
    const result = escalationFindings(loaded.model, { clusters: loaded.clusters, inventories, federatedCredentials: federated.credentials, includeBaseline: options.includeBaseline === true });
    findings.push(...result.findings);
    warnings.push(...result.warnings);
  }
  // Pods and service accounts in the manifests are read here, not by the RBAC loader: its "skipped" notes about them are noise.
  return { findings, clusters: loaded.clusters.map((c) => ({ id: c.id, name: c.name })), warnings: warnings.filter((w) => !/^skipped \d+ object\(s\) that are not RBAC objects \((Pod|ServiceAccount): \d+(, (Pod|ServiceAccount): \d+)?\)$/.test(w)) };
}
