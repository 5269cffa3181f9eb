import type { Container, CosmosClient, JSONObject, OperationInput, SqlParameter } from '@azure/cosmos';
import { clusterKey, type AccessModelInput } from '../engine/access/accessModel.ts';
import type { AksCluster } from '../model/aksCluster.ts';
import type { DenyAssignment, RoleAssignment, RoleDefinition, ScopeParent } from '../model/azureRbac.ts';
import type { EntraGroup, EntraServicePrincipal, EntraUser } from '../model/entra.ts';
import type { K8sInventory } from '../model/k8sInventory.ts';
import type { RbacObjects } from '../model/k8sRbac.ts';
import { CONTAINERS, DATABASE_ID, type ContainerName } from './containers.ts';
import { documentId, idPart } from './documentIds.ts';
import { DEFAULT_MAX_CHUNK_BYTES, generationDigest, joinGeneration, splitGeneration, type GenerationChunk } from './generationChunks.ts';
import type { AccessDigest } from '../engine/changes/accessDigest.ts';
import { joinDigest, splitDigest, type DigestChunk } from './digestChunks.ts';
import { sha256Hex } from './documentIds.ts';
import type { AccessDigestRecord } from './IndexStore.ts';
import { unitId, type ClusterGeneration, type ClusterPointer, type IndexStore, type TenantInput, type UnitKey, type UnitSnapshot, type UnitStatus, type WriteResult } from './IndexStore.ts';
import type { AksFederatedCredential, AksRegistry, AksSubnet } from '../collectors/aks-clusters/transform.ts';
import type { ClusterFindings } from '../engine/findings/findingsForCluster.ts';
import { DOC, documentUnit, snapshotDocuments, unitPartition, type DocType, type PlannedDocument } from './snapshotDocuments.ts';

/*
 * The index on Cosmos DB (NoSQL API). Containers and partition keys: containers.ts. Documents: one per object,
 * stamped with `type`, `unit` and `runId` (snapshotDocuments.ts). Every query is one of the constants below,
 * with its values passed as parameters — never built from strings.
 */
const QUERY = {
  staleInTenantPartition: 'SELECT c.id FROM c WHERE c.pk = @partition AND c.unit = @unit AND c.runId != @runId',
  staleInClusterPartition: 'SELECT c.id FROM c WHERE c.clusterId = @partition AND c.unit = @unit AND c.runId != @runId',
  stalePrincipals: 'SELECT c.id, c.id AS partitionKey FROM c WHERE c.unit = @unit AND c.runId != @runId',
  staleMemberships: 'SELECT c.id, c.groupId AS partitionKey FROM c WHERE c.unit = @unit AND c.runId != @runId',
  tenantObjects: 'SELECT c.type, c.pk AS partition, c.seq, c.data FROM c WHERE ARRAY_CONTAINS(@types, c.type)',
  principals: 'SELECT c.type, c.seq, c.data FROM c WHERE ARRAY_CONTAINS(@types, c.type)',
  memberships: 'SELECT c.groupId, c.seq, c.memberIds FROM c WHERE c.type = @type',
  kubernetesObjects: 'SELECT c.clusterId AS partition, c.type, c.seq, c.data FROM c WHERE ARRAY_CONTAINS(@types, c.type)',
  clusterKubernetesObjects: 'SELECT c.clusterId AS partition, c.type, c.seq, c.data FROM c WHERE c.clusterId = @clusterId AND ARRAY_CONTAINS(@types, c.type)',
  supersededChunks:
    'SELECT c.id FROM c WHERE c.clusterId = @clusterId AND c.type = @type AND c.generation <= @generation AND (c.generation != @generation OR c.digest != @digest) AND NOT IS_DEFINED(c.ttl)',
  clusterPointers: 'SELECT c.armId, c.name, c.generation, c.compiledAt FROM c WHERE c.type = @type',
  unitStatus: 'SELECT * FROM c WHERE c.type = @type',
  // Chunk 0 is written last: a generation's digest is there once its first chunk is.
  latestDigestAt:
    'SELECT TOP 1 c.generation, c.compiledAt, c.chunks, c.contentHash, c.sameAs FROM c WHERE c.clusterId = @clusterId AND c.type = @type AND c["index"] = 0 AND c.compiledAt <= @at ORDER BY c.compiledAt DESC',
  digestChunkIds: 'SELECT c.id FROM c WHERE c.clusterId = @clusterId AND c.type = @type AND c.generation = @generation',
  digestChunks: 'SELECT c["index"], c.header, c.principals, c.rules FROM c WHERE c.clusterId = @clusterId AND c.type = @type AND c.generation = @generation',
} as const;

/** Access digests kept as history (one set of chunk documents per generation, in the cluster's partition). */
const ACCESS_DIGEST_TYPE = 'accessDigest';
/**
 * One document per cluster partition, rewritten (with the history ttl) after every digest write: it outlives
 * every digest document, so where it is absent the cluster has no history and the latest-digest query is not
 * run (on the embedded server every query scans the whole clusters container — at M two per compile took hours).
 */
