/**
 * Azure RBAC objects, normalised from ARM responses or `az` CLI output. Ids keep the casing they came
 * with; every comparison on them is case-insensitive (ARM itself mixes `resourceGroups`/`resourcegroups`).
 */

/** One permission block of a role or deny assignment; `not*` subtract within this block only. */
export interface Permission {
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly dataActions: readonly string[];
  readonly notDataActions: readonly string[];
}

export interface RoleDefinition {
  /** Full id (`/providers/Microsoft.Authorization/roleDefinitions/GUID`, or with a subscription prefix). */
  readonly id: string;
  /** The GUID; assignments are joined to definitions by it. */
  readonly name: string;
  readonly roleName: string;
  readonly roleType: string;
  readonly permissions: readonly Permission[];
  readonly assignableScopes: readonly string[];
}

export type PrincipalType = 'User' | 'Group' | 'ServicePrincipal' | 'ForeignGroup' | 'Device' | 'Unknown';

export interface RoleAssignment {
  readonly id: string;
  readonly scope: string;
  readonly principalId: string;
  readonly principalType: PrincipalType;
  readonly roleDefinitionId: string;
  /** ABAC condition; a grant through a conditional assignment is conditional, never plainly allowed. */
  readonly condition?: string;
  readonly conditionVersion?: string;
  /** `active` for role assignments, `eligible` for PIM eligibility (must be activated before it grants anything). */
  readonly state: 'active' | 'eligible';
  /** PIM window, when known (ISO 8601). */
  readonly startDateTime?: string;
  readonly endDateTime?: string;
  /** Shown in answers when the source had it (`az role assignment list` prints principalName). */
  readonly principalName?: string;
}

export interface DenyPrincipal {
  readonly id: string;
  readonly type: string;
}

export interface DenyAssignment {
  readonly id: string;
  readonly name: string;
  readonly scope: string;
  readonly permissions: readonly Permission[];
  readonly principals: readonly DenyPrincipal[];
  readonly excludePrincipals: readonly DenyPrincipal[];
  readonly doNotApplyToChildScopes: boolean;
}

/** A management group or subscription and the management group above it. */
export interface ScopeParent {
  /** `/providers/Microsoft.Management/managementGroups/X` or `/subscriptions/S`. */
  readonly id: string;
  readonly parentId: string;
  readonly displayName?: string;
}

export interface AzureRbacData {
  readonly roleDefinitions: readonly RoleDefinition[];
  readonly roleAssignments: readonly RoleAssignment[];
  readonly denyAssignments: readonly DenyAssignment[];
  readonly hierarchy: readonly ScopeParent[];
}

/** The principal id deny assignments use for "Everyone" (all principals). */
export const EVERYONE_PRINCIPAL_ID = '00000000-0000-0000-0000-000000000000';
