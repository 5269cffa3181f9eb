/**
 * An IndexStore in memory, for sync unit tests: the contract's semantics (documents stamped with unit and run,
 * scoped cleanup after a complete write, status per unit, generations behind a pointer) without Cosmos. It
 * counts documents the way a document store would, so written/deleted are meaningful, and it can be told to
 * fail a write to show what a store failure does to a unit.
 */
import type { AccessDigest } from '../../src/engine/changes/accessDigest.ts';
import type { AccessDigestRecord } from '../../src/store/IndexStore.ts';
import { clusterKey } from '../../src/engine/access/accessModel.ts';
import { unitId, type ClusterGeneration, type IndexStore, type TenantInput, type UnitKey, type UnitSnapshot, type UnitStatus, type WriteResult } from '../../src/store/IndexStore.ts';

interface StoredUnit {
  readonly unit: UnitKey;
  readonly runId: string;
  readonly snapshot: UnitSnapshot;
}

/** The documents a snapshot becomes: one per object, keyed by type and id. */
function documentKeys(snapshot: UnitSnapshot): string[] {
  switch (snapshot.source) {
    case 'azure-rbac': {
      const a = snapshot.data.azure;
      return [
        ...a.roleDefinitions.map((d) => `roleDefinition:${d.id.toLowerCase()}`),
        ...a.roleAssignments.map((x) => `roleAssignment:${x.id.toLowerCase()}`),
        ...a.denyAssignments.map((x) => `denyAssignment:${x.id.toLowerCase()}`),
        ...a.hierarchy.map((h) => `scopeParent:${h.id.toLowerCase()}`),
        ...snapshot.data.subscriptions.map((s) => `subscription:${s.subscriptionId.toLowerCase()}`),
      ];
    }
    case 'aks-clusters':
      return [...snapshot.data.clusters.map((c) => `cluster:${c.id.toLowerCase()}`), ...snapshot.data.subnets.map((s) => `subnet:${s.id.toLowerCase()}`), ...snapshot.data.registries.map((r) => `registry:${r.id.toLowerCase()}`)];
    case 'entra':
      return [...snapshot.data.users, ...snapshot.data.groups, ...snapshot.data.servicePrincipals].map((p) => `${p.kind}:${p.id.toLowerCase()}`);
    case 'k8s-rbac': {
      const k = snapshot.data;
      return [
        ...k.roles.map((r) => `role:${r.kind}/${r.namespace}/${r.name}`),
        ...k.bindings.map((b) => `binding:${b.kind}/${b.namespace}/${b.name}`),
        ...k.namespaces.map((n) => `namespace:${n.name}`),
        ...k.serviceAccounts.map((s) => `serviceAccount:${s.namespace}/${s.name}`),
        ...k.pods.map((p) => `pod:${p.namespace}/${p.name}`),
      ];
    }
  }
}

export class MemoryIndexStore implements IndexStore {
  private readonly units = new Map<string, StoredUnit>();
  /** unit id → document key → run id that wrote it. */
  private readonly documents = new Map<string, Map<string, string>>();
  private readonly statuses = new Map<string, UnitStatus>();
  private readonly generations = new Map<string, ClusterGeneration[]>();
  private readonly pointers = new Map<string, string>();
  /** Set to make the next writes throw (a store outage). */
  failWrites: Error | undefined;
  readonly calls: string[] = [];

  writeUnitSnapshot(unit: UnitKey, runId: string, snapshot: UnitSnapshot): Promise<WriteResult> {
    this.calls.push(`write ${unitId(unit)}`);
    if (this.failWrites !== undefined) return Promise.reject(this.failWrites);
    const id = unitId(unit);
    const docs = this.documents.get(id) ?? new Map<string, string>();
    const keys = documentKeys(snapshot);
    for (const key of keys) docs.set(key, runId);
    let deleted = 0;
    for (const [key, writtenBy] of docs) {
      if (writtenBy !== runId) {
        docs.delete(key);
        deleted++;
      }
    }
    this.documents.set(id, docs);
    this.units.set(id, { unit, runId, snapshot: structuredClone(snapshot) });
    return Promise.resolve({ written: keys.length, deleted });
  }

  recordUnitStatus(status: UnitStatus): Promise<void> {
    this.calls.push(`status ${status.unit} ${status.state}`);
    if (this.failWrites !== undefined) return Promise.reject(this.failWrites);
    this.statuses.set(status.unit, structuredClone(status));
    return Promise.resolve();
  }

  readUnitStatus(unit: UnitKey): Promise<UnitStatus | undefined> {
    const s = this.statuses.get(unitId(unit));
    return Promise.resolve(s === undefined ? undefined : structuredClone(s));
  }