const ACCESS_HISTORY_MARKER = { id: 'history|accessDigest', type: 'accessHistory' } as const;
/** Default history TTL: 90 days. */
const DEFAULT_HISTORY_TTL_SECONDS = 90 * 24 * 3600;

interface DigestChunkDocument extends DigestChunk {
  readonly id: string;
  readonly type: typeof ACCESS_DIGEST_TYPE;
  readonly clusterId: string;
  readonly unit: string;
  readonly runId: string;
  readonly generation: string;
  readonly compiledAt: string;
  readonly index: number;
  readonly chunks: number;
  readonly header: Pick<AccessDigest, 'version' | 'clusterId' | 'clusterName'>;
  /** Chunk 0: a hash of the whole digest, to tell a digest identical to the previous one. */
  readonly contentHash?: string;
  /** Chunk 0 of a digest identical to an earlier one: the generation whose chunks hold it (this one holds none). */
  readonly sameAs?: string;
  readonly ttl: number;
}

interface LatestDigestRow {
  readonly generation: string;
  readonly compiledAt: string;
  readonly chunks: number;
  readonly contentHash?: string;
  readonly sameAs?: string;
}

const POINTER_ID = 'pointer';
/** The generation's findings, stored beside the input's own fields in its chunks. */
const FINDINGS_FIELD = 'findings';
/** Transactional batch limits (Cosmos: 100 operations, 2 MB per request). */
const BATCH_OPERATIONS = 100;
const BATCH_BYTES = 1_500_000;
/** Below this many lone documents, point operations in parallel beat executeBulkOperations' fixed pause. */
const BULK_MIN_OPERATIONS = 200;
const STATUS_ID = 'status';

export interface GenerationChunkEvent {
  readonly clusterId: string;
  readonly generation: string;
  readonly index: number;
  readonly chunks: number;
}

export interface CosmosIndexStoreOptions {
  /** Default `aks-access` (containers.ts). */
  readonly databaseId?: string;
  /** JSON bytes per generation chunk document (default 1 MB; Cosmos documents are limited to 2 MB). */
  readonly maxChunkBytes?: number;
  /** Seconds a superseded generation's chunks stay readable for queries already under way (default 3600). */
  readonly supersededTtlSeconds?: number;
  /** Member ids per membership document (default 1000). */
  readonly membersPerDocument?: number;
  /** Operations per executeBulkOperations call (default 1000; the SDK batches and parallelises within it). */
  readonly bulkOperations?: number;
  /** Requests in flight (batches, point operations, chunk upserts, ttl patches). Default 8. */
  readonly concurrency?: number;
  /** Called after each chunk of a generation is written, before the pointer flips (tests read in between). */
  readonly onGenerationChunkWritten?: (event: GenerationChunkEvent) => void | Promise<void>;
  /** Seconds access-digest history is kept (default 90 days: ACCESS_HISTORY_TTL_DAYS). */
  readonly historyTtlSeconds?: number;
}

interface PointerDocument {
  readonly id: typeof POINTER_ID;
  readonly type: typeof DOC.generationPointer;
  readonly clusterId: string;
  readonly unit: string;
  readonly runId: string;
  /** The cluster's ARM id as the generation named it. */
  readonly armId: string;
  readonly name: string;
  readonly generation: string;
  readonly digest: string;
  readonly chunks: number;
  readonly compiledAt: string;
}

interface ChunkDocument {
  readonly id: string;
  readonly type: typeof DOC.generationChunk;
  readonly clusterId: string;
  readonly unit: string;
  readonly runId: string;
  readonly generation: string;
  readonly digest: string;
  readonly index: number;
  readonly chunks: number;
  readonly segments: GenerationChunk;
}

interface ObjectRow<T> {
  readonly type: DocType;
  readonly partition: string;
  readonly seq: number;
  readonly data: T;
}

/** A chunk's id: its generation, the digest of the generation's content, its position. */
function chunkId(generation: string, digest: string, index: number): string {
  return `chunk|${idPart(generation)}|${digest}|${index}`;
}

function statusCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'number' ? error.code : undefined;
}

function byPartitionThenSeq(a: { partition: string; seq: number }, b: { partition: string; seq: number }): number {
  return a.partition < b.partition ? -1 : a.partition > b.partition ? 1 : a.seq - b.seq;
}

/** Keeps the first of each id (case-insensitive): an assignment above a subscription is in every subscription's partition. */
function uniqueById<T extends { id: string }>(items: readonly T[]): T[] {
  return [...new Map(items.map((i) => [i.id.toLowerCase(), i] as const).reverse()).values()].reverse();
}

function groupInto<K, V>(groups: Map<K, V[]>, key: K, value: V): void {
  const group = groups.get(key);
  if (group === undefined) groups.set(key, [value]);
  else group.push(value);
}

