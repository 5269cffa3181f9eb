import type { AccessRequest } from '../model/accessRequest.ts';
import type { AksCluster } from '../model/aksCluster.ts';
import type { EntraDirectory, EntraPrincipal } from '../model/entra.ts';
import type { ClusterPointer, IndexStore, UnitKey, UnitStatus } from '../store/IndexStore.ts';
import { AZURE_RBAC_TENANT, ENTRA_TENANT, clusterUnit, subscriptionOfCluster, subscriptionUnits } from '../sync/units.ts';
import { clusterKey } from '../engine/access/accessModel.ts';
import { buildAccessModel, type AccessModel } from '../engine/access/accessModel.ts';
import { whoCanAcross, whoCanAcrossAnyNamespace, type CrossPlaneWhoCan } from '../engine/access/whoCanAcross.ts';
import { canAcross, type CrossPlaneDecision } from '../engine/access/canAcross.ts';
import { rulesAcross, type RulesAcross } from '../engine/access/rulesAcross.ts';
import { entraIdentity, kubernetesIdentity, type PrincipalIdentity } from '../engine/access/principalIdentity.ts';
import { impersonatedUser } from '../engine/k8s/identity.ts';
import type { ClusterFindings } from '../engine/findings/findingsForCluster.ts';
import { FINDING_SEVERITIES, KIND_FILTER_VALUES, kindFilterCategory, matchesKindFilter, type Finding } from '../engine/findings/Finding.ts';
import type { FindingSeverity } from '../engine/findings/clusterIdentityFindings.ts';
import { applySuppressions, type ExpiredSuppression, type ParsedSuppression, type SuppressedFinding } from '../engine/findings/suppressions.ts';
import { QueryError } from './QueryError.ts';
import { accessChangesOf, type AccessChangesAnswer, type AccessChangesQuery } from './changes/accessChangesOf.ts';

/** Freshness of one cluster's answers, from the status of the units that feed it. */
export interface ClusterFreshness {
  readonly clusterId: string;
  readonly name: string;
  readonly generation: string;
  readonly compiledAt: string;
  /** True when the cluster's own Kubernetes unit (or its subscription's) last failed: answers come from older data. */
  readonly stale: boolean;
  /** Why, when stale: the failing unit's state and message. */
  readonly staleReasons: readonly string[];
}

export interface ClusterAnswer<T> {
  readonly cluster: ClusterFreshness;
  readonly answer: T;
}

/** Who is asking about: an Entra principal (object id or UPN), or a Kubernetes identity (user + groups). */
export type Asker = { readonly principal: string } | { readonly user: string; readonly groups?: readonly string[] };

interface CachedCluster {
  readonly generation: string;
  readonly compiledAt: string;
  readonly model: AccessModel;
  readonly cluster: AksCluster;
  /** The slice's directory objects, for searching principals by name. */
  readonly directory: EntraDirectory;
  /** The findings compiled with the generation (absent from generations compiled before findings were). */
  readonly findings?: ClusterFindings;
}

export interface FindingsQuery {
  /** Cluster names or ARM ids (default: every cluster). */
  readonly clusters?: readonly string[];
  /** Categories (cluster-identity, risky, escalation) or finding kinds (risky-access, …); default all. */
  readonly kinds?: readonly string[];
  readonly severities?: readonly string[];
  /** List the suppressed findings with their acceptance (they are always counted). */
  readonly includeSuppressed?: boolean;
}

export interface FindingsAnswer {
  readonly clusters: readonly ClusterFreshness[];
  /** The findings no suppression in force covers, cluster by cluster in ARM id order. */
  readonly findings: readonly Finding[];
  /** With includeSuppressed: what suppressions cover, with owner, reason and expiry; otherwise empty. */
  readonly suppressed: readonly SuppressedFinding[];
  readonly suppressedCount: number;
  /** Suppressions past their expiry: they apply to nothing and are reported until renewed or removed. */
  readonly expiredSuppressions: readonly ExpiredSuppression[];
  readonly warnings: readonly string[];
}