  listUnitStatus(): Promise<UnitStatus[]> {
    return Promise.resolve([...this.statuses.values()].map((s) => structuredClone(s)));
  }

  readTenantInput(): Promise<TenantInput> {
    const stored = [...this.units.values()].map((u) => u.snapshot);
    const byId = <T extends { id: string }>(items: readonly T[]) => [...new Map(items.map((i) => [i.id.toLowerCase(), i])).values()];
    const azure = stored.flatMap((s) => (s.source === 'azure-rbac' ? [s.data.azure] : []));
    const tenantAzure = this.units.get(unitId({ source: 'azure-rbac', scope: 'tenant' }))?.snapshot;
    const entra = stored.find((s) => s.source === 'entra');
    return Promise.resolve(
      structuredClone({
        clusters: stored.flatMap((s) => (s.source === 'aks-clusters' ? s.data.clusters : [])),
        kubernetes: new Map(
          [...this.units.values()].flatMap((u) => (u.snapshot.source === 'k8s-rbac' ? [[clusterKey(u.unit.scope.slice('cluster:'.length)), u.snapshot.data] as const] : [])),
        ),
        azure: {
          roleDefinitions: byId(azure.flatMap((a) => a.roleDefinitions)),
          roleAssignments: byId(azure.flatMap((a) => a.roleAssignments)),
          denyAssignments: byId(azure.flatMap((a) => a.denyAssignments)),
          hierarchy: tenantAzure?.source === 'azure-rbac' ? tenantAzure.data.azure.hierarchy : [],
        },
        entra: entra?.source === 'entra' ? entra.data : { users: [], groups: [], servicePrincipals: [] },
        network: {
          subnets: byId(stored.flatMap((s) => (s.source === 'aks-clusters' ? s.data.subnets : []))),
          registries: byId(stored.flatMap((s) => (s.source === 'aks-clusters' ? s.data.registries : []))),
        },
      }),
    );
  }

  writeGeneration(generation: ClusterGeneration): Promise<void> {
    this.calls.push(`generation ${generation.clusterId} ${generation.generation}`);
    if (this.failWrites !== undefined) return Promise.reject(this.failWrites);
    const key = clusterKey(generation.clusterId);
    this.generations.set(key, [...(this.generations.get(key) ?? []), structuredClone(generation)]);
    this.pointers.set(key, generation.generation);
    return Promise.resolve();
  }

  readCurrentGeneration(clusterId: string): Promise<ClusterGeneration | undefined> {
    const key = clusterKey(clusterId);
    const pointer = this.pointers.get(key);
    const found = this.generations.get(key)?.find((g) => g.generation === pointer);
    return Promise.resolve(found === undefined ? undefined : structuredClone(found));
  }

  listClusterGenerations(): Promise<{ clusterId: string; name: string; generation: string; compiledAt: string }[]> {
    return Promise.resolve(
      [...this.pointers].flatMap(([key, pointer]) => {
        const g = this.generations.get(key)?.find((x) => x.generation === pointer);
        return g === undefined ? [] : [{ clusterId: g.clusterId, name: g.input.clusters[0]?.name ?? '', generation: g.generation, compiledAt: g.compiledAt }];
      }),
    );
  }

  private readonly digests = new Map<string, AccessDigestRecord[]>();

  writeAccessDigest(clusterId: string, generation: string, compiledAt: string, digest: AccessDigest): Promise<void> {
    const key = clusterKey(clusterId);
    const kept = (this.digests.get(key) ?? []).filter((r) => r.generation !== generation);
    kept.push({ clusterId, generation, compiledAt, digest: structuredClone(digest) });
    this.digests.set(key, kept);
    return Promise.resolve();
  }

  readAccessDigestAt(clusterId: string, atOrBefore: string): Promise<AccessDigestRecord | undefined> {
    const candidates = (this.digests.get(clusterKey(clusterId)) ?? []).filter((r) => r.compiledAt <= atOrBefore);
    return Promise.resolve(candidates.reduce<AccessDigestRecord | undefined>((best, r) => (best === undefined || r.compiledAt > best.compiledAt ? r : best), undefined));
  }

  /** Every unit's documents (key → run id), for tests that compare the whole store. */
  documentsByUnit(): Record<string, Record<string, string>> {
    return Object.fromEntries([...this.documents].map(([unit, docs]) => [unit, Object.fromEntries([...docs].sort())]));
  }

  /** A unit's stored snapshot and the run that wrote it. */
  stored(unit: UnitKey): { runId: string; snapshot: UnitSnapshot } | undefined {
    const u = this.units.get(unitId(unit));
    return u === undefined ? undefined : { runId: u.runId, snapshot: u.snapshot };
  }
}