async function forEachBounded<T>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/** A status document without what Cosmos and the store added (`_rid`, `_etag`, …, `id`, `type`). */
function unitStatusOf(document: Record<string, unknown>): UnitStatus {
  return Object.fromEntries(Object.entries(document).filter(([k]) => !k.startsWith('_') && k !== 'id' && k !== 'type')) as unknown as UnitStatus;
}

export class CosmosIndexStore implements IndexStore {
  private readonly containers: Readonly<Record<ContainerName, Container>>;
  private readonly maxChunkBytes: number;
  private readonly supersededTtlSeconds: number;
  private readonly membersPerDocument: number;
  private readonly bulkOperations: number;
  private readonly concurrency: number;
  private readonly onGenerationChunkWritten: CosmosIndexStoreOptions['onGenerationChunkWritten'];
  private readonly historyTtlSeconds: number;

  constructor(client: CosmosClient, options: CosmosIndexStoreOptions = {}) {
    const database = client.database(options.databaseId ?? DATABASE_ID);
    this.containers = {
      tenant: database.container(CONTAINERS.tenant.id),
      principals: database.container(CONTAINERS.principals.id),
      memberships: database.container(CONTAINERS.memberships.id),
      clusters: database.container(CONTAINERS.clusters.id),
      status: database.container(CONTAINERS.status.id),
    };
    this.maxChunkBytes = options.maxChunkBytes ?? DEFAULT_MAX_CHUNK_BYTES;
    this.supersededTtlSeconds = options.supersededTtlSeconds ?? 3600;
    this.membersPerDocument = options.membersPerDocument ?? 1000;
    this.bulkOperations = Math.max(1, options.bulkOperations ?? 1000);
    this.concurrency = Math.max(1, options.concurrency ?? 8);
    this.onGenerationChunkWritten = options.onGenerationChunkWritten;
    this.historyTtlSeconds = options.historyTtlSeconds ?? DEFAULT_HISTORY_TTL_SECONDS;
  }

  // ---- unit snapshots -------------------------------------------------------------------------------------

  /**
   * A unit with a partition of its own (all but Entra) writes its `snapshot` marker before any other document
   * and removes it after all others, so "no marker" means "nothing of the unit in the partition": a unit's
   * first write then skips the stale-document query (on the embedded server every query scans, quadratically,
   * the whole container — every cluster's objects for a cluster unit — whatever its partition key).
   */
  async writeUnitSnapshot(unit: UnitKey, runId: string, snapshot: UnitSnapshot): Promise<WriteResult> {
    const documents = snapshotDocuments(unit, runId, snapshot, { membersPerDocument: this.membersPerDocument });
    const home = unitPartition(unit);
    const markerId = documentId(DOC.snapshot, unit.source);
    const isMarker = (container: ContainerName, id: string) => home !== undefined && container === home.container && id === markerId;
    const hadDocuments = home === undefined || (await this.containers[home.container].item(markerId, home.partitionKey).read()).resource !== undefined;
    const upsert = (d: PlannedDocument) => ({ partitionKey: d.partitionKey, operation: { operationType: 'Upsert', partitionKey: d.partitionKey, resourceBody: d.body as JSONObject } as OperationInput });
    const marker = documents.find((d) => isMarker(d.container, d.body.id));
    if (marker !== undefined) await this.apply(marker.container, [upsert(marker)]);
    const byContainer = new Map<ContainerName, PlannedDocument[]>();
    for (const d of documents) if (d !== marker) groupInto(byContainer, d.container, d);
    for (const [container, planned] of byContainer) await this.apply(container, planned.map(upsert));
    // Only now, with the whole snapshot written: the unit's documents that this run did not write are stale.
    let deleted = 0;
    if (!hadDocuments) return { written: documents.length, deleted };
    for (const { container, stale } of await this.staleDocuments(unit, runId)) {
      const remove = (s: { id: string; partitionKey: string }) => ({ partitionKey: s.partitionKey, operation: { operationType: 'Delete', id: s.id, partitionKey: s.partitionKey } as OperationInput });
      deleted += await this.apply(container, stale.filter((x) => !isMarker(container, x.id)).map(remove));
      // The old marker (a retired unit writes none) goes last: until then it says the partition holds the unit's documents.
      deleted += await this.apply(container, stale.filter((x) => isMarker(container, x.id)).map(remove));
    }
    return { written: documents.length, deleted };
  }

