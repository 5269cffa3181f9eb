import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { K8sNamespace, K8sPod, K8sServiceAccount } from '../../model/k8sInventory.ts';
import type { Binding, RbacObjects, Role } from '../../model/k8sRbac.ts';
import { extractRbacObjects } from '../../manifests/extractRbacObjects.ts';
import { shortHash } from './deterministicIds.ts';

/*
 * What every AKS cluster has before a team adds anything: the upstream bootstrap RBAC policy, the RBAC
 * objects AKS installs, the system namespaces, and the kube-system service accounts and pods. The RBAC
 * objects are parsed once and shared (the same objects) by every cluster of every scenario, so a
 * thousand simulated clusters cost one copy.
 */

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BOOTSTRAP_DIR = 'examples/k8s/kubernetes-bootstrap';
const AKS_MANAGED_FILE = 'src/sim/scenario/data/aks-managed-rbac.yaml';

export const SYSTEM_NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system'] as const;

function readRbacFiles(relativePaths: readonly string[]): RbacObjects {
  const documents = relativePaths.flatMap((rel) => {
    const text = readFileSync(`${REPO_ROOT}${rel}`, 'utf8');
    const docs = parseAllDocuments(text);
    const list = Array.isArray(docs) ? docs : [docs];
    return list.map((doc, i) => {
      const error = doc.errors[0];
      if (error !== undefined) throw new Error(`${rel}: invalid YAML: ${error.message}`);
      return { value: doc.toJS() as unknown, source: list.length > 1 ? `${rel} document ${i + 1}` : rel };
    });
  });
  const { roles, bindings } = extractRbacObjects(documents);
  return { roles, bindings };
}

let bootstrap: RbacObjects | undefined;
let aksManaged: RbacObjects | undefined;

/** The upstream bootstrap policy (examples/k8s/kubernetes-bootstrap, verbatim from kubernetes/kubernetes). */
export function bootstrapRbac(): RbacObjects {
  bootstrap ??= readRbacFiles(
    readdirSync(`${REPO_ROOT}${BOOTSTRAP_DIR}`)
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => `${BOOTSTRAP_DIR}/${f}`),
  );
  return bootstrap;
}

/** The RBAC objects AKS installs in every cluster (data/aks-managed-rbac.yaml). */
export function aksManagedRbac(): RbacObjects {
  aksManaged ??= readRbacFiles([AKS_MANAGED_FILE]);
  return aksManaged;
}

/** `aks-cluster-admin-binding-aad`: cluster-admin for the Entra admin groups (aadProfile.adminGroupObjectIDs). */
export function adminGroupsBinding(adminGroupObjectIds: readonly string[]): Binding {
  return {
    kind: 'ClusterRoleBinding',
    name: 'aks-cluster-admin-binding-aad',
    namespace: '',
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: adminGroupObjectIds.map((id) => ({ kind: 'Group', name: id, namespace: '', apiGroup: 'rbac.authorization.k8s.io' })),
    source: 'installed by AKS for aadProfile.adminGroupObjectIDs',
  };
}

let baselineRoles: readonly Role[] | undefined;
let baselineBindings: readonly Binding[] | undefined;

/** Roles and bindings of a fresh AKS cluster (shared arrays: never mutate). */
export function baselineRbac(adminGroupObjectIds: readonly string[]): RbacObjects {
  baselineRoles ??= [...bootstrapRbac().roles, ...aksManagedRbac().roles];
  baselineBindings ??= [...bootstrapRbac().bindings, ...aksManagedRbac().bindings];
  if (adminGroupObjectIds.length === 0) return { roles: baselineRoles, bindings: baselineBindings };
  return { roles: baselineRoles, bindings: [...baselineBindings, adminGroupsBinding(adminGroupObjectIds)] };
}

export function namespace(name: string, labels: Readonly<Record<string, string>> = {}): K8sNamespace {
  // The API server labels every namespace with its name (NamespaceDefaultLabelName, GA in 1.22).
  return { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } };
}

interface SystemWorkload {
  readonly app: string;
  readonly serviceAccount: string;
  readonly images: readonly string[];
  /** Replicas of a Deployment; undefined for a DaemonSet (one pod per node). */
  readonly replicas?: number;
  readonly onlyWithWorkloadIdentity?: boolean;
}

const MCR = 'mcr.microsoft.com/oss';

