import type { DenyAssignment, RoleAssignment, RoleDefinition, ScopeParent } from '../../model/azureRbac.ts';
import type { AzureRbacData } from '../../model/azureRbac.ts';
import { requiredStr, str } from '../../normalize/jsonFields.ts';
import { normalizeDenyAssignment, normalizeHierarchyEntity, normalizeRoleAssignment, normalizeRoleDefinition } from '../../normalize/normalizeAzureRbac.ts';
import { itemLabel, sdkJson } from '../sdkJson.ts';
import type { AzureRbacSubscriptionPages, AzureRbacTenantPages } from './fetch.ts';

/** A subscription the credential can see: the sync plans one `sub:` unit per subscription. */
export interface AzureSubscription {
  readonly subscriptionId: string;
  readonly displayName?: string;
  /** `Enabled`, `Disabled`, `Warned`, … */
  readonly state?: string;
  readonly tenantId?: string;
}

export interface AzureRbacCollection {
  readonly azure: AzureRbacData;
  /** The tenant unit's subscription list; empty for a subscription unit. */
  readonly subscriptions: readonly AzureSubscription[];
}

/*
 * Pure: SDK models → the normalised model, through src/normalize (the one normalisation). Malformed items
 * throw ManifestError naming the item; collect() classifies that as `invalid`.
 */

function roleDefinitions(pages: AzureRbacTenantPages['roleDefinitions']): RoleDefinition[] {
  return pages.map((d, i) => normalizeRoleDefinition(sdkJson(d), itemLabel('role definition', d, i)));
}

/** Built-in roles, the management-group tree and the subscriptions. */
export function transformTenant(pages: AzureRbacTenantPages): AzureRbacCollection {
  const hierarchy: ScopeParent[] = [];
  pages.descendants.forEach((d, i) => {
    normalizeHierarchyEntity(sdkJson(d), itemLabel('management group descendant', d, i), hierarchy);
  });
  const subscriptions = pages.subscriptions.map((s, i): AzureSubscription => {
    const raw = sdkJson(s);
    const where = itemLabel('subscription', s, i);
    const displayName = str(raw, 'displayName', where);
    const state = str(raw, 'state', where);
    const tenantId = str(raw, 'tenantId', where);
    return {
      subscriptionId: requiredStr(raw, 'subscriptionId', where),
      ...(displayName === '' ? {} : { displayName }),
      ...(state === '' ? {} : { state }),
      ...(tenantId === '' ? {} : { tenantId }),
    };
  });
  return { azure: { roleDefinitions: roleDefinitions(pages.roleDefinitions), roleAssignments: [], denyAssignments: [], hierarchy }, subscriptions };
}

/**
 * Role assignments (active, then PIM-eligible), deny assignments, and the custom role definitions visible from
 * the subscription; built-in roles are the tenant unit's, not repeated per subscription.
 */
export function transformSubscription(pages: AzureRbacSubscriptionPages): AzureRbacCollection {
  const custom = roleDefinitions(pages.roleDefinitions).filter((d) => d.roleType.toLowerCase() !== 'builtinrole');
  const active: RoleAssignment[] = pages.roleAssignments.map((a, i) => normalizeRoleAssignment(sdkJson(a), itemLabel('role assignment', a, i), 'active'));
  const eligible: RoleAssignment[] = pages.eligibilities.map((e, i) => normalizeRoleAssignment(sdkJson(e), itemLabel('role eligibility schedule instance', e, i), 'eligible'));
  const denies: DenyAssignment[] = pages.denyAssignments.map((d, i) => normalizeDenyAssignment(sdkJson(d), itemLabel('deny assignment', d, i)));
  return { azure: { roleDefinitions: custom, roleAssignments: [...active, ...eligible], denyAssignments: denies, hierarchy: [] }, subscriptions: [] };
}
