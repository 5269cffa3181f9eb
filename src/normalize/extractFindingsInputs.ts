import type { K8sPod } from '../model/k8sInventory.ts';
import type { RegistryInfo, SubnetInfo } from '../engine/findings/clusterIdentityFindings.ts';
import { field, isObject, list, obj, props, str, type Json } from './jsonFields.ts';

/*
 * Pure: what the cluster-identity check reads besides RBAC, from the documents the CLI already parses.
 * Subnets from `az network vnet list` (subnets inside each VNet), `az network vnet subnet list/show` or
 * ARM; registries from `az acr list` or ARM; pods (and the pod templates of workloads) from manifests or
 * `kubectl get pods -A -o json`.
 */

function items(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (isObject(value) && Array.isArray(value.value)) return value.value;
  if (isObject(value) && Array.isArray(value.items)) return value.items;
  return [value];
}

function idOf(o: Json | undefined, where: string): string | undefined {
  if (o === undefined) return undefined;
  const id = str(o, 'id', where);
  return id === '' ? undefined : id;
}

function subnetOf(raw: Json, where: string): SubnetInfo | undefined {
  const id = str(raw, 'id', where);
  if (id === '') return undefined;
  const p = props(raw);
  const routeTableId = idOf(obj(p, 'routeTable'), where);
  const networkSecurityGroupId = idOf(obj(p, 'networkSecurityGroup'), where);
  return { id, ...(routeTableId === undefined ? {} : { routeTableId }), ...(networkSecurityGroupId === undefined ? {} : { networkSecurityGroupId }) };
}

export function extractNetworkAndRegistries(documents: readonly { value: unknown; source: string }[]): { subnets: SubnetInfo[]; registries: RegistryInfo[] } {
  const subnets: SubnetInfo[] = [];
  const registries: RegistryInfo[] = [];
  for (const { value, source } of documents) {
    items(value).forEach((item, i) => {
      if (!isObject(item)) return;
      const where = `${source} [${String(i)}]`;
      const type = str(item, 'type', where).toLowerCase();
      if (type === 'microsoft.network/virtualnetworks/subnets') {
        const s = subnetOf(item, where);
        if (s !== undefined) subnets.push(s);
      } else if (type === 'microsoft.network/virtualnetworks') {
        for (const sub of list(props(item), 'subnets', where)) {
          const s = isObject(sub) ? subnetOf(sub, where) : undefined;
          if (s !== undefined) subnets.push(s);
        }
      } else if (type === 'microsoft.containerregistry/registries') {
        const p = props(item);
        const id = str(item, 'id', where);
        const loginServer = str(p, 'loginServer', where);
        const mode = str(p, 'roleAssignmentMode', where);
        if (id !== '' && loginServer !== '') registries.push({ id, name: str(item, 'name', where), loginServer, ...(mode === '' ? {} : { roleAssignmentMode: mode }) });
      }
    });
  }
  return { subnets, registries };
}

const WORKLOADS = new Set(['deployment', 'statefulset', 'daemonset', 'replicaset', 'job', 'replicationcontroller']);

function imagesOf(spec: Json | undefined, where: string): string[] {
  if (spec === undefined) return [];
  const out: string[] = [];
  for (const key of ['containers', 'initContainers', 'ephemeralContainers']) {
    for (const c of list(spec, key, where)) if (isObject(c) && str(c, 'image', where) !== '') out.push(str(c, 'image', where));
  }
  return out;
}

/** Pods, and workloads as the pods they will run, with their images. */
export function extractPods(documents: readonly { value: unknown; source: string }[]): K8sPod[] {
  const pods: K8sPod[] = [];
  const visit = (item: unknown, where: string) => {
    if (!isObject(item)) return;
    const kind = str(item, 'kind', where).toLowerCase();
    if (kind === 'list' || kind.endsWith('list')) {
      list(item, 'items', where).forEach((x, i) => { visit(x, `${where} items[${String(i)}]`); });
      return;
    }
    const meta = obj(item, 'metadata') ?? {};
    let spec: Json | undefined;
    if (kind === 'pod') spec = obj(item, 'spec');
    else if (WORKLOADS.has(kind)) spec = obj(obj(obj(item, 'spec') ?? {}, 'template') ?? {}, 'spec');
    else if (kind === 'cronjob') spec = obj(obj(obj(obj(obj(item, 'spec') ?? {}, 'jobTemplate') ?? {}, 'spec') ?? {}, 'template') ?? {}, 'spec');
    else return;
    const images = imagesOf(spec, where);
    if (images.length === 0) return;
    const sa = spec === undefined ? '' : str(spec, 'serviceAccountName', where);
    const labels = field(meta, 'labels');
    pods.push({
      namespace: str(meta, 'namespace', where),
      name: str(meta, 'name', where),
      serviceAccountName: sa === '' ? 'default' : sa,
      images,
      labels: isObject(labels) ? (Object.fromEntries(Object.entries(labels).filter(([, v]) => typeof v === 'string')) as Record<string, string>) : {},
    });
  };
  for (const { value, source } of documents) {
    if (Array.isArray(value)) value.forEach((x, i) => { visit(x, `${source} [${String(i)}]`); });
    else visit(value, source);
  }
  return pods;
}

const ILB = 'service.beta.kubernetes.io/azure-load-balancer-internal';
const ILB_SUBNET = 'service.beta.kubernetes.io/azure-load-balancer-internal-subnet';

/** Subnets named by internal LoadBalancer Services (`azure-load-balancer-internal-subnet`). */
export function extractInternalLoadBalancerSubnets(documents: readonly { value: unknown; source: string }[]): string[] {
  const out: string[] = [];
  const visit = (item: unknown, where: string) => {
    if (!isObject(item)) return;
    const kind = str(item, 'kind', where).toLowerCase();
    if (kind === 'list' || kind.endsWith('list')) {
      list(item, 'items', where).forEach((x, i) => { visit(x, `${where} items[${String(i)}]`); });
      return;
    }
    if (kind !== 'service') return;
    const annotations = obj(obj(item, 'metadata') ?? {}, 'annotations') ?? {};
    const subnet = annotations[ILB_SUBNET];
    if (annotations[ILB] === 'true' && typeof subnet === 'string' && subnet !== '' && !out.includes(subnet)) out.push(subnet);
  };
  for (const { value, source } of documents) {
    if (Array.isArray(value)) value.forEach((x, i) => { visit(x, `${source} [${String(i)}]`); });
    else visit(value, source);
  }
  return out;
}