export interface AccessQueriesOptions {
  /**
   * How long what a question learnt about which generation is current and how fresh it is (a cluster's
   * pointer, the statuses of the units feeding it, the list of clusters) is reused before the store is asked
   * again. Default 5 000 ms: a sync takes minutes, so an answer lags a unit's new status by at most this;
   * 0 reads them for every question.
   */
  readonly cacheTtlMs?: number;
  /** The clock the cache ages by (ms since the epoch), and suppressions expire by. Default Date.now. */
  readonly now?: () => number;
  /** The suppressions findings() applies (AKS_ACCESS_SUPPRESSIONS), read per question; default none. */
  readonly suppressions?: () => Promise<{ readonly suppressions: readonly ParsedSuppression[]; readonly warnings: readonly string[] }>;
}

interface Timed<T> {
  readonly at: number;
  readonly value: T;
}

/** A cluster's pointer and the statuses of the units that feed it: which generation to read, and how fresh it is. */
interface ClusterHead {
  readonly pointer: ClusterPointer;
  readonly statuses: readonly UnitStatus[];
}

interface Listing {
  readonly pointers: readonly ClusterPointer[];
  readonly statuses: readonly UnitStatus[];
}

const ARM_ID = /^\/subscriptions\//i;
const DEFAULT_CACHE_TTL_MS = 5_000;

/**
 * The questions of the API, answered from the stored cluster generations. A question about clusters named by
 * ARM id stays in those clusters' partitions: the pointer and the feeding units' statuses are point reads
 * (reused for `cacheTtlMs`), and the generation is read only when the pointer names another one than the
 * cached model's (models are cached by generation). A name is resolved once from the list of pointers and
 * remembered (an Azure resource's name never changes); a question about every cluster lists pointers and
 * statuses (reused for `cacheTtlMs` too).
 */
export class AccessQueries {
  private readonly store: IndexStore;
  private readonly cache = new Map<string, CachedCluster>();
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly suppressions: AccessQueriesOptions['suppressions'];
  /** Cluster key → its pointer and feeding statuses, as read at `at`. */
  private readonly heads = new Map<string, Timed<ClusterHead>>();
  private listed: Timed<Listing> | undefined;
  /** Lower-case cluster name → ARM id, from the last list (the first cluster of a name in ARM id order). */
  private names = new Map<string, string>();

  constructor(store: IndexStore, options: AccessQueriesOptions = {}) {
    this.store = store;
    this.ttlMs = Math.max(0, options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS);
    this.now = options.now ?? Date.now;
    this.suppressions = options.suppressions;
  }

  /** Every indexed cluster with its generation and freshness (read now, not from the cache: the index's status view). */
  async clusters(): Promise<ClusterFreshness[]> {
    const { pointers, statuses } = await this.listing(true);
    return pointers.map((g) => freshness(g, statuses));
  }

  async indexStatus(): Promise<UnitStatus[]> {
    return this.store.listUnitStatus();
  }

  /** The clusters a question names (names or ARM ids, case-insensitive), or all of them. */
  private async select(names: readonly string[] | undefined): Promise<{ clusters: ClusterFreshness[]; models: CachedCluster[] }> {
    if (names === undefined || names.length === 0) {
      const { pointers, statuses } = await this.listing(false);
      if (pointers.length === 0) throw new QueryError('NOT_INDEXED', 'no cluster has been indexed yet: run a sync first');
      const models = await Promise.all(pointers.map((p) => this.model(p)));
      return { clusters: models.map((m, i) => freshness(answeredFrom(pointers[i] as ClusterPointer, m), statuses)), models };
    }
    const chosen = await Promise.all(names.map((n) => this.one(n)));
    return { clusters: chosen.map((c) => c.cluster), models: chosen.map((c) => c.model) };
  }

