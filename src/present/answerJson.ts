import type { CrossPlaneSubject, CrossPlaneWhoCan } from '../engine/access/whoCanAcross.ts';
import { principalType } from '../engine/access/whoCanAcross.ts';
import type { CrossPlaneDecision } from '../engine/access/canAcross.ts';
import type { RulesAcross } from '../engine/access/rulesAcross.ts';
import type { PrincipalIdentity } from '../engine/access/principalIdentity.ts';
import { pathJson } from './jsonShapes.ts';
import { accessPathJson } from './accessPathJson.ts';

/*
 * The JSON of cross-plane answers: what `-o json` prints and what the REST API returns per cluster (it adds the
 * cluster's freshness and the display names of the ids it mentions). One builder per answer, so the two never
 * drift; the CLI's tables are printed from these objects, whether computed here or fetched from an API.
 */

export type PathJson = Record<string, unknown>;

export interface SubjectJson {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly objectId?: string;
  readonly principalType?: string;
  readonly displayName?: string;
}

export interface WhoCanJson {
  readonly subjects: readonly (SubjectJson & { readonly namespaces?: readonly string[]; readonly conditional?: true; readonly via: readonly PathJson[] })[];
  readonly eligible: readonly (SubjectJson & { readonly via: readonly PathJson[] })[];
  readonly escalations: readonly (SubjectJson & { readonly via: readonly PathJson[] })[];
  readonly denied: readonly (SubjectJson & { readonly reason: string })[];
  readonly notes: readonly string[];
  readonly warnings: readonly string[];
}

export interface CanIJson {
  readonly allowed: boolean | 'conditional';
  readonly reason: string;
  readonly cluster: string;
  readonly principal: { readonly kubernetesName: string; readonly groups: readonly string[]; readonly objectId?: string; readonly principalType?: string; readonly displayName?: string };
  readonly via: readonly PathJson[];
  readonly eligible: readonly PathJson[];
  readonly escalations: readonly PathJson[];
  readonly azureDenials: readonly string[];
  readonly notes: readonly string[];
  readonly warnings: readonly string[];
}

export interface KubernetesRuleJson {
  readonly plane: 'kubernetes';
  readonly verbs: readonly string[];
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly resourceNames: readonly string[];
  readonly nonResourceURLs: readonly string[];
  readonly via: { readonly binding: { kind: string; name: string; namespace?: string }; readonly role: { kind: string; name: string; namespace?: string }; readonly ruleIndex: number; readonly aggregatedFrom?: readonly string[] };
}

export interface AzureRoleJson {
  readonly plane: 'azure';
  readonly assignmentId: string;
  readonly roleName: string;
  readonly scope: string;
  readonly state: string;
  readonly condition?: string;
  readonly dataActionsApply: boolean;
  readonly permissions: readonly { readonly dataActions: readonly string[]; readonly notDataActions: readonly string[] }[];
  readonly clusterActions: readonly string[];
  readonly viaGroup?: { readonly groupId: string; readonly chain: readonly string[] };
}

export interface RulesJson {
  readonly cluster: string;
  readonly namespace: string;
  readonly principal: { readonly kubernetesName: string; readonly groups: readonly string[]; readonly objectId?: string };
  readonly kubernetes: readonly KubernetesRuleJson[];
  readonly azure: readonly AzureRoleJson[];
  readonly adminGroups: readonly { readonly groupId: string; readonly viaGroup?: { readonly groupId: string; readonly chain: readonly string[] } }[];
  readonly notes: readonly string[];
  readonly warnings: readonly string[];
}

export function subjectJson(s: Omit<CrossPlaneSubject, 'via' | 'conditional' | 'namespaces'>): SubjectJson {
  return {
    kind: s.kind,
    name: s.name,
    ...(s.namespace === undefined ? {} : { namespace: s.namespace }),
    ...(s.objectId === undefined ? {} : { objectId: s.objectId }),
    ...(s.principalType === undefined ? {} : { principalType: s.principalType }),
    ...(s.displayName === undefined ? {} : { displayName: s.displayName }),
  };
}

export function whoCanJson(answer: CrossPlaneWhoCan, extraWarnings: readonly string[] = []): WhoCanJson {
  return {
    // namespaces: -A answers say where each subject holds.
    subjects: answer.subjects.map((s) => ({
      ...subjectJson(s),
      ...(s.namespaces === undefined ? {} : { namespaces: s.namespaces }),
      ...(s.conditional ? { conditional: true as const } : {}),
      via: s.via.map(accessPathJson),
    })),
    eligible: answer.eligible.map((e) => ({ ...subjectJson(e.subject), via: [accessPathJson(e.path)] })),
    escalations: answer.escalations.map((e) => ({ ...subjectJson(e.subject), via: [accessPathJson(e.path)] })),
    denied: answer.denied.map((d) => ({ ...subjectJson(d.subject), reason: d.reason })),
    notes: answer.notes,
    warnings: [...new Set([...extraWarnings, ...answer.warnings])],
  };
}

export function canIJson(decision: CrossPlaneDecision, identity: PrincipalIdentity, clusterName: string, extraWarnings: readonly string[] = []): CanIJson {
  const entra = identity.entra;
  return {
    allowed: decision.allowed,
    reason: decision.reason,
    cluster: clusterName,
    principal: {
      kubernetesName: identity.kubernetes.name,
      groups: identity.kubernetes.groups,
      // Same vocabulary as who-can (not Graph's servicePrincipalType, e.g. "Application").
      ...(entra === undefined ? {} : { objectId: entra.id, principalType: principalType(entra) }),
      ...(entra?.displayName === undefined ? {} : { displayName: entra.displayName }),
    },
    via: decision.paths.map(accessPathJson),
    eligible: decision.eligible.map(accessPathJson),
    escalations: decision.escalations.map(accessPathJson),
    azureDenials: decision.azureDenials,
    notes: decision.notes,
    warnings: [...new Set([...extraWarnings, ...decision.warnings])],
  };
}

export function rulesJson(result: RulesAcross, identity: PrincipalIdentity, namespace: string, warnings: readonly string[] = []): RulesJson {
  return {
    cluster: result.cluster,
    namespace,
    principal: { kubernetesName: identity.kubernetes.name, groups: identity.kubernetes.groups, ...(identity.entra === undefined ? {} : { objectId: identity.entra.id }) },
    kubernetes: (result.kubernetes?.rules ?? []).map((r) => ({
      plane: 'kubernetes',
      verbs: r.rule.verbs,
      apiGroups: r.rule.apiGroups,
      resources: r.rule.resources,
      resourceNames: r.rule.resourceNames,
      nonResourceURLs: r.rule.nonResourceURLs,
      via: pathJson(r) as unknown as KubernetesRuleJson['via'],
    })),
    azure: result.azure.map((a) => ({
      plane: 'azure',
      assignmentId: a.assignment.id,
      roleName: a.role.roleName,
      scope: a.assignment.scope,
      state: a.assignment.state,
      ...(a.assignment.condition === undefined ? {} : { condition: a.assignment.condition }),
      dataActionsApply: a.dataActionsApply,
      permissions: a.role.permissions.map((p) => ({ dataActions: p.dataActions, notDataActions: p.notDataActions })),
      clusterActions: a.clusterActions,
      ...(a.viaGroup === undefined ? {} : { viaGroup: { groupId: a.viaGroup.groupId, chain: a.viaGroup.chain } }),
    })),
    adminGroups: result.adminGroups,
    notes: result.notes,
    warnings: [...new Set(warnings)],
  };
}