function systemWorkloads(kubernetesVersion: string): readonly SystemWorkload[] {
  return [
    { app: 'coredns', serviceAccount: 'coredns', images: [`${MCR}/v2/kubernetes/coredns:v1.11.3-2`], replicas: 2 },
    { app: 'coredns-autoscaler', serviceAccount: 'coredns-autoscaler', images: [`${MCR}/v2/kubernetes/autoscaler/cluster-proportional-autoscaler:v1.8.11`], replicas: 1 },
    { app: 'metrics-server', serviceAccount: 'metrics-server', images: [`${MCR}/v2/kubernetes/metrics-server:v0.7.2`], replicas: 2 },
    { app: 'konnectivity-agent', serviceAccount: 'konnectivity-agent', images: [`${MCR}/v2/kubernetes/apiserver-network-proxy/agent:v0.30.3`], replicas: 2 },
    { app: 'kube-proxy', serviceAccount: 'kube-proxy', images: [`${MCR}/kubernetes/kube-proxy:v${kubernetesVersion}`] },
    { app: 'cloud-node-manager', serviceAccount: 'cloud-node-manager', images: [`${MCR}/kubernetes/azure-cloud-node-manager:v1.31.1`] },
    {
      app: 'csi-azuredisk-node',
      serviceAccount: 'csi-azuredisk-node-sa',
      images: [`${MCR}/v2/kubernetes-csi/livenessprobe:v2.14.0`, `${MCR}/v2/kubernetes-csi/csi-node-driver-registrar:v2.12.0`, `${MCR}/v2/kubernetes-csi/azuredisk-csi:v1.30.5`],
    },
    {
      app: 'csi-azurefile-node',
      serviceAccount: 'csi-azurefile-node-sa',
      images: [`${MCR}/v2/kubernetes-csi/livenessprobe:v2.14.0`, `${MCR}/v2/kubernetes-csi/csi-node-driver-registrar:v2.12.0`, `${MCR}/v2/kubernetes-csi/azurefile-csi:v1.30.6`],
    },
    { app: 'azure-wi-webhook-controller-manager', serviceAccount: 'azure-wi-webhook-admin', images: [`${MCR}/v2/azure/workload-identity/webhook:v1.3.0`], replicas: 2, onlyWithWorkloadIdentity: true },
  ];
}

/** Kubernetes generates pod-name suffixes from this alphabet (no vowels, no look-alikes). */
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function podSuffix(seed: string, length: number): string {
  const hex = shortHash(seed, length * 2);
  let out = '';
  for (let i = 0; i < length; i++) out += SUFFIX_ALPHABET.charAt(Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16) % SUFFIX_ALPHABET.length);
  return out;
}

export interface BaselineInventoryOptions {
  readonly clusterName: string;
  readonly kubernetesVersion: string;
  readonly nodeCount: number;
  readonly workloadIdentity: boolean;
}

/** System namespaces, the kube-system service accounts (controllers and add-ons) and the add-on pods. */
export function baselineInventory(options: BaselineInventoryOptions): { namespaces: K8sNamespace[]; serviceAccounts: K8sServiceAccount[]; pods: K8sPod[] } {
  const workloads = systemWorkloads(options.kubernetesVersion).filter((w) => options.workloadIdentity || w.onlyWithWorkloadIdentity !== true);
  const kubeSystemAccounts = new Set<string>(workloads.map((w) => w.serviceAccount));
  for (const binding of [...bootstrapRbac().bindings, ...aksManagedRbac().bindings]) {
    for (const s of binding.subjects) if (s.kind === 'ServiceAccount' && s.namespace === 'kube-system') kubeSystemAccounts.add(s.name);
  }
  kubeSystemAccounts.add('azure-cloud-provider');
  kubeSystemAccounts.delete('default');
  const serviceAccounts: K8sServiceAccount[] = SYSTEM_NAMESPACES.map((ns) => ({ namespace: ns, name: 'default', annotations: {} }));
  for (const name of [...kubeSystemAccounts].sort()) serviceAccounts.push({ namespace: 'kube-system', name, annotations: {} });

  const pods: K8sPod[] = [];
  for (const w of workloads) {
    const seed = `${options.clusterName}/${w.app}`;
    if (w.replicas === undefined) {
      for (let node = 0; node < options.nodeCount; node++) {
        pods.push({ namespace: 'kube-system', name: `${w.app}-${podSuffix(`${seed}/${node}`, 5)}`, serviceAccountName: w.serviceAccount, images: w.images, labels: { 'k8s-app': w.app } });
      }
    } else {
      const template = podSuffix(seed, 10);
      for (let i = 0; i < w.replicas; i++) {
        pods.push({
          namespace: 'kube-system',
          name: `${w.app}-${template}-${podSuffix(`${seed}/${i}`, 5)}`,
          serviceAccountName: w.serviceAccount,
          images: w.images,
          labels: { 'k8s-app': w.app, 'pod-template-hash': template },
        });
      }
    }
  }
  return { namespaces: SYSTEM_NAMESPACES.map((ns) => namespace(ns)), serviceAccounts, pods };
}