  /** One cluster by ARM id or name: its model and freshness, from its own partition (and the statuses' point reads). */
  private async one(name: string): Promise<{ cluster: ClusterFreshness; model: CachedCluster }> {
    const remembered = ARM_ID.test(name) ? name : (this.names.get(name.toLowerCase()) ?? (await this.resolve(name)));
    let head = await this.head(remembered);
    // A remembered name whose cluster has gone: the name may now be another cluster's.
    if (head === undefined && !ARM_ID.test(name)) head = await this.head(await this.resolve(name));
    if (head === undefined) throw await this.unknown(name);
    const model = await this.model(head.pointer);
    return { cluster: freshness(answeredFrom(head.pointer, model), head.statuses), model };
  }

  /** A name → the ARM id, from a new list when the cached one is older than the TTL or lacks the name. */
  private async resolve(name: string): Promise<string> {
    const k = name.toLowerCase();
    const find = (pointers: readonly ClusterPointer[]) => pointers.find((c) => c.clusterId.toLowerCase() === k) ?? pointers.find((c) => c.name.toLowerCase() === k);
    const cached = this.listed === undefined ? undefined : find(this.listed.value.pointers);
    const found = cached ?? find((await this.listing(this.listed !== undefined && this.isFresh(this.listed))).pointers);
    if (found === undefined) throw await this.unknown(name);
    return found.clusterId;
  }

  private async unknown(name: string): Promise<QueryError> {
    const all = (await this.listing(false)).pointers;
    if (all.length === 0) return new QueryError('NOT_INDEXED', 'no cluster has been indexed yet: run a sync first');
    return new QueryError('UNKNOWN_CLUSTER', `unknown cluster "${name}"; indexed clusters: ${all.map((c) => c.name).join(', ')}`);
  }

  /** Every pointer and unit status: cached for the TTL unless `refresh`. Also what names resolve by. */
  private async listing(refresh: boolean): Promise<Listing> {
    if (!refresh && this.listed !== undefined && this.isFresh(this.listed)) return this.listed.value;
    const at = this.now();
    const [generations, statuses] = await Promise.all([this.store.listClusterGenerations(), this.store.listUnitStatus()]);
    const pointers = [...generations].sort((a, b) => (a.clusterId.toLowerCase() < b.clusterId.toLowerCase() ? -1 : a.clusterId.toLowerCase() > b.clusterId.toLowerCase() ? 1 : 0));
    const names = new Map<string, string>();
    for (const p of pointers) if (!names.has(p.name.toLowerCase())) names.set(p.name.toLowerCase(), p.clusterId);
    this.names = names;
    this.listed = { at, value: { pointers, statuses } };
    return this.listed.value;
  }

  /**
   * The cluster's pointer and feeding statuses (cached for the TTL): point reads in their partitions, or, from a
   * store without them, the list. Undefined when the cluster has no generation.
   */
  private async head(clusterId: string): Promise<ClusterHead | undefined> {
    const key = clusterKey(clusterId);
    const cached = this.heads.get(key);
    if (cached !== undefined && this.isFresh(cached)) return cached.value;
    const at = this.now();
    let head: ClusterHead | undefined;
    if (this.store.readClusterPointer === undefined) {
      const { pointers, statuses } = await this.listing(false);
      const pointer = pointers.find((p) => clusterKey(p.clusterId) === key);
      head = pointer === undefined ? undefined : { pointer, statuses };
    } else if (!this.cache.has(key)) {
      // No model of the cluster yet: its generation is read at once (that read starts with the pointer), not the pointer twice.
      const [loaded, statuses] = await Promise.all([this.load(clusterId), this.feedingStatuses(clusterId)]);
      head = loaded === undefined ? undefined : { pointer: loaded.pointer, statuses: await this.completeStatuses(loaded.pointer, clusterId, statuses) };
    } else {
      const [pointer, statuses] = await Promise.all([this.store.readClusterPointer(clusterId), this.feedingStatuses(clusterId)]);
      head = pointer === undefined ? undefined : { pointer, statuses: await this.completeStatuses(pointer, clusterId, statuses) };
    }
    if (head !== undefined) this.heads.set(key, { at, value: head });
    return head;
  }

