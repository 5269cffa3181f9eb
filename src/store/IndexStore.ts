import type { AccessModelInput } from '../engine/access/accessModel.ts';
import type { AzureRbacCollection } from '../collectors/azure-rbac/transform.ts';
import type { AksClustersCollection } from '../collectors/aks-clusters/transform.ts';
import type { K8sCollection } from '../collectors/k8s-rbac/transform.ts';
import type { EntraDirectory } from '../model/entra.ts';
import type { CollectorFailureKind } from '../collectors/CollectorError.ts';
import type { AccessDigest } from '../engine/changes/accessDigest.ts';
import type { ClusterFindings } from '../engine/findings/findingsForCluster.ts';
import type { RegistryInfo, SubnetInfo } from '../engine/findings/clusterIdentityFindings.ts';
import type { FederatedCredential } from '../engine/findings/escalationPaths.ts';

/*
 * The index's contract: what sync writes and what the API reads. One implementation on Cosmos DB
 * (CosmosIndexStore); tests of sync and the API run it against the in-process Cosmos server.
 */

export type UnitSource = 'azure-rbac' | 'aks-clusters' | 'entra' | 'k8s-rbac';

/** One source × one scope: `tenant`, `sub:<subscriptionId>`, `cluster:<cluster ARM id>`. */
export interface UnitKey {
  readonly source: UnitSource;
  readonly scope: string;
}

/** `azure-rbac|sub:1111…` — the unit's id in documents and status. */
export function unitId(key: UnitKey): string {
  return `${key.source}|${key.scope}`;
}

/** What a unit's collector returned, complete (a partial fetch never reaches the store). */
export type UnitSnapshot =
  | { readonly source: 'azure-rbac'; readonly data: AzureRbacCollection }
  | { readonly source: 'aks-clusters'; readonly data: AksClustersCollection }
  | { readonly source: 'entra'; readonly data: EntraDirectory }
  | { readonly source: 'k8s-rbac'; readonly data: K8sCollection };

export type UnitState = 'ok' | CollectorFailureKind;

/** The last word on one unit: when it was tried, when it last succeeded, and why it failed if it did. */
export interface UnitStatus {
  readonly unit: string;
  readonly source: UnitSource;
  readonly scope: string;
  readonly runId: string;
  readonly state: UnitState;
  /** ISO 8601. */
  readonly lastAttempt: string;
  /** ISO 8601 of the last complete fetch; absent if it never succeeded. */
  readonly lastSuccess?: string;
  readonly message?: string;
  /** For `denied`: the permission to grant. */
  readonly permission?: string;
  readonly objects: number;
  readonly durationMs: number;
}

/** A cluster's compiled index at one point: everything a question about this cluster needs, in one partition. */
export interface ClusterGeneration {
  readonly clusterId: string;
  /** Monotonic per cluster (the run id that compiled it sorts after older ones). */
  readonly generation: string;
  /** ISO 8601. */
  readonly compiledAt: string;
  /** The cluster's slice of the tenant: the cluster, its Kubernetes RBAC, the Azure RBAC and Entra objects that reach it. */
  readonly input: AccessModelInput;
  /** The cluster's findings (findingsForCluster), computed when the generation is compiled; absent in generations compiled before. */
  readonly findings?: ClusterFindings;
}

/** The tenant as readTenantInput returns it: the engine's input plus what the cluster-identity findings read. */
export interface TenantInput extends AccessModelInput {
  /**
   * Subnets, registries and the federated credentials that back workload identities, from the aks-clusters
   * snapshots (absent from stores that do not keep them; no credentials in snapshots collected before they were read).
   */
  readonly network?: { readonly subnets: readonly SubnetInfo[]; readonly registries: readonly RegistryInfo[]; readonly federatedCredentials?: readonly FederatedCredential[] };
}

export interface WriteResult {
  readonly written: number;
  /** The unit's documents from older runs, removed after this complete write. */
  readonly deleted: number;
}

export interface IndexStore {
  /**
   * Upserts a unit's complete snapshot stamped with its unit id and run id, then deletes that unit's documents
   * from older runs (and only that unit's). Idempotent: the same snapshot twice changes nothing.
   */
  writeUnitSnapshot(unit: UnitKey, runId: string, snapshot: UnitSnapshot): Promise<WriteResult>;
  recordUnitStatus(status: UnitStatus): Promise<void>;
  /**
   * One unit's status (a point read in its partition); undefined before the unit's first run. Optional so a
   * store can omit it: sync then finds the unit in listUnitStatus() (a scan), which is fine for small tenants only.
   */
  readUnitStatus?(unit: UnitKey): Promise<UnitStatus | undefined>;
  listUnitStatus(): Promise<UnitStatus[]>;
  /** Everything the last good snapshots hold, as the engine's input (for compiling). */
  readTenantInput(): Promise<TenantInput>;
  /** Writes a new generation for a cluster and, only once every document of it is written, flips the cluster's pointer to it. */
  writeGeneration(generation: ClusterGeneration): Promise<void>;
  /** The generation the cluster's pointer names (a single-partition read); undefined before the first compile. */
  readCurrentGeneration(clusterId: string): Promise<ClusterGeneration | undefined>;
  listClusterGenerations(): Promise<{ clusterId: string; name: string; generation: string; compiledAt: string }[]>;
  /**
   * The cluster's pointer alone (one point read in its partition): which generation a question would read,
   * without reading it; undefined before the first compile. Optional: without it a question about one cluster
   * finds the cluster in listClusterGenerations() (a query over every cluster's partition).
   */
  readClusterPointer?(clusterId: string): Promise<ClusterPointer | undefined>;
  /**
   * readTenantInput() with only these clusters' Kubernetes objects (one-partition reads; none for an empty
   * list): compiling one cluster needs its own objects only, and a run that holds what it just collected needs
   * none. Optional: without it, every cluster's objects are read.
   */
  readTenantInputFor?(clusterIds: readonly string[]): Promise<TenantInput>;
  /**
   * Keeps the access digest of a generation as history (in the cluster's partition, expiring after the history
   * TTL), so changes between any two compiles can be told after the generations themselves are gone.
   */
  writeAccessDigest(clusterId: string, generation: string, compiledAt: string, digest: AccessDigest): Promise<void>;
  /** The latest digest of the cluster compiled at or before `atOrBefore` (ISO 8601; a single-partition query); undefined if none. */
  readAccessDigestAt(clusterId: string, atOrBefore: string): Promise<AccessDigestRecord | undefined>;
}

/** One generation's access digest, as history keeps it. */
export interface AccessDigestRecord {
  readonly clusterId: string;
  readonly generation: string;
  /** ISO 8601. */
  readonly compiledAt: string;
  readonly digest: AccessDigest;
}

/** What a cluster's pointer names: its current generation. */
export interface ClusterPointer {
  /** The cluster's ARM id as its generation names it. */
  readonly clusterId: string;
  readonly name: string;
  readonly generation: string;
  /** ISO 8601. */
  readonly compiledAt: string;
}
