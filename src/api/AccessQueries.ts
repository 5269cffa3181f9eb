import type { AccessRequest } from '../model/accessRequest.ts';
import type { AksCluster } from '../model/aksCluster.ts';
import type { EntraDirectory, EntraPrincipal } from '../model/entra.ts';
import type { IndexStore, UnitStatus } from '../store/IndexStore.ts';
import { buildAccessModel, type AccessModel } from '../engine/access/accessModel.ts';
import { whoCanAcross, whoCanAcrossAnyNamespace, type CrossPlaneWhoCan } from '../engine/access/whoCanAcross.ts';
import { canAcross, type CrossPlaneDecision } from '../engine/access/canAcross.ts';
import { rulesAcross, type RulesAcross } from '../engine/access/rulesAcross.ts';
import { entraIdentity, kubernetesIdentity, type PrincipalIdentity } from '../engine/access/principalIdentity.ts';
import { impersonatedUser } from '../engine/k8s/identity.ts';
import { QueryError } from './QueryError.ts';

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
  readonly model: AccessModel;
  readonly cluster: AksCluster;
  /** The slice's directory objects, for searching principals by name. */
  readonly directory: EntraDirectory;
}

/**
 * The questions of the API, answered from the stored cluster generations: one pointer list per question,
 * one single-partition read per cluster whose generation changed since the last question (models are cached
 * by generation, so repeated questions cost no store reads for the data itself).
 */
export class AccessQueries {
  private readonly store: IndexStore;
  private readonly cache = new Map<string, CachedCluster>();

  constructor(store: IndexStore) {
    this.store = store;
  }

  /** Every indexed cluster with its generation and freshness. */
  async clusters(): Promise<ClusterFreshness[]> {
    const [generations, statuses] = await Promise.all([this.store.listClusterGenerations(), this.store.listUnitStatus()]);
    return generations.map((g) => freshness(g, statuses));
  }

  async indexStatus(): Promise<UnitStatus[]> {
    return this.store.listUnitStatus();
  }

  /** The clusters a question names (names or ARM ids, case-insensitive), or all of them. */
  private async select(names: readonly string[] | undefined): Promise<{ clusters: ClusterFreshness[]; models: CachedCluster[] }> {
    const all = await this.clusters();
    if (all.length === 0) throw new QueryError('NOT_INDEXED', 'no cluster has been indexed yet: run a sync first');
    let chosen = all;
    if (names !== undefined && names.length > 0) {
      chosen = names.map((n) => {
        const k = n.toLowerCase();
        const found = all.find((c) => c.clusterId.toLowerCase() === k) ?? all.find((c) => c.name.toLowerCase() === k);
        if (found === undefined) throw new QueryError('UNKNOWN_CLUSTER', `unknown cluster "${n}"; indexed clusters: ${all.map((c) => c.name).join(', ')}`);
        return found;
      });
    }
    const models = await Promise.all(chosen.map((c) => this.model(c)));
    return { clusters: chosen, models };
  }

  private async model(c: ClusterFreshness): Promise<CachedCluster> {
    const key = c.clusterId.toLowerCase();
    const cached = this.cache.get(key);
    if (cached?.generation === c.generation) return cached;
    const generation = await this.store.readCurrentGeneration(c.clusterId);
    if (generation === undefined) throw new QueryError('NOT_INDEXED', `cluster ${c.name} has no compiled generation yet`);
    const model = buildAccessModel(generation.input);
    const cluster = model.clusters[0];
    if (cluster === undefined) throw new QueryError('NOT_INDEXED', `cluster ${c.name}'s generation holds no cluster`);
    const entry = { generation: generation.generation, model, cluster, directory: generation.input.entra };
    this.cache.set(key, entry);
    return entry;
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

function freshness(g: { clusterId: string; name: string; generation: string; compiledAt: string }, statuses: readonly UnitStatus[]): ClusterFreshness {
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
