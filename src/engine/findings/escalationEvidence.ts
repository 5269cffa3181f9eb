import type { AksCluster } from '../../model/aksCluster.ts';
import type { ObjectKey } from '../../model/k8sRbac.ts';
import { describeAccessPath, groupChainText, type AccessPath, type NameOf } from '../access/accessPath.ts';
import type { EscalationEvidence, EscalationPlane, EscalationStep } from './EscalationFinding.ts';

/** `ClusterRoleBinding ops-bind` / `RoleBinding payments/ci-edit`: how evidence refers to Kubernetes objects. */
export function objectRef(key: ObjectKey): string {
  return key.namespace === undefined || key.namespace === '' ? `${key.kind} ${key.name}` : `${key.kind} ${key.namespace}/${key.name}`;
}

/** The objects that make one access path true: the binding or assignment, and the group membership it goes through. */
export function pathEvidence(path: AccessPath, cluster: AksCluster, nameOf?: NameOf): EscalationEvidence[] {
  const text = describeAccessPath(path, nameOf);
  const out: EscalationEvidence[] = [];
  switch (path.kind) {
    case 'rbac':
      out.push({ type: 'kubernetes-binding', ref: objectRef(path.binding), text });
      break;
    case 'systemMasters':
      out.push({ type: 'kubernetes-binding', ref: 'Group system:masters', text });
      break;
    case 'dataAction':
    case 'adminCredential':
      out.push({ type: 'azure-role-assignment', ref: path.assignmentId, text });
      break;
    case 'adminGroup':
      out.push({ type: 'cluster-setting', ref: `${cluster.id}#aadProfile.adminGroupObjectIDs`, text });
      break;
    case 'discovery':
      out.push({ type: 'cluster-setting', ref: cluster.id, text });
      break;
  }
  if (path.kind !== 'systemMasters' && path.kind !== 'discovery' && path.viaGroup !== undefined) {
    out.push({ type: 'group-membership', ref: path.viaGroup.groupId, text: `member of group ${groupChainText(path.viaGroup, nameOf)}` });
  }
  return out;
}

/** The plane a set of grants lives in: Azure when only Azure grants it, Kubernetes otherwise. */
export function planeOf(paths: readonly AccessPath[]): EscalationPlane {
  return paths.length > 0 && paths.every((p) => p.plane === 'azure') ? 'azure' : 'kubernetes';
}

/** A step made true by access paths: one evidence entry per object (a binding or assignment answering several questions is listed once). */
export function pathStep(action: string, paths: readonly AccessPath[], cluster: AksCluster, nameOf?: NameOf): EscalationStep {
  const seen = new Set<string>();
  const evidence = paths
    .flatMap((p) => pathEvidence(p, cluster, nameOf))
    .filter((e) => {
      const k = `${e.type}\0${e.ref}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  return { plane: planeOf(paths), action, evidence };
}

/** `create pods, create/patch/update deployments`: what a subject may do, one entry per resource. */
export function meansText(means: Iterable<string>): string {
  const verbsByResource = new Map<string, Set<string>>();
  for (const m of means) {
    const space = m.indexOf(' ');
    const verb = m.slice(0, space);
    const rest = m.slice(space + 1);
    const verbs = verbsByResource.get(rest) ?? new Set<string>();
    verbs.add(verb);
    verbsByResource.set(rest, verbs);
  }
  return [...verbsByResource].map(([rest, verbs]) => `${[...verbs].sort().join('/')} ${rest}`).join(', ');
}