  /** The statuses of the units that feed a cluster (its own, its subscription's, the tenant's): point reads. */
  private async feedingStatuses(clusterId: string): Promise<(UnitStatus | undefined)[]> {
    const read = this.store.readUnitStatus?.bind(this.store);
    if (read === undefined) return [];
    return Promise.all(feedingUnits(clusterId).map((u) => read(u)));
  }

  /**
   * Statuses are keyed by the unit's scope as sync spelled it. A cluster with a generation has had its units
   * run, so a status not found under the asked spelling is looked up under the pointer's, and then in the list
   * (case-insensitive) — never silently taken as "fresh".
   */
  private async completeStatuses(pointer: ClusterPointer, asked: string, statuses: readonly (UnitStatus | undefined)[]): Promise<readonly UnitStatus[]> {
    let found = statuses;
    if (found.some((s) => s === undefined) && pointer.clusterId !== asked) found = await this.feedingStatuses(pointer.clusterId);
    if (found.length > 0 && found.every((s) => s !== undefined)) return found;
    return (await this.listing(false)).statuses;
  }

  private isFresh(entry: Timed<unknown>): boolean {
    return this.now() - entry.at < this.ttlMs;
  }

  /** The cluster's model at the generation the pointer names, or newer (read when the cached one is another). */
  private async model(c: ClusterPointer): Promise<CachedCluster> {
    const cached = this.cache.get(clusterKey(c.clusterId));
    if (cached?.generation === c.generation) return cached;
    const loaded = await this.load(c.clusterId);
    if (loaded === undefined) throw new QueryError('NOT_INDEXED', `cluster ${c.name} has no compiled generation yet`);
    return loaded.model;
  }

  /** Reads the cluster's current generation and caches its model; undefined before its first compile. */
  private async load(clusterId: string): Promise<{ pointer: ClusterPointer; model: CachedCluster } | undefined> {
    const generation = await this.store.readCurrentGeneration(clusterId);
    if (generation === undefined) return undefined;
    const model = buildAccessModel(generation.input);
    const cluster = model.clusters[0];
    if (cluster === undefined) throw new QueryError('NOT_INDEXED', `cluster ${clusterId}'s generation holds no cluster`);
    const entry = { generation: generation.generation, compiledAt: generation.compiledAt, model, cluster, directory: generation.input.entra, ...(generation.findings === undefined ? {} : { findings: generation.findings }) };
    this.cache.set(clusterKey(clusterId), entry);
    return { pointer: { clusterId: generation.clusterId, name: cluster.name, generation: generation.generation, compiledAt: generation.compiledAt }, model: entry };
  }

  /**
   * The findings stored with each chosen cluster's generation (compiled by the sync), filtered by category and
   * severity, with the suppressions in force moved aside and the expired ones reported.
   */
  async findings(query: FindingsQuery = {}): Promise<FindingsAnswer> {
    const kinds = query.kinds ?? [];
    for (const k of kinds) {
      if (kindFilterCategory(k) === undefined) throw new QueryError('BAD_REQUEST', `unknown finding kind "${k}": use ${KIND_FILTER_VALUES.join(', ')}`);
    }
    const severities: FindingSeverity[] = [];
    for (const s of query.severities ?? []) {
      const found = FINDING_SEVERITIES.find((x) => x === s.toLowerCase());
      if (found === undefined) throw new QueryError('BAD_REQUEST', `unknown severity "${s}": use ${FINDING_SEVERITIES.join(', ')}`);
      severities.push(found);
    }
    const [{ clusters, models }, loaded] = await Promise.all([this.select(query.clusters), this.suppressions?.() ?? Promise.resolve({ suppressions: [], warnings: [] })]);
    const warnings: string[] = [];
    const all: Finding[] = [];
    for (const [i, m] of models.entries()) {
      if (m.findings === undefined) {
        warnings.push(`${clusters[i]?.name ?? m.cluster.name}: generation ${m.generation} was compiled before findings were; the next sync computes them`);
        continue;
      }
      all.push(...m.findings.findings);
      warnings.push(...m.findings.warnings);
    }
    const selected = all.filter((f) => (kinds.length === 0 || kinds.some((k) => matchesKindFilter(f, k))) && (severities.length === 0 || severities.includes(f.severity)));
    const applied = applySuppressions(selected, loaded.suppressions, this.now());
    return {
      clusters,
      findings: applied.findings,
      suppressed: query.includeSuppressed === true ? applied.suppressed : [],
      suppressedCount: applied.suppressed.length,
      expiredSuppressions: applied.expired,
      warnings: [...warnings, ...loaded.warnings, ...applied.warnings],
    };
  }