  private async staleDocuments(unit: UnitKey, runId: string): Promise<{ container: ContainerName; stale: { id: string; partitionKey: string }[] }[]> {
    const parameters: SqlParameter[] = [
      { name: '@unit', value: documentUnit(unit) },
      { name: '@runId', value: runId },
    ];
    const home = unitPartition(unit);
    if (home === undefined) {
      const [principals, memberships] = await Promise.all([
        this.query<{ id: string; partitionKey: string }>('principals', QUERY.stalePrincipals, parameters),
        this.query<{ id: string; partitionKey: string }>('memberships', QUERY.staleMemberships, parameters),
      ]);
      return [
        { container: 'principals', stale: principals },
        { container: 'memberships', stale: memberships },
      ];
    }
    const query = home.container === 'tenant' ? QUERY.staleInTenantPartition : QUERY.staleInClusterPartition;
    const rows = await this.query<{ id: string }>(home.container, query, [...parameters, { name: '@partition', value: home.partitionKey }], home.partitionKey);
    return [{ container: home.container, stale: rows.map((r) => ({ id: r.id, partitionKey: home.partitionKey })) }];
  }

  // ---- unit status ----------------------------------------------------------------------------------------

  async recordUnitStatus(status: UnitStatus): Promise<void> {
    await this.containers.status.items.upsert({ ...status, id: STATUS_ID, type: DOC.unitStatus });
  }

  /** One unit's status: a point read in its partition. */
  async readUnitStatus(unit: UnitKey): Promise<UnitStatus | undefined> {
    const { resource } = await this.containers.status.item(STATUS_ID, unitId(unit)).read<Record<string, unknown>>();
    return resource === undefined ? undefined : unitStatusOf(resource);
  }

  async listUnitStatus(): Promise<UnitStatus[]> {
    const rows = await this.query<Record<string, unknown>>('status', QUERY.unitStatus, [{ name: '@type', value: DOC.unitStatus }]);
    return rows.map(unitStatusOf).sort((a, b) => (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0));
  }

  // ---- the tenant, for compiling --------------------------------------------------------------------------

  async readTenantInput(): Promise<TenantInput> {
    return this.readInput(undefined);
  }

  /** The tenant with these clusters' Kubernetes objects only: one one-partition query in `clusters` per cluster (none for none). */
  async readTenantInputFor(clusterIds: readonly string[]): Promise<TenantInput> {
    return this.readInput([...new Set(clusterIds.map(clusterKey))]);
  }

  private async kubernetesRowsOf(clusterKeys: readonly string[], types: readonly DocType[]): Promise<ObjectRow<unknown>[]> {
    const rows: ObjectRow<unknown>[][] = [];
    await forEachBounded(clusterKeys, this.concurrency, async (key) => {
      const parameters: SqlParameter[] = [
        { name: '@clusterId', value: key },
        { name: '@types', value: [...types] },
      ];
      rows.push(await this.query<ObjectRow<unknown>>('clusters', QUERY.clusterKubernetesObjects, parameters, key));
    });
    return rows.flat();
  }

  private async readInput(onlyClusters: readonly string[] | undefined): Promise<TenantInput> {
    const tenantTypes: DocType[] = [DOC.cluster, DOC.roleDefinition, DOC.roleAssignment, DOC.denyAssignment, DOC.scopeParent, DOC.subnet, DOC.registry, DOC.federatedCredential];
    const principalTypes: DocType[] = [DOC.user, DOC.group, DOC.servicePrincipal];
    const kubernetesTypes: DocType[] = [DOC.k8sRole, DOC.k8sBinding, DOC.k8sNamespace, DOC.k8sServiceAccount, DOC.k8sPod, DOC.snapshot];
    const [tenantRows, principalRows, membershipRows, kubernetesRows] = await Promise.all([
      this.query<ObjectRow<unknown>>('tenant', QUERY.tenantObjects, [{ name: '@types', value: tenantTypes }]),
      this.query<Omit<ObjectRow<unknown>, 'partition'>>('principals', QUERY.principals, [{ name: '@types', value: principalTypes }]),
      this.query<{ groupId: string; seq: number; memberIds: string[] }>('memberships', QUERY.memberships, [{ name: '@type', value: DOC.membership }]),
      onlyClusters === undefined ? this.query<ObjectRow<unknown>>('clusters', QUERY.kubernetesObjects, [{ name: '@types', value: kubernetesTypes }]) : this.kubernetesRowsOf(onlyClusters, kubernetesTypes),
    ]);

    tenantRows.sort(byPartitionThenSeq);
    const tenantOf = <T extends { id: string }>(type: DocType) => uniqueById(tenantRows.filter((r) => r.type === type).map((r) => r.data as T));

    const members = new Map<string, { seq: number; memberIds: string[] }[]>();
    for (const m of membershipRows) groupInto(members, m.groupId, m);
    const memberIdsOf = (groupId: string) =>
      (members.get(groupId.toLowerCase()) ?? [])
        .sort((a, b) => a.seq - b.seq)
        .flatMap((m) => m.memberIds);
    const principalsOf = <T>(type: DocType) =>
      principalRows
        .filter((r) => r.type === type)
        .sort((a, b) => a.seq - b.seq)
        .map((r) => r.data as T);

    kubernetesRows.sort(byPartitionThenSeq);
    const kubernetes = new Map<string, RbacObjects & K8sInventory & Record<string, unknown>>();
    const byCluster = new Map<string, ObjectRow<unknown>[]>();
    for (const r of kubernetesRows) groupInto(byCluster, r.partition, r);
    for (const [id, rows] of byCluster) {
      const of = <T>(type: DocType) => rows.filter((r) => r.type === type).map((r) => r.data as T);
      const rest = rows.find((r) => r.type === DOC.snapshot)?.data as Record<string, unknown> | undefined;
      kubernetes.set(clusterKey(id), {
        ...rest,
        roles: of(DOC.k8sRole),
        bindings: of(DOC.k8sBinding),
        namespaces: of(DOC.k8sNamespace),
        serviceAccounts: of(DOC.k8sServiceAccount),
        pods: of(DOC.k8sPod),
      });
    }

    return {
      clusters: tenantOf<AksCluster>(DOC.cluster),
      kubernetes,
      azure: {
        roleDefinitions: tenantOf<RoleDefinition>(DOC.roleDefinition),
        roleAssignments: tenantOf<RoleAssignment>(DOC.roleAssignment),
        denyAssignments: tenantOf<DenyAssignment>(DOC.denyAssignment),
        hierarchy: tenantOf<ScopeParent>(DOC.scopeParent),
      },
      entra: {
        users: principalsOf<EntraUser>(DOC.user),
        groups: principalsOf<Omit<EntraGroup, 'memberIds'>>(DOC.group).map((g): EntraGroup => ({ ...g, memberIds: memberIdsOf(g.id) })),
        servicePrincipals: principalsOf<EntraServicePrincipal>(DOC.servicePrincipal),
      },
      network: { subnets: tenantOf<AksSubnet>(DOC.subnet), registries: tenantOf<AksRegistry>(DOC.registry), federatedCredentials: tenantOf<AksFederatedCredential>(DOC.federatedCredential) },
    };
  }

