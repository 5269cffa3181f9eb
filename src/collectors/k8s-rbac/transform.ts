import type { Binding, RbacObjects, Role } from '../../model/k8sRbac.ts';
import type { K8sInventory, K8sNamespace, K8sPod, K8sServiceAccount } from '../../model/k8sInventory.ts';
import { ManifestError } from '../../manifests/ManifestError.ts';
import { parseRbacObject } from '../../manifests/parseRbacObject.ts';
import { K8S_LISTS, type K8sListName, type K8sListSpec } from './permissions.ts';

/** The items of every list, exactly as the API server sent them (JSON, items without kind/apiVersion). */
export type RawK8sLists = Readonly<Record<K8sListName, readonly unknown[]>>;

export interface K8sCollection extends RbacObjects, K8sInventory {
  /** Non-fatal remarks (a binding without a name is kept and evaluated, and said so). */
  readonly warnings: readonly string[];
  /**
   * Subnets named by internal LoadBalancer Services (`azure-load-balancer-internal-subnet`), for the
   * cluster-identity check: from the Services list (nothing else of a Service is kept), or from manifests
   * (src/dev/fileTenant.ts). Absent in snapshots stored before the collector listed Services.
   */
  readonly internalLoadBalancerSubnets?: readonly string[];
}

/** Service-account annotations that decide access (Azure workload identity); everything else is dropped. */
export const KEPT_SERVICE_ACCOUNT_ANNOTATIONS: readonly string[] = ['azure.workload.identity/client-id', 'azure.workload.identity/tenant-id'];

/** An object the API server returned that cannot be used: which one (kind, namespace, name) and what is wrong. */
export class K8sObjectError extends Error {
  override readonly name = 'K8sObjectError';
  readonly kind: string;
  readonly namespace: string;
  readonly objectName: string;

