import { clusterKey } from '../engine/access/accessModel.ts';
import { unitId, type UnitKey, type UnitSnapshot } from './IndexStore.ts';
import type { ContainerName } from './containers.ts';
import { documentId } from './documentIds.ts';

/*
 * Pure: a unit's snapshot → the documents that hold it, and which container and partition each goes to.
 * One document per object (its natural key decides its id), `data` holding the object exactly as the collector
 * returned it, `seq` its position in the snapshot (so reading back gives the collector's order, and compiling
 * the same data twice gives the same generation). A snapshot also writes one `snapshot` document in the
 * unit's partition: the unit's remaining fields (Kubernetes warnings, …) and the proof the unit was written,
 * which puts a cluster in readTenantInput's Kubernetes map. A snapshot with nothing in it at all (no objects,
 * no remaining fields) writes no documents: writing it removes the unit's documents, which is how sync
 * retires a scope that left the tenant (a real cluster always has AKS's built-in roles, so is never empty).
 */

export const DOC = {
  snapshot: 'snapshot',
  roleDefinition: 'roleDefinition',
  roleAssignment: 'roleAssignment',
  denyAssignment: 'denyAssignment',
  scopeParent: 'scopeParent',
  subscription: 'subscription',
  cluster: 'cluster',
  clusterNetwork: 'clusterNetwork',
  subnet: 'subnet',
  registry: 'registry',
  federatedCredential: 'federatedCredential',
  missingSubnet: 'missingSubnet',
  user: 'user',
  group: 'group',
  servicePrincipal: 'servicePrincipal',
  membership: 'membership',
  k8sRole: 'k8sRole',
  k8sBinding: 'k8sBinding',
  k8sNamespace: 'k8sNamespace',
  k8sServiceAccount: 'k8sServiceAccount',
  k8sPod: 'k8sPod',
  generationChunk: 'generationChunk',
  generationPointer: 'generationPointer',
  unitStatus: 'unitStatus',
} as const;

export type DocType = (typeof DOC)[keyof typeof DOC];

/** What every stored document carries, whatever it holds. */
export interface StoredDocument {
  readonly id: string;
  readonly type: DocType;
  /** The unit that wrote it (scope lower-cased: ARM ids change case between APIs). */
  readonly unit: string;
  readonly runId: string;
  readonly [field: string]: unknown;
}

export interface PlannedDocument {
  readonly container: ContainerName;
  readonly partitionKey: string;
  readonly body: StoredDocument;
}

/** The unit as documents are stamped with it: `unitId` with the scope lower-cased. */
export function documentUnit(key: UnitKey): string {
  return unitId({ source: key.source, scope: key.scope.toLowerCase() });
}

/** `tenant` or `sub:<subscription id, lower-case>`: the `tenant` container's partition for a unit scope. */
export function tenantPartition(scope: string): string {
  const lower = scope.toLowerCase();
  if (lower === 'tenant' || (lower.startsWith('sub:') && lower.length > 'sub:'.length)) return lower;
  throw new Error(`unit scope '${scope}' is neither 'tenant' nor 'sub:<subscriptionId>'`);
}

/** The `clusters` container's partition for a `cluster:<ARM id>` scope: the lower-case ARM id. */
export function clusterPartition(scope: string): string {
  if (!scope.startsWith('cluster:') || scope.length === 'cluster:'.length) throw new Error(`unit scope '${scope}' is not 'cluster:<cluster ARM id>'`);
  return clusterKey(scope.slice('cluster:'.length));
}

/** The one partition of the container a unit's snapshot lives in, where it has one (Entra spans partitions). */
export function unitPartition(key: UnitKey): { container: ContainerName; partitionKey: string } | undefined {
  switch (key.source) {
    case 'azure-rbac':
    case 'aks-clusters':
      return { container: 'tenant', partitionKey: tenantPartition(key.scope) };
    case 'k8s-rbac':
      return { container: 'clusters', partitionKey: clusterPartition(key.scope) };
    case 'entra':
      return undefined;
  }
}

const PARTITION_FIELD: Readonly<Record<ContainerName, string>> = {
  tenant: 'pk',
  principals: 'id',
  memberships: 'groupId',
  clusters: 'clusterId',
  status: 'unit',
};

export interface SnapshotDocumentOptions {
  /** Member ids per `membership` document (default 1000: about 40 kB). */
  readonly membersPerDocument?: number;
}