  // ---- cluster generations --------------------------------------------------------------------------------

  /**
   * Writes every chunk of the generation into the cluster's partition, then — only then — flips the pointer to
   * it, then gives the chunks of older generations a `ttl` (readers that already hold the old pointer finish
   * reading; Cosmos removes them later). The pointer only moves forward: a generation older than the one the
   * pointer names (a retried, outrun compile) is not written, and a concurrent flip is detected by the
   * pointer's etag and re-decided. Chunk ids carry a digest of their content, so rewriting a generation with
   * the same content rewrites identical documents, and with other content never touches what readers read.
   */
  async writeGeneration(generation: ClusterGeneration): Promise<void> {
    const key = clusterKey(generation.clusterId);
    const clusters = this.containers.clusters;
    // The findings travel in the chunks as one more top-level field of the input (split off again on read).
    const stored = generation.findings === undefined ? generation.input : ({ ...generation.input, [FINDINGS_FIELD]: generation.findings } as AccessModelInput);
    const chunks = splitGeneration(stored, this.maxChunkBytes);
    const digest = generationDigest(chunks);
    const unit = `compile|cluster:${key}`;
    const name = generation.input.clusters.find((c) => clusterKey(c.id) === key)?.name ?? generation.clusterId.split('/').pop() ?? generation.clusterId;

    let current = await this.readPointer(key);
    let previous = current;
    if (current !== undefined && current.document.generation > generation.generation) {
      await this.markSuperseded(current.document);
      return;
    }

    await forEachBounded(chunks, this.concurrency, async (segments, index) => {
      const chunk: ChunkDocument = {
        id: chunkId(generation.generation, digest, index),
        type: DOC.generationChunk,
        clusterId: key,
        unit,
        runId: generation.generation,
        generation: generation.generation,
        digest,
        index,
        chunks: chunks.length,
        segments,
      };
      await clusters.items.upsert(chunk);
      await this.onGenerationChunkWritten?.({ clusterId: generation.clusterId, generation: generation.generation, index, chunks: chunks.length });
    });

    const pointer: PointerDocument = {
      id: POINTER_ID,
      type: DOC.generationPointer,
      clusterId: key,
      unit,
      runId: generation.generation,
      armId: generation.clusterId,
      name,
      generation: generation.generation,
      digest,
      chunks: chunks.length,
      compiledAt: generation.compiledAt,
    };
    for (let attempt = 1; ; attempt++) {
      try {
        if (current === undefined) await clusters.items.create(pointer);
        else await clusters.items.upsert(pointer, { accessCondition: { type: 'IfMatch', condition: current.etag } });
        break;
      } catch (error) {
        // 409: another compile created the pointer first; 412: another compile flipped it since we read it.
        const code = statusCode(error);
        if ((code !== 409 && code !== 412) || attempt >= 5) throw error;
        current = await this.readPointer(key);
        if (current !== undefined && current.document.generation > generation.generation) {
          await this.markSuperseded(current.document);
          return;
        }
        previous ??= current;
      }
    }
    // With no pointer before this one there is no older generation to expire (chunks of a compile that died
    // before creating the pointer are found by the next generation's query): the query is saved.
    if (previous !== undefined) await this.markSuperseded(pointer);
  }