  constructor(kind: string, namespace: string, objectName: string, problem: string) {
    super(`malformed ${kind} ${namespace === '' ? objectName : `${namespace}/${objectName}`} from the API server: ${problem}`);
    this.kind = kind;
    this.namespace = namespace;
    this.objectName = objectName;
  }
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Identifies one list item, for sources and error messages, even when the item is broken. */
interface ItemRef {
  readonly spec: K8sListSpec;
  readonly namespace: string;
  readonly name: string;
  /** The object's API path, or the list path and position when it has no usable name. */
  readonly path: string;
}

function refOf(spec: K8sListSpec, item: unknown, index: number): ItemRef {
  const metadata = isObject(item) && isObject(item.metadata) ? item.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  const namespace = spec.namespaced && typeof metadata.namespace === 'string' ? metadata.namespace : '';
  const base = spec.group === '' ? '/api/v1' : `/apis/${spec.group}/v1`;
  const path = name === '' ? `${spec.path} items[${index}]` : `${base}${namespace === '' ? '' : `/namespaces/${namespace}`}/${spec.resource}/${name}`;
  return { spec, namespace, name: name === '' ? `(items[${index}])` : name, path };
}

function fail(ref: ItemRef, problem: string): never {
  throw new K8sObjectError(ref.spec.kind, ref.namespace, ref.name, problem);
}

/** Checks what every item needs before its kind-specific fields are read: a mapping with a name (and namespace). */
function metadataOf(ref: ItemRef, item: unknown): Json {
  if (!isObject(item)) fail(ref, `expected an object, got ${item === undefined ? 'nothing' : JSON.stringify(item).slice(0, 80)}`);
  if (typeof item.kind === 'string' && item.kind !== ref.spec.kind) fail(ref, `a ${item.kind} in a ${ref.spec.kind}List`);
  if (!isObject(item.metadata)) fail(ref, 'metadata must be a mapping');
  const metadata = item.metadata;
  if (typeof metadata.name !== 'string' || metadata.name === '') fail(ref, 'metadata.name is missing');
  if (ref.spec.namespaced && (typeof metadata.namespace !== 'string' || metadata.namespace === '')) fail(ref, 'metadata.namespace is missing');
  return metadata;
}

function stringMap(ref: ItemRef, owner: Json, field: string, where: string): Record<string, string> {
  const value = owner[field];
  if (value === undefined || value === null) return {};
  if (!isObject(value) || !Object.values(value).every((v) => typeof v === 'string')) fail(ref, `${where}.${field} must be a map of strings, got ${JSON.stringify(value).slice(0, 80)}`);
  return value as Record<string, string>;
}

function rbacObject(ref: ItemRef, item: unknown, origin: string, warnings: string[]): Role | Binding {
  const value = item as Json;
  metadataOf(ref, value);
  try {
    const parsed = parseRbacObject(value, ref.spec.kind as Role['kind'] | Binding['kind'], `${origin}${ref.path}`);
    warnings.push(...parsed.warnings);
    return parsed.object;
  } catch (error) {
    if (error instanceof ManifestError) fail(ref, error.message);
    throw error;
  }
}

function namespace(ref: ItemRef, item: unknown): K8sNamespace {
  const metadata = metadataOf(ref, item);
  return { name: ref.name, labels: stringMap(ref, metadata, 'labels', 'metadata') };
}

function serviceAccount(ref: ItemRef, item: unknown): K8sServiceAccount {
  const metadata = metadataOf(ref, item);
  const all = stringMap(ref, metadata, 'annotations', 'metadata');
  const annotations: Record<string, string> = {};
  for (const key of KEPT_SERVICE_ACCOUNT_ANNOTATIONS) {
    const value = all[key];
    if (value !== undefined) annotations[key] = value;
  }
  return { namespace: ref.namespace, name: ref.name, annotations };
}

function images(ref: ItemRef, spec: Json, field: string): string[] {
  const containers = spec[field];
  if (containers === undefined || containers === null) return [];
  if (!Array.isArray(containers)) fail(ref, `spec.${field} must be a list, got ${JSON.stringify(containers).slice(0, 80)}`);
  return containers.map((container: unknown, i) => {
    if (!isObject(container) || typeof container.image !== 'string' || container.image === '') fail(ref, `spec.${field}[${i}].image must be a non-empty string`);
    return container.image;
  });
}

/**
 * A pod: its service account (the identity it runs as; `default` when unset, as admission sets it) and every
 * image the kubelet pulls for it — containers, init containers and ephemeral (debug) containers, in that order.
 */
function pod(ref: ItemRef, item: unknown): K8sPod {
  const metadata = metadataOf(ref, item);
  const spec = (item as Json).spec;
  if (!isObject(spec)) fail(ref, 'spec must be a mapping');
  const account = spec.serviceAccountName ?? spec.serviceAccount ?? 'default';
  if (typeof account !== 'string') fail(ref, 'spec.serviceAccountName must be a string');
  return {
    namespace: ref.namespace,
    name: ref.name,
    serviceAccountName: account === '' ? 'default' : account,
    images: [...images(ref, spec, 'containers'), ...images(ref, spec, 'initContainers'), ...images(ref, spec, 'ephemeralContainers')],
    labels: stringMap(ref, metadata, 'labels', 'metadata'),
  };
}

const ILB = 'service.beta.kubernetes.io/azure-load-balancer-internal';
const ILB_SUBNET = 'service.beta.kubernetes.io/azure-load-balancer-internal-subnet';

/** An internal LoadBalancer Service's subnet (an id, or a name in the nodes' VNet); nothing else of a Service is kept. */
function internalLoadBalancerSubnet(ref: ItemRef, item: unknown): string | undefined {
  const metadata = metadataOf(ref, item);
  const annotations = stringMap(ref, metadata, 'annotations', 'metadata');
  const subnet = annotations[ILB_SUBNET];
  return annotations[ILB]?.toLowerCase() === 'true' && subnet !== undefined && subnet.trim() !== '' ? subnet.trim() : undefined;
}

/**
 * Pure: the listed items → the engine's model. RBAC objects go through the one normaliser every input uses
 * (parseRbacObject); sources are `origin` + the object's API path. Throws K8sObjectError naming the first
 * broken object: a collector returns everything or nothing.
 */
export function transformK8s(lists: RawK8sLists, origin: string): K8sCollection {
  const warnings: string[] = [];
  const roles: Role[] = [];
  const bindings: Binding[] = [];
  const namespaces: K8sNamespace[] = [];
  const serviceAccounts: K8sServiceAccount[] = [];
  const pods: K8sPod[] = [];
  const internalLoadBalancerSubnets: string[] = [];
  for (const spec of K8S_LISTS) {
    lists[spec.name].forEach((item, index) => {
      const ref = refOf(spec, item, index);
      switch (spec.name) {
        case 'clusterRoles':
        case 'roles':
          roles.push(rbacObject(ref, item, origin, warnings) as Role);
          break;
        case 'clusterRoleBindings':
        case 'roleBindings':
          bindings.push(rbacObject(ref, item, origin, warnings) as Binding);
          break;
        case 'namespaces':
          namespaces.push(namespace(ref, item));
          break;
        case 'serviceAccounts':
          serviceAccounts.push(serviceAccount(ref, item));
          break;
        case 'pods':
          pods.push(pod(ref, item));
          break;
        case 'services': {
          const subnet = internalLoadBalancerSubnet(ref, item);
          if (subnet !== undefined && !internalLoadBalancerSubnets.includes(subnet)) internalLoadBalancerSubnets.push(subnet);
          break;
        }
      }
    });
  }
  return { roles, bindings, namespaces, serviceAccounts, pods, internalLoadBalancerSubnets, warnings };
}
