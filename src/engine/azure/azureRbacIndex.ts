import type { AzureRbacData, DenyAssignment, RoleAssignment, RoleDefinition } from '../../model/azureRbac.ts';
import { EVERYONE_PRINCIPAL_ID } from '../../model/azureRbac.ts';
import type { GroupMembership } from '../entra/entraIndex.ts';
import { excludedBy, permissionGrants, type ActionKind } from './actionMatches.ts';
import { buildScopeHierarchy, isManagementGroupScope, normalizeScope, scopeCovers, subscriptionOf, type ScopeHierarchy } from './scopes.ts';

/** An Azure identity as Azure evaluates it: its object id and the groups it is in (with their chains). */
export interface AzureIdentity {
  readonly principalId: string;
  readonly groups: readonly GroupMembership[];
}

/** One assignment that grants the action at the scope. */
export interface AzureGrant {
  readonly assignment: RoleAssignment;
  readonly role: RoleDefinition;
  readonly action: string;
  /** The pattern of the role's actions/dataActions that matched. */
  readonly matchedBy: string;
  /** Set when the assignment's principal is a group the identity is in. */
  readonly viaGroup?: GroupMembership;
}

export interface AzureDenial {
  readonly denyAssignment: DenyAssignment;
  readonly action: string;
  readonly matchedBy: string;
}

/** An assignment whose role would grant the action but its not-actions remove it (a useful "why not"). */
export interface AzureExclusion {
  readonly assignment: RoleAssignment;
  readonly role: RoleDefinition;
  readonly action: string;
  readonly notPattern: string;
}

export type AzureDecisionKind = 'allowed' | 'conditional' | 'denied' | 'notGranted';

export interface AzureEvaluation {
  readonly decision: AzureDecisionKind;
  /** Active grants (unconditional and conditional). */
  readonly grants: readonly AzureGrant[];
  /** Eligible (PIM) grants: they allow nothing until activated. */
  readonly eligible: readonly AzureGrant[];
  readonly denials: readonly AzureDenial[];
  readonly exclusions: readonly AzureExclusion[];
}

export interface AzureRbacIndex {
  readonly hierarchy: ScopeHierarchy;
  roleDefinition(roleDefinitionId: string): RoleDefinition | undefined;
  /** Whether the identity may perform every one of `actions` at `scope` (each may come from another assignment). */
  evaluate(identity: AzureIdentity, actions: readonly string[], kind: ActionKind, scope: string): AzureEvaluation;
  /** Every assignment (active or eligible) that grants the action at the scope, whoever holds it. Deny assignments are not applied here. */
  holders(action: string, kind: ActionKind, scope: string): readonly AzureGrant[];
  /** Every assignment (active or eligible, whoever holds it) whose scope covers `scope`, with its role; assignments of unknown roles are left out. */
  assignmentsAt(scope: string): readonly { assignment: RoleAssignment; role: RoleDefinition }[];
  /** Deny assignments that stop this identity from performing the action at the scope. */
  denialsFor(identity: AzureIdentity, action: string, kind: ActionKind, scope: string): readonly AzureDenial[];
  /** Every assignment of the identity (directly or through its groups) that applies at the scope (no scope: anywhere), active or eligible. */
  assignmentsOf(identity: AzureIdentity, scope?: string): readonly { assignment: RoleAssignment; role: RoleDefinition; viaGroup?: GroupMembership }[];
  /** Scopes that carry at least one assignment (to find namespace-scoped grants for any-namespace questions). */
  readonly assignmentScopes: readonly string[];
  /** Assignments whose role definition is unknown: they cannot be evaluated. */
  readonly warnings: readonly string[];
}

/** `/subscriptions/S/providers/Microsoft.Authorization/roleDefinitions/GUID` and the bare form share the GUID. */
export function roleDefinitionGuid(id: string): string {
  return (id.split('/').pop() ?? id).toLowerCase();
}

/** A deny assignment with what every check needs prepared once (denialsFor runs for every holder of every question). */
interface PreparedDeny {
  readonly deny: DenyAssignment;
  readonly scope: string;
  readonly everyone: boolean;
  readonly principals: ReadonlySet<string>;
  readonly excluded: ReadonlySet<string>;
}

function prepareDeny(deny: DenyAssignment): PreparedDeny {
  return {
    deny,
    scope: normalizeScope(deny.scope),
    everyone: deny.principals.some((p) => p.id === EVERYONE_PRINCIPAL_ID),
    principals: new Set(deny.principals.map((p) => p.id.toLowerCase())),
    excluded: new Set(deny.excludePrincipals.map((p) => p.id.toLowerCase())),
  };
}