  /** Gives a `ttl` to every chunk in the pointer's partition that the pointer does not name and that is not newer. */
  private async markSuperseded(pointer: PointerDocument): Promise<void> {
    const rows = await this.query<{ id: string }>(
      'clusters',
      QUERY.supersededChunks,
      [
        { name: '@clusterId', value: pointer.clusterId },
        { name: '@type', value: DOC.generationChunk },
        { name: '@generation', value: pointer.generation },
        { name: '@digest', value: pointer.digest },
      ],
      pointer.clusterId,
    );
    // Patch is not in the emulated server's batch API, so ttl patches go one by one (a generation is a few chunks).
    await forEachBounded(rows, this.concurrency, async ({ id }) => {
      try {
        await this.containers.clusters.item(id, pointer.clusterId).patch([{ op: 'set', path: '/ttl', value: this.supersededTtlSeconds }]);
      } catch (error) {
        if (statusCode(error) !== 404) throw error; // already expired
      }
    });
  }

  private async readPointer(key: string): Promise<{ document: PointerDocument; etag: string } | undefined> {
    const response = await this.containers.clusters.item(POINTER_ID, key).read<PointerDocument & { _etag: string }>();
    const document = response.resource;
    return document === undefined ? undefined : { document, etag: document._etag };
  }

  /** The pointer alone: one point read in the cluster's partition. */
  async readClusterPointer(clusterId: string): Promise<ClusterPointer | undefined> {
    const pointer = (await this.readPointer(clusterKey(clusterId)))?.document;
    return pointer === undefined ? undefined : { clusterId: pointer.armId, name: pointer.name, generation: pointer.generation, compiledAt: pointer.compiledAt };
  }

  /**
   * The pointer, then the chunks it names by id (point reads in the cluster's partition: chunk ids follow from
   * the pointer's generation, digest and count, so no query — and no query plan — is needed).
   */
  async readCurrentGeneration(clusterId: string): Promise<ClusterGeneration | undefined> {
    const key = clusterKey(clusterId);
    let found = 0;
    let pointer: PointerDocument | undefined;
    // A chunk missing under a pointer can only mean the pointer moved on long ago (its chunks expired): look again once.
    for (let attempt = 0; attempt < 2; attempt++) {
      pointer = (await this.readPointer(key))?.document;
      if (pointer === undefined) return undefined;
      const { generation, digest } = pointer;
      const ordered = await Promise.all(
        Array.from({ length: pointer.chunks }, async (_, index) => (await this.containers.clusters.item(chunkId(generation, digest, index), key).read<ChunkDocument>()).resource?.segments),
      );
      found = ordered.filter((c) => c !== undefined).length;
      if (ordered.every((c) => c !== undefined)) {
        const { [FINDINGS_FIELD]: findings, ...input } = joinGeneration(ordered) as AccessModelInput & { [FINDINGS_FIELD]?: ClusterFindings };
        return { clusterId: pointer.armId, generation: pointer.generation, compiledAt: pointer.compiledAt, input, ...(findings === undefined ? {} : { findings }) };
      }
    }
    throw new Error(`cluster ${clusterId}: generation ${pointer?.generation ?? '?'} names ${pointer?.chunks ?? 0} chunks, ${found} found`);
  }

  async listClusterGenerations(): Promise<{ clusterId: string; name: string; generation: string; compiledAt: string }[]> {
    const rows = await this.query<{ armId: string; name: string; generation: string; compiledAt: string }>('clusters', QUERY.clusterPointers, [
      { name: '@type', value: DOC.generationPointer },
    ]);
    return rows
      .map((r) => ({ clusterId: r.armId, name: r.name, generation: r.generation, compiledAt: r.compiledAt }))
      .sort((a, b) => (a.clusterId.toLowerCase() < b.clusterId.toLowerCase() ? -1 : 1));
  }

  // ---- access history -------------------------------------------------------------------------------------