  /**
   * Who gained, lost or changed access on each chosen cluster since `since`: its access digest then (the
   * history's latest at or before it) against now. A cluster first indexed after `since` reports everything as
   * gained, and says so.
   */
  async accessChanges(query: AccessChangesQuery): Promise<AccessChangesAnswer<ClusterFreshness>> {
    const { clusters, models } = await this.select(query.clusters);
    const selected = models.map((m, i) => ({ freshness: clusters[i] as ClusterFreshness, generation: m.generation, compiledAt: m.compiledAt, model: m.model, cluster: m.cluster, ...(m.findings === undefined ? {} : { findings: m.findings.findings }) }));
    return accessChangesOf(this.store, selected, query, this.now());
  }

  /** Who can make the request, per cluster (each cluster answers from its own generation). */
  async whoCan(request: AccessRequest, options: { clusters?: readonly string[]; expandGroups?: boolean; anyNamespace?: boolean } = {}): Promise<ClusterAnswer<CrossPlaneWhoCan>[]> {
    const { clusters, models } = await this.select(options.clusters);
    return models.map((m, i) => {
      const expand = { expandGroups: options.expandGroups ?? false };
      const answer =
        options.anyNamespace === true && request.type === 'resource'
          ? whoCanAcrossAnyNamespace(m.model, request, [m.cluster], expand)
          : whoCanAcross(m.model, request, [m.cluster], expand);
      return { cluster: clusters[i] as ClusterFreshness, answer };
    });
  }

  /** Can this identity make the request on one cluster? */
  async can(asker: Asker, request: AccessRequest, clusterName: string): Promise<ClusterAnswer<CrossPlaneDecision> & { identity: PrincipalIdentity }> {
    const { clusters, models } = await this.select([clusterName]);
    const m = models[0] as CachedCluster;
    const identity = await this.identity(asker, m);
    return { cluster: clusters[0] as ClusterFreshness, answer: canAcross(m.model, identity, request, m.cluster), identity };
  }

  /** What the identity holds on each chosen cluster (Kubernetes rules, Azure roles, admin groups). */
  async accessOf(asker: Asker, options: { clusters?: readonly string[]; namespace?: string } = {}): Promise<(ClusterAnswer<RulesAcross> & { identity: PrincipalIdentity })[]> {
    const { clusters, models } = await this.select(options.clusters);
    const out: (ClusterAnswer<RulesAcross> & { identity: PrincipalIdentity })[] = [];
    for (const [i, m] of models.entries()) {
      const identity = await this.identity(asker, m, true);
      out.push({ cluster: clusters[i] as ClusterFreshness, answer: rulesAcross(m.model, identity, m.cluster, options.namespace ?? ''), identity });
    }
    return out;
  }

  /**
   * The display name of an Entra object id (groups in membership chains, admin groups), from the clusters
   * already asked about: for explanations, so it needs no store read; undefined when no such cluster knows it.
   */
  readonly displayName = (id: string): string | undefined => {
    for (const m of this.cache.values()) {
      const name = m.model.entra.displayName(id);
      if (name !== undefined) return name;
    }
    return undefined;
  };

  /** An Entra principal by object id or UPN, looked up in every cluster's slice (a principal no cluster mentions is unknown here). */
  async principal(idOrUpn: string): Promise<EntraPrincipal | undefined> {
    const { models } = await this.select(undefined);
    for (const m of models) {
      const p = m.model.entra.resolve(idOrUpn);
      if (p !== undefined) return p;
    }
    return undefined;
  }

