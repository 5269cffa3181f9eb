import type { AccessRequest } from '../../model/accessRequest.ts';
import type { AksCluster } from '../../model/aksCluster.ts';
import type { RoleAssignment } from '../../model/azureRbac.ts';
import type { AzureGrant } from '../azure/azureRbacIndex.ts';
import type { AccessModel } from './accessModel.ts';
import type { AccessPath } from './accessPath.ts';
import type { CrossPlaneSubject, CrossPlaneWhoCan } from './whoCanAcross.ts';

/*
 * A cluster's findings ask whoCanAcross ~560 questions (risky rules, escalation chains, each any-namespace question
 * once per namespace), and on a cluster with Azure RBAC most of each answer is the same Azure holders of a data
 * action at a scope, evaluated again for every Kubernetes request that maps to it. A memo made for one model keeps
 * both: answers by request, and Azure holders by (actions, kind, scope). Answers are never changed by their readers,
 * so one answer object can serve every reader, and its paths being the same objects makes them cheap to merge.
 */

/** The Azure holders of some actions at a scope (whoCanAcross's azureHolders), with what the evaluation noted. */
export interface AzureHeld {
  readonly active: readonly { readonly holder: RoleAssignment; readonly grant: AzureGrant }[];
  readonly pending: readonly AzureGrant[];
  /** Holders a deny assignment stops: the assignment that made them one, and why. */
  readonly denied: readonly { readonly holder: RoleAssignment; readonly reason: string }[];
  /** Groups holding an active assignment (their members are evaluated one by one on expandGroups). */
  readonly holderGroups: ReadonlySet<string>;
}

export interface WhoCanAcrossMemo {
  /** The model every memoised answer is about: asking with another model is an error, not a stale answer. */
  readonly model: AccessModel;
  readonly answers: Map<string, CrossPlaneWhoCan>;
  readonly azure: Map<string, AzureHeld>;
  /** The path built from a source (an index's grant path, an Azure grant) per variant: equal paths of two answers are one object. */
  readonly paths: WeakMap<object, Map<string, AccessPath>>;
  /** The subject an Azure assignment makes (its principal as the directory knows it), and each such subject's key. */
  readonly subjects: WeakMap<RoleAssignment, Omit<CrossPlaneSubject, 'via' | 'conditional' | 'namespaces'>>;
  readonly subjectKeys: WeakMap<object, string>;
}

/** An empty memo for questions on `model` (pass it as WhoCanAcrossOptions.memo); drop it with the model. */
export function whoCanAcrossMemo(model: AccessModel): WhoCanAcrossMemo {
  return { model, answers: new Map(), azure: new Map(), paths: new WeakMap(), subjects: new WeakMap(), subjectKeys: new WeakMap() };
}

/** The memo for this model, or an error naming the mistake (a memo kept past its compile). */
export function memoFor(memo: WhoCanAcrossMemo | undefined, model: AccessModel): WhoCanAcrossMemo | undefined {
  if (memo !== undefined && memo.model !== model) throw new Error('whoCanAcross: the memo was made for another AccessModel; make one per model (whoCanAcrossMemo(model))');
  return memo;
}

/**
 * The path `make` builds from `source` (for `variant`: the cluster and what else the path says besides the source),
 * built once per memo: paths of different answers that are the same object merge without comparing their JSON.
 */
export function sharedPath(memo: WhoCanAcrossMemo | undefined, source: object, variant: string, make: () => AccessPath): AccessPath {
  if (memo === undefined) return make();
  let built = memo.paths.get(source);
  if (built === undefined) {
    built = new Map();
    memo.paths.set(source, built);
  }
  let path = built.get(variant);
  if (path === undefined) {
    path = make();
    built.set(variant, path);
  }
  return path;
}

/** What an answer depends on besides the model: the question's kind, the request, the clusters and expandGroups. */
export function answerKey(kind: 'one' | 'anyNamespace', request: AccessRequest, clusters: readonly AksCluster[], expandGroups: boolean): string {
  return `${kind}\0${expandGroups ? 'expand' : ''}\0${clusters.map((c) => c.id.toLowerCase()).join('\0')}\0${JSON.stringify(request)}`;
}