  /**
   * Writes the digest as chunk documents in the cluster's partition, each with the history `ttl`; chunk 0 last,
   * so a reader that finds chunk 0 finds them all. Ids are per generation: rewriting a generation's digest
   * overwrites it.
   */
  async writeAccessDigest(clusterId: string, generation: string, compiledAt: string, digest: AccessDigest): Promise<void> {
    const key = clusterKey(clusterId);
    const contentHash = sha256Hex(JSON.stringify(digest));
    // Most compiles change nothing: a digest identical to the previous one is kept as a reference to it, not a copy.
    const previous = await this.latestDigestRow(key, compiledAt);
    if (previous !== undefined && previous.generation !== generation && previous.contentHash === contentHash && (await this.keepDigestChunks(key, previous.sameAs ?? previous.generation))) {
      const alias: DigestChunkDocument = {
        id: `digest|${idPart(generation)}|0`,
        type: ACCESS_DIGEST_TYPE,
        clusterId: key,
        unit: `history|cluster:${key}`,
        runId: generation,
        generation,
        compiledAt,
        index: 0,
        chunks: previous.chunks,
        header: { version: digest.version, clusterId: digest.clusterId, clusterName: digest.clusterName },
        principals: [],
        rules: [],
        contentHash,
        sameAs: previous.sameAs ?? previous.generation,
        ttl: this.historyTtlSeconds,
      };
      await this.containers.clusters.items.upsert(alias);
      await this.markHistory(key, generation);
      return;
    }
    const chunks = splitDigest(digest, this.maxChunkBytes);
    const document = (chunk: DigestChunk, index: number): DigestChunkDocument => ({
      id: `digest|${idPart(generation)}|${index}`,
      type: ACCESS_DIGEST_TYPE,
      clusterId: key,
      unit: `history|cluster:${key}`,
      runId: generation,
      generation,
      compiledAt,
      index,
      chunks: chunks.length,
      header: { version: digest.version, clusterId: digest.clusterId, clusterName: digest.clusterName },
      principals: chunk.principals,
      rules: chunk.rules,
      ttl: this.historyTtlSeconds,
    });
    await forEachBounded(chunks.slice(1), this.concurrency, async (chunk, i) => {
      await this.containers.clusters.items.upsert(document(chunk, i + 1));
    });
    await this.containers.clusters.items.upsert({ ...document(chunks[0] ?? { principals: [], rules: [] }, 0), contentHash });
    await this.markHistory(key, generation);
  }

  /** Last, so the marker's ttl runs out after every digest document's (see ACCESS_HISTORY_MARKER). */
  private async markHistory(key: string, generation: string): Promise<void> {
    await this.containers.clusters.items.upsert({ ...ACCESS_HISTORY_MARKER, clusterId: key, unit: `history|cluster:${key}`, runId: generation, ttl: this.historyTtlSeconds });
  }

  /**
   * Sets the history ttl again on every chunk of a generation's digest (a ttl counts from the last write), so a
   * digest referred to lives as long as its newest reference. False when a chunk is gone already.
   */
  private async keepDigestChunks(key: string, generation: string): Promise<boolean> {
    const rows = await this.query<{ id: string }>(
      'clusters',
      QUERY.digestChunkIds,
      [
        { name: '@clusterId', value: key },
        { name: '@type', value: ACCESS_DIGEST_TYPE },
        { name: '@generation', value: generation },
      ],
      key,
    );
    if (rows.length === 0) return false;
    let kept = true;
    await forEachBounded(rows, this.concurrency, async ({ id }) => {
      try {
        await this.containers.clusters.item(id, key).patch([{ op: 'set', path: '/ttl', value: this.historyTtlSeconds }]);
      } catch (error) {
        if (statusCode(error) !== 404) throw error;
        kept = false; // expired meanwhile: the caller writes a full copy
      }
    });
    return kept;
  }

  private async latestDigestRow(key: string, atOrBefore: string): Promise<LatestDigestRow | undefined> {
    if ((await this.containers.clusters.item(ACCESS_HISTORY_MARKER.id, key).read()).resource === undefined) return undefined;
    const [latest] = await this.query<LatestDigestRow>(
      'clusters',
      QUERY.latestDigestAt,
      [
        { name: '@clusterId', value: key },
        { name: '@type', value: ACCESS_DIGEST_TYPE },
        { name: '@at', value: atOrBefore },
      ],
      key,
    );
    return latest;
  }

  async readAccessDigestAt(clusterId: string, atOrBefore: string): Promise<AccessDigestRecord | undefined> {
    const key = clusterKey(clusterId);
    const latest = await this.latestDigestRow(key, atOrBefore);
    if (latest === undefined) return undefined;
    const holder = latest.sameAs ?? latest.generation;
    const rows = await this.query<DigestChunk & { index: number; header: DigestChunkDocument['header'] }>(
      'clusters',
      QUERY.digestChunks,
      [
        { name: '@clusterId', value: key },
        { name: '@type', value: ACCESS_DIGEST_TYPE },
        { name: '@generation', value: holder },
      ],
      key,
    );
    const byIndex = new Map(rows.map((r) => [r.index, r]));
    const ordered = Array.from({ length: latest.chunks }, (_, i) => byIndex.get(i));
    const header = byIndex.get(0)?.header;
    if (header === undefined || !ordered.every((c) => c !== undefined)) {
      throw new Error(`cluster ${clusterId}: the access digest of generation ${latest.generation}${holder === latest.generation ? '' : ` (held by ${holder})`} names ${latest.chunks} chunks, ${byIndex.size} found`);
    }
    return { clusterId: header.clusterId, generation: latest.generation, compiledAt: latest.compiledAt, digest: joinDigest(header, ordered) };
  }

  // ---- plumbing -------------------------------------------------------------------------------------------