  /**
   * Entra principals whose UPN, display name or object id starts with `prefix` (case-insensitive), each once,
   * from every cluster's slice (the principals something in a cluster names), sorted by display name.
   */
  async searchPrincipals(prefix: string): Promise<EntraPrincipal[]> {
    const { models } = await this.select(undefined);
    const p = prefix.toLowerCase();
    const found = new Map<string, EntraPrincipal>();
    for (const m of models) {
      for (const x of [...m.directory.users, ...m.directory.groups, ...m.directory.servicePrincipals]) {
        const keys = [x.id, x.displayName ?? '', x.kind === 'user' ? x.userPrincipalName : ''];
        if (!found.has(x.id.toLowerCase()) && keys.some((k) => k.toLowerCase().startsWith(p))) found.set(x.id.toLowerCase(), x);
      }
    }
    const label = (x: EntraPrincipal) => (x.displayName ?? (x.kind === 'user' ? x.userPrincipalName : x.id)).toLowerCase();
    return [...found.values()].sort((a, b) => label(a).localeCompare(label(b)) || a.id.localeCompare(b.id));
  }

  private async identity(asker: Asker, m: CachedCluster, lenient = false): Promise<PrincipalIdentity> {
    if ('user' in asker) return kubernetesIdentity(impersonatedUser(asker.user, asker.groups ?? []));
    const p = m.model.entra.resolve(asker.principal);
    if (p !== undefined && p.kind !== 'group') return entraIdentity(m.model.entra, p);
    if (p?.kind === 'group') throw new QueryError('BAD_REQUEST', `${asker.principal} is a group; groups do not make requests (ask whoCan with expandGroups)`);
    // The slice holds only principals something in the cluster names; elsewhere in the tenant is still "no access".
    const known = await this.principal(asker.principal);
    if (known !== undefined && known.kind !== 'group') return entraIdentity(m.model.entra, known);
    if (lenient) return { kubernetes: { name: asker.principal, groups: [] }, groupChains: new Map() };
    throw new QueryError('UNKNOWN_PRINCIPAL', `no Entra user, service principal or managed identity "${asker.principal}" in the index`);
  }
}

/** The units whose data a cluster's generation is compiled from; their statuses say whether it is stale. */
function feedingUnits(clusterId: string): UnitKey[] {
  const subscription = subscriptionOfCluster(clusterId);
  return [clusterUnit(clusterId), ...(subscription === undefined ? [] : subscriptionUnits(subscription)), AZURE_RBAC_TENANT, ENTRA_TENANT];
}

/** The pointer as the answer used it: the model's generation (newer than the pointer read, if it moved on since). */
function answeredFrom(pointer: ClusterPointer, model: CachedCluster): ClusterPointer {
  return model.generation === pointer.generation ? pointer : { ...pointer, generation: model.generation, compiledAt: model.compiledAt };
}

function freshness(g: ClusterPointer, statuses: readonly UnitStatus[]): ClusterFreshness {
  const id = g.clusterId.toLowerCase();
  const subscription = /^\/subscriptions\/([^/]+)/i.exec(g.clusterId)?.[1]?.toLowerCase();
  const feeding = statuses.filter((s) => {
    const scope = s.scope.toLowerCase();
    return scope === `cluster:${id}` || (subscription !== undefined && scope === `sub:${subscription}`) || scope === 'tenant';
  });
  const failing = feeding.filter((s) => s.state !== 'ok');
  return {
    clusterId: g.clusterId,
    name: g.name,
    generation: g.generation,
    compiledAt: g.compiledAt,
    stale: failing.length > 0,
    staleReasons: failing.map((s) => `${s.unit} ${s.state} since ${s.lastAttempt}${s.lastSuccess === undefined ? ' (never succeeded)' : ` (last success ${s.lastSuccess})`}: ${s.message ?? ''}`),
  };
}