export function snapshotDocuments(key: UnitKey, runId: string, snapshot: UnitSnapshot, options: SnapshotDocumentOptions = {}): PlannedDocument[] {
  if (snapshot.source !== key.source) throw new Error(`a ${snapshot.source} snapshot cannot be written as unit ${unitId(key)}`);
  const unit = documentUnit(key);
  const out: PlannedDocument[] = [];
  const taken = new Set<string>();

  const add = (container: ContainerName, partitionKey: string, type: DocType, naturalKey: string, seq: number, fields: Record<string, unknown>) => {
    let id = container === 'principals' ? naturalKey : documentId(type, naturalKey);
    // Two objects with one key (nameless bindings, a duplicated manifest) both stay: the later gets its position.
    if (taken.has(`${container}\u0000${partitionKey}\u0000${id}`)) id = `${id}~${seq}`;
    taken.add(`${container}\u0000${partitionKey}\u0000${id}`);
    const partitionField = PARTITION_FIELD[container];
    const body: StoredDocument = { id, type, unit, runId, ...(partitionField === 'id' ? {} : { [partitionField]: partitionKey }), seq, ...fields };
    out.push({ container, partitionKey: partitionField === 'id' ? id : partitionKey, body });
  };
  const each = <T>(container: ContainerName, partitionKey: string, type: DocType, items: readonly T[], naturalKey: (item: T) => string) => {
    items.forEach((item, seq) => {
      add(container, partitionKey, type, naturalKey(item), seq, { data: item });
    });
  };

  switch (snapshot.source) {
    case 'azure-rbac': {
      const pk = tenantPartition(key.scope);
      const { azure, subscriptions, ...rest } = snapshot.data;
      const { roleDefinitions, roleAssignments, denyAssignments, hierarchy, ...azureRest } = azure;
      each('tenant', pk, DOC.roleDefinition, roleDefinitions, (d) => d.id.toLowerCase());
      each('tenant', pk, DOC.roleAssignment, roleAssignments, (a) => a.id.toLowerCase());
      each('tenant', pk, DOC.denyAssignment, denyAssignments, (d) => d.id.toLowerCase());
      each('tenant', pk, DOC.scopeParent, hierarchy, (h) => h.id.toLowerCase());
      each('tenant', pk, DOC.subscription, subscriptions, (s) => s.subscriptionId.toLowerCase());
      add('tenant', pk, DOC.snapshot, key.source, 0, { data: { ...rest, azure: azureRest } });
      break;
    }
    case 'aks-clusters': {
      const pk = tenantPartition(key.scope);
      const { clusters, networks, subnets, missingSubnetIds, registries, federatedCredentials = [], ...rest } = snapshot.data;
      each('tenant', pk, DOC.cluster, clusters, (c) => c.id.toLowerCase());
      each('tenant', pk, DOC.clusterNetwork, networks, (n) => n.clusterId.toLowerCase());
      each('tenant', pk, DOC.subnet, subnets, (s) => s.id.toLowerCase());
      each('tenant', pk, DOC.missingSubnet, missingSubnetIds, (s) => s.toLowerCase());
      each('tenant', pk, DOC.registry, registries, (r) => r.id.toLowerCase());
      each('tenant', pk, DOC.federatedCredential, federatedCredentials, (c) => c.id.toLowerCase());
      add('tenant', pk, DOC.snapshot, key.source, 0, { data: rest });
      break;
    }
    case 'entra': {
      const { users, groups, servicePrincipals, ...rest } = snapshot.data;
      const per = Math.max(1, options.membersPerDocument ?? 1000);
      users.forEach((u, seq) => {
        add('principals', '', DOC.user, u.id.toLowerCase(), seq, { data: u });
      });
      servicePrincipals.forEach((s, seq) => {
        add('principals', '', DOC.servicePrincipal, s.id.toLowerCase(), seq, { data: s });
      });
      groups.forEach((g, seq) => {
        const { memberIds, ...group } = g;
        const groupId = g.id.toLowerCase();
        add('principals', '', DOC.group, groupId, seq, { data: group, memberCount: memberIds.length });
        for (let start = 0, part = 0; start < memberIds.length; start += per, part++) {
          add('memberships', groupId, DOC.membership, `${groupId}|${part}`, part, { memberIds: memberIds.slice(start, start + per) });
        }
      });
      // Its own partition of `principals` (pk = id): the unit's remaining fields.
      add('principals', '', DOC.snapshot, `${DOC.snapshot}|${key.source}`, 0, { data: rest });
      break;
    }
    case 'k8s-rbac': {
      const pk = clusterPartition(key.scope);
      const { roles, bindings, namespaces, serviceAccounts, pods, ...rest } = snapshot.data;
      each('clusters', pk, DOC.k8sRole, roles, (r) => `${r.kind}|${r.namespace}|${r.name}`);
      each('clusters', pk, DOC.k8sBinding, bindings, (b) => `${b.kind}|${b.namespace}|${b.name}`);
      each('clusters', pk, DOC.k8sNamespace, namespaces, (n) => n.name);
      each('clusters', pk, DOC.k8sServiceAccount, serviceAccounts, (s) => `${s.namespace}|${s.name}`);
      each('clusters', pk, DOC.k8sPod, pods, (p) => `${p.namespace}|${p.name}`);
      add('clusters', pk, DOC.snapshot, key.source, 0, { data: rest });
      break;
    }
  }
  // Nothing but the marker: the unit holds nothing, so it keeps no documents at all.
  const only = out[0];
  if (out.length === 1 && only?.body.type === DOC.snapshot && isEmpty(only.body.data)) return [];
  return out;
}

function isEmpty(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object' && value !== null) return Object.values(value).every(isEmpty);
  return value === undefined;
}
