import type { ObjectKey } from '../model/k8sRbac.ts';
import { groupChainText, type AccessPath, type EscalationPath, type NameOf } from '../engine/access/accessPath.ts';
import type { GroupMembership } from '../engine/entra/entraIndex.ts';

function key(k: ObjectKey): Record<string, string> {
  return k.namespace === undefined ? { kind: k.kind, name: k.name } : { kind: k.kind, name: k.name, namespace: k.namespace };
}

function group(via: GroupMembership | undefined): Record<string, unknown> {
  return via === undefined ? {} : { viaGroup: { groupId: via.groupId, chain: via.chain } };
}

/** The `via[]` entry of cross-plane JSON: the Kubernetes-only shape plus `plane` (and Azure's own fields). */
export function accessPathJson(path: AccessPath | EscalationPath): Record<string, unknown> {
  switch (path.kind) {
    case 'rbac':
      return {
        plane: 'kubernetes',
        kind: 'rbac',
        cluster: path.cluster,
        binding: key(path.binding),
        role: key(path.role),
        ruleIndex: path.ruleIndex,
        // The rule itself and where it holds ("" = cluster-wide): what an API answer shows without a second lookup.
        rule: { verbs: path.rule.verbs, apiGroups: path.rule.apiGroups, resources: path.rule.resources, resourceNames: path.rule.resourceNames, nonResourceURLs: path.rule.nonResourceURLs },
        namespace: path.namespace,
        ...(path.aggregatedFrom.length > 0 ? { aggregatedFrom: path.aggregatedFrom } : {}),
        ...group(path.viaGroup),
      };
    case 'systemMasters':
      return { plane: 'kubernetes', kind: 'systemMasters', cluster: path.cluster };
    case 'dataAction':
      return {
        plane: 'azure',
        kind: 'dataAction',
        cluster: path.cluster,
        assignmentId: path.assignmentId,
        roleName: path.roleName,
        roleDefinitionId: path.roleDefinitionId,
        scope: path.scope,
        dataAction: path.dataAction,
        matchedBy: path.matchedBy,
        ...(path.condition === undefined ? {} : { condition: path.condition }),
        principalId: path.principalId,
        ...group(path.viaGroup),
      };
    case 'adminGroup':
      return { plane: 'azure', kind: 'adminGroup', cluster: path.cluster, groupId: path.groupId, grants: 'cluster-admin', ...group(path.viaGroup) };
    case 'adminCredential':
      return {
        plane: 'azure',
        kind: 'adminCredential',
        cluster: path.cluster,
        action: path.action,
        becomes: path.becomes,
        assignmentId: path.assignmentId,
        roleName: path.roleName,
        scope: path.scope,
        matchedBy: path.matchedBy,
        ...(path.condition === undefined ? {} : { condition: path.condition }),
        principalId: path.principalId,
        ...group(path.viaGroup),
      };
    case 'discovery':
      return { plane: 'azure', kind: 'discovery', cluster: path.cluster };
    case 'escalation':
      return {
        plane: 'azure',
        kind: 'escalation',
        cluster: path.cluster,
        action: path.action,
        why: path.why,
        assignmentId: path.assignmentId,
        roleName: path.roleName,
        scope: path.scope,
        principalId: path.principalId,
        ...group(path.viaGroup),
      };
  }
}

/** One short line for tables: `[azure] RBAC Writer @ rg-prod → …/secrets/read`. */
export function accessPathShort(path: AccessPath | EscalationPath, nameOf?: NameOf): string {
  const g = 'viaGroup' in path && path.viaGroup !== undefined ? ` via group ${groupChainText(path.viaGroup, nameOf)}` : '';
  switch (path.kind) {
    case 'rbac': {
      const k = (o: ObjectKey) => (o.namespace === undefined ? `${o.kind} ${o.name}` : `${o.kind} ${o.namespace}/${o.name}`);
      return `[k8s ${path.cluster}] ${k(path.binding)} → ${k(path.role)} #${path.ruleIndex}${g}`;
    }
    case 'systemMasters':
      return `[k8s ${path.cluster}] system:masters`;
    case 'dataAction':
      return `[azure ${path.cluster}] "${path.roleName}" at ${path.scope}${path.condition === undefined ? '' : ' (conditional)'}${g}`;
    case 'adminGroup':
      return `[azure ${path.cluster}] cluster admin group ${nameOf?.(path.groupId) ?? path.groupId}${g}`;
    case 'adminCredential':
      return `[azure ${path.cluster}] "${path.roleName}" at ${path.scope} → ${path.action.split('/').slice(-2).join('/')} → ${path.becomes}${g}`;
    case 'discovery':
      return `[azure ${path.cluster}] discovery path`;
    case 'escalation':
      return `[azure ${path.cluster}] "${path.roleName}" at ${path.scope} → ${path.action}${g}`;
  }
}