/** Whether the deny names the identity (directly, through a group or as everyone), does not exclude it, and reaches the scope. */
function denyApplies(d: PreparedDeny, ids: readonly string[], scope: string, normalizedScope: string, hierarchy: ScopeHierarchy): boolean {
  if (!d.everyone && !ids.some((id) => d.principals.has(id))) return false;
  if (ids.some((id) => d.excluded.has(id))) return false;
  return d.scope === normalizedScope || (!d.deny.doNotApplyToChildScopes && scopeCovers(d.deny.scope, scope, hierarchy));
}

export function buildAzureRbacIndex(data: AzureRbacData): AzureRbacIndex {
  const hierarchy = buildScopeHierarchy(data.hierarchy);
  const roles = new Map<string, RoleDefinition>();
  for (const role of data.roleDefinitions) roles.set(roleDefinitionGuid(role.name !== '' ? role.name : role.id), role);
  const byPrincipal = new Map<string, RoleAssignment[]>();
  /** Assignments by normalized scope, each with its role resolved once (holders() walks these for every question). */
  const byScope = new Map<string, { assignment: RoleAssignment; role: RoleDefinition }[]>();
  const warnings: string[] = [];
  for (const a of data.roleAssignments) {
    const role = roles.get(roleDefinitionGuid(a.roleDefinitionId));
    if (role === undefined) {
      warnings.push(`role assignment ${a.id} refers to role definition ${a.roleDefinitionId}, which is not in the input; it is not evaluated (add the output of 'az role definition list')`);
      continue;
    }
    const list = byPrincipal.get(a.principalId.toLowerCase()) ?? [];
    list.push(a);
    byPrincipal.set(a.principalId.toLowerCase(), list);
    const atScope = byScope.get(normalizeScope(a.scope)) ?? [];
    atScope.push({ assignment: a, role });
    byScope.set(normalizeScope(a.scope), atScope);
  }

  /**
   * The scopes whose assignments can apply at `scope`: every '/'-boundary prefix of it (subscription, resource
   * group, resource, child), the management groups above its subscription, and the root — exactly what
   * scopeCovers accepts, so `holders` looks at those assignments only instead of the whole tenant's.
   */
  const coveringScopes = (scope: string): string[] => {
    const target = normalizeScope(scope);
    const out = ['/'];
    let at = target.indexOf('/', 1);
    while (at > 0) {
      out.push(target.slice(0, at));
      at = target.indexOf('/', at + 1);
    }
    if (target !== '/') out.push(target);
    const sub = subscriptionOf(target);
    const anchor = sub !== undefined ? `/subscriptions/${sub}` : isManagementGroupScope(target) ? target : undefined;
    if (anchor !== undefined) out.push(...hierarchy.ancestorsOf(anchor));
    return out;
  };

  // What a role grants for an action does not depend on who holds it or where: remember it per role and action
  // (keyed by the role object and `kind\0action`, built once per question by holders, not per assignment).
  const roleMatches = new Map<RoleDefinition, Map<string, string | null>>();
  const roleGrantsFor = (role: RoleDefinition, key: string, action: string, kind: ActionKind): string | undefined => {
    let perRole = roleMatches.get(role);
    if (perRole === undefined) roleMatches.set(role, (perRole = new Map<string, string | null>()));
    let matched = perRole.get(key);
    if (matched === undefined) {
      matched = null;
      for (const permission of role.permissions) {
        const match = permissionGrants(permission, action, kind);
        if (match !== undefined) {
          matched = match.matchedBy;
          break;
        }
      }
      perRole.set(key, matched);
    }
    return matched ?? undefined;
  };
  const roleGrants = (role: RoleDefinition, action: string, kind: ActionKind): string | undefined => roleGrantsFor(role, `${kind}\u0000${action}`, action, kind);

  const grantOf = (a: RoleAssignment, action: string, kind: ActionKind, scope: string): Omit<AzureGrant, 'viaGroup'> | undefined => {
    const role = roles.get(roleDefinitionGuid(a.roleDefinitionId));
    if (role === undefined) return undefined;
    const matchedBy = roleGrants(role, action, kind);
    if (matchedBy === undefined) return undefined;
    if (!scopeCovers(a.scope, scope, hierarchy)) return undefined;
    return { assignment: a, role, action, matchedBy };
  };

  const denies = data.denyAssignments.map(prepareDeny);
  const denialsFor = (identity: AzureIdentity, action: string, kind: ActionKind, scope: string): AzureDenial[] => {
    const out: AzureDenial[] = [];
    if (denies.length === 0) return out;
    const ids = [identity.principalId.toLowerCase(), ...identity.groups.map((g) => g.groupId.toLowerCase())];
    const normalizedScope = normalizeScope(scope);
    for (const prepared of denies) {
      if (!denyApplies(prepared, ids, scope, normalizedScope, hierarchy)) continue;
      const deny = prepared.deny;
      for (const permission of deny.permissions) {
        const match = permissionGrants(permission, action, kind);
        if (match !== undefined) {
          out.push({ denyAssignment: deny, action, matchedBy: match.matchedBy });
          break;
        }
      }
    }
    return out;
  };

  const evaluate = (identity: AzureIdentity, actions: readonly string[], kind: ActionKind, scope: string): AzureEvaluation => {
    const candidates: { assignment: RoleAssignment; viaGroup?: GroupMembership }[] = [
      ...(byPrincipal.get(identity.principalId.toLowerCase()) ?? []).map((assignment) => ({ assignment })),
      ...identity.groups.flatMap((g) => (byPrincipal.get(g.groupId.toLowerCase()) ?? []).map((assignment) => ({ assignment, viaGroup: g }))),
    ];
    const grants: AzureGrant[] = [];
    const eligible: AzureGrant[] = [];
    const denials: AzureDenial[] = [];
    const exclusions: AzureExclusion[] = [];
    let allUnconditional = true;
    let allCovered = true;
    for (const action of actions) {
      const forAction: AzureGrant[] = [];
      for (const { assignment, viaGroup } of candidates) {
        const grant = grantOf(assignment, action, kind, scope);
        if (grant === undefined) {
          const role = roles.get(roleDefinitionGuid(assignment.roleDefinitionId));
          if (role !== undefined && assignment.state === 'active' && scopeCovers(assignment.scope, scope, hierarchy)) {
            for (const permission of role.permissions) {
              const notPattern = excludedBy(permission, action, kind);
              if (notPattern !== undefined) exclusions.push({ assignment, role, action, notPattern });
            }
          }
          continue;
        }
        const full: AzureGrant = viaGroup === undefined ? grant : { ...grant, viaGroup };
        if (assignment.state === 'eligible') eligible.push(full);
        else forAction.push(full);
      }
      denials.push(...denialsFor(identity, action, kind, scope));
      grants.push(...forAction);
      if (forAction.length === 0) allCovered = false;
      else if (!forAction.some((g) => g.assignment.condition === undefined)) allUnconditional = false;
    }
    let decision: AzureDecisionKind;
    if (denials.length > 0) decision = 'denied';
    else if (!allCovered || actions.length === 0) decision = 'notGranted';
    else decision = allUnconditional ? 'allowed' : 'conditional';
    return { decision, grants, eligible, denials, exclusions };
  };

  const holders = (action: string, kind: ActionKind, scope: string): AzureGrant[] => {
    const out: AzureGrant[] = [];
    const key = `${kind}\u0000${action}`;
    for (const candidate of new Set(coveringScopes(scope))) {
      // Every assignment here covers `scope` (coveringScopes); only what its role grants is left to decide.
      for (const { assignment, role } of byScope.get(candidate) ?? []) {
        const matchedBy = roleGrantsFor(role, key, action, kind);
        if (matchedBy !== undefined) out.push({ assignment, role, action, matchedBy });
      }
    }
    return out;
  };

  const assignmentsAt = (scope: string) => {
    const out: { assignment: RoleAssignment; role: RoleDefinition }[] = [];
    for (const candidate of new Set(coveringScopes(scope))) {
      out.push(...(byScope.get(candidate) ?? []));
    }
    return out;
  };

  const assignmentsOf = (identity: AzureIdentity, scope?: string) => {
    const out: { assignment: RoleAssignment; role: RoleDefinition; viaGroup?: GroupMembership }[] = [];
    const collect = (list: readonly RoleAssignment[], viaGroup?: GroupMembership) => {
      for (const assignment of list) {
        const role = roles.get(roleDefinitionGuid(assignment.roleDefinitionId));
        if (role === undefined || (scope !== undefined && !scopeCovers(assignment.scope, scope, hierarchy))) continue;
        out.push(viaGroup === undefined ? { assignment, role } : { assignment, role, viaGroup });
      }
    };
    collect(byPrincipal.get(identity.principalId.toLowerCase()) ?? []);
    for (const g of identity.groups) collect(byPrincipal.get(g.groupId.toLowerCase()) ?? [], g);
    return out;
  };

  return {
    hierarchy,
    assignmentsOf,
    assignmentsAt,
    roleDefinition: (id) => roles.get(roleDefinitionGuid(id)),
    evaluate,
    holders,
    denialsFor,
    assignmentScopes: [...new Set(data.roleAssignments.map((a) => a.scope))],
    warnings,
  };
}