  /** A parameterised query; single-partition when `partitionKey` is given (the query must then filter on it too). */
  private async query<T>(container: ContainerName, query: (typeof QUERY)[keyof typeof QUERY], parameters: SqlParameter[], partitionKey?: string): Promise<T[]> {
    const iterator = this.containers[container].items.query<T>({ query, parameters }, partitionKey === undefined ? {} : { partitionKey });
    const { resources } = await iterator.fetchAll();
    return resources;
  }

  /**
   * Writes (or deletes) documents the cheapest way Cosmos offers: the documents of one partition in
   * transactional batches (≤ 100 operations and ≤ 1.5 MB each, one request per batch); documents alone in their
   * partition (principals) through executeBulkOperations when there are many (it costs a fixed ~1 s pause,
   * so a handful go as point operations in parallel instead). Throws naming the first failure; deleting what
   * is already gone is not one. Returns how many operations took effect.
   */
  private async apply(container: ContainerName, operations: readonly { partitionKey: string; operation: OperationInput }[]): Promise<number> {
    const byPartition = new Map<string, OperationInput[]>();
    for (const { partitionKey, operation } of operations) groupInto(byPartition, partitionKey, operation);
    const batches: { partitionKey: string; operations: OperationInput[] }[] = [];
    const singles: { partitionKey: string; operation: OperationInput }[] = [];
    for (const [partitionKey, ops] of byPartition) {
      if (ops.length === 1) {
        singles.push({ partitionKey, operation: ops[0] as OperationInput });
        continue;
      }
      let current: OperationInput[] = [];
      let bytes = 0;
      for (const op of ops) {
        const size = 'resourceBody' in op ? Buffer.byteLength(JSON.stringify(op.resourceBody)) : 100;
        if (current.length > 0 && (current.length >= BATCH_OPERATIONS || bytes + size > BATCH_BYTES)) {
          batches.push({ partitionKey, operations: current });
          current = [];
          bytes = 0;
        }
        current.push(op);
        bytes += size;
      }
      batches.push({ partitionKey, operations: current });
    }

    let applied = 0;
    const items = this.containers[container].items;
    await forEachBounded(batches, this.concurrency, async (batch) => {
      const response = await items.batch(batch.operations, batch.partitionKey);
      const results = response.result ?? [];
      const notFound = results.some((r) => r.statusCode === 404);
      const failed = results.findIndex((r) => r.statusCode >= 400 && r.statusCode !== 424 && r.statusCode !== 404);
      if (failed >= 0) throw this.failure(container, batch.operations[failed], results[failed]?.statusCode, '', batch.operations.length);
      if (results.length !== batch.operations.length) throw this.failure(container, batch.operations[0], response.code, 'batch answered without a result per operation', batch.operations.length);
      if (!notFound) {
        applied += batch.operations.length;
        return;
      }
      // A delete found nothing (gone already) and so the atomic batch did nothing: redo it one by one.
      for (const operation of batch.operations) singles.push({ partitionKey: batch.partitionKey, operation });
    });

    if (singles.length >= BULK_MIN_OPERATIONS) return applied + (await this.bulk(container, singles.map((s) => s.operation)));
    await forEachBounded(singles, this.concurrency, async ({ partitionKey, operation }) => {
      if (operation.operationType === 'Delete') {
        try {
          await this.containers[container].item(operation.id, partitionKey).delete();
          applied++;
        } catch (error) {
          if (statusCode(error) !== 404) throw error;
        }
      } else if (operation.operationType === 'Upsert') {
        await items.upsert(operation.resourceBody);
        applied++;
      } else throw new Error(`${operation.operationType} is not applied by the store`);
    });
    return applied;
  }

  private failure(container: ContainerName, operation: OperationInput | undefined, code: unknown, message: string, of: number): Error {
    const id = operation === undefined ? undefined : 'id' in operation ? operation.id : (operation.resourceBody as { id?: string } | undefined)?.id;
    return new Error(`${CONTAINERS[container].id}: ${operation?.operationType ?? '?'} ${String(id)} failed (${String(code)}) ${message} [${of} operations]`.trim());
  }

  /** executeBulkOperations in slices; throws naming the first failure; a delete of what is gone is not one. */
  private async bulk(container: ContainerName, operations: readonly OperationInput[]): Promise<number> {
    let succeeded = 0;
    for (let start = 0; start < operations.length; start += this.bulkOperations) {
      const slice = operations.slice(start, start + this.bulkOperations);
      const results = await this.containers[container].items.executeBulkOperations(slice);
      for (const result of results) {
        const code = result.error?.code ?? result.response?.statusCode;
        const failed = result.error !== undefined || (typeof code === 'number' && code >= 400);
        if (!failed) succeeded++;
        else if (!(result.operationInput.operationType === 'Delete' && code === 404)) {
          throw this.failure(container, result.operationInput, code, result.error?.message ?? '', slice.length);
        }
      }
    }
    return succeeded;
  }
}
