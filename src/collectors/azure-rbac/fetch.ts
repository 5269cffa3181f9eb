import {
  getContinuationToken as authorizationToken,
  type DenyAssignment as ArmDenyAssignment,
  type RoleAssignment as ArmRoleAssignment,
  type RoleDefinition as ArmRoleDefinition,
  type RoleEligibilityScheduleInstance,
} from '@azure/arm-authorization';
import { getContinuationToken as managementGroupsToken, type DescendantInfo } from '@azure/arm-managementgroups';
import { getContinuationToken as subscriptionsToken, type Subscription } from '@azure/arm-resources-subscriptions';
import { allSettledOrThrow, readAllPages } from '../readWithRetry.ts';
import { DEFAULT_RETRY, type RetryPolicy } from '../withRetry.ts';
import type { AzureRbacClients } from './clients.ts';

/** What the tenant unit reads: built-in (root-scope) role definitions, the management-group tree, subscriptions. */
export interface AzureRbacTenantPages {
  readonly roleDefinitions: readonly ArmRoleDefinition[];
  readonly descendants: readonly DescendantInfo[];
  readonly subscriptions: readonly Subscription[];
}

/** What a subscription unit reads: everything that applies at, above or below the subscription. */
export interface AzureRbacSubscriptionPages {
  readonly subscriptionId: string;
  /** Role definitions assignable at, above or below the subscription (custom ones are kept). */
  readonly roleDefinitions: readonly ArmRoleDefinition[];
  readonly roleAssignments: readonly ArmRoleAssignment[];
  readonly denyAssignments: readonly ArmDenyAssignment[];
  readonly eligibilities: readonly RoleEligibilityScheduleInstance[];
}

const MG_PREFIX = '/providers/Microsoft.Management/managementGroups/';

/**
 * The tenant unit's lists, complete or a CollectorError. The tenant root management group is named after the
 * tenant id; its descendants are every management group and subscription with their parents.
 */
export async function fetchTenant(unit: string, tenantId: string, clients: AzureRbacClients, retry: RetryPolicy = DEFAULT_RETRY): Promise<AzureRbacTenantPages> {
  const [roleDefinitions, descendants, subscriptions] = await allSettledOrThrow([
    // Scope "" is the root "/": built-in roles (assignable at "/").
    readAllPages(() => clients.authorization.roleDefinitions.list(''), authorizationToken, { unit, what: 'role definitions at /', permission: 'Microsoft.Authorization/roleDefinitions/read on /' }, retry),
    readAllPages(
      () => clients.managementGroups.managementGroups.listDescendants(tenantId),
      managementGroupsToken,
      { unit, what: `the management groups and subscriptions under ${MG_PREFIX}${tenantId}`, permission: `Microsoft.Management/managementGroups/descendants/read on ${MG_PREFIX}${tenantId}` },
      retry,
    ),
    readAllPages(() => clients.subscriptions.subscriptions.list(), subscriptionsToken, { unit, what: 'subscriptions', permission: 'Microsoft.Resources/subscriptions/read on /' }, retry),
  ]);
  return { roleDefinitions, descendants, subscriptions };
}

/**
 * A subscription unit's lists, complete or a CollectorError. ARM lists at a scope without `$filter` return
 * what is at, above (resource groups → subscription → management groups → root) and below it.
 */
export async function fetchSubscription(unit: string, subscriptionId: string, clients: AzureRbacClients, retry: RetryPolicy = DEFAULT_RETRY): Promise<AzureRbacSubscriptionPages> {
  // Without a leading slash: the SDK puts "/" before the scope itself.
  const scope = `subscriptions/${subscriptionId}`;
  const at = `/${scope}`;
  const { authorization } = clients;
  const [roleDefinitions, roleAssignments, denyAssignments, eligibilities] = await allSettledOrThrow([
    readAllPages(
      () => authorization.roleDefinitions.list(scope, { filter: 'atScopeAndBelow()' }),
      authorizationToken,
      { unit, what: `role definitions of ${at}`, permission: `Microsoft.Authorization/roleDefinitions/read on ${at}` },
      retry,
    ),
    readAllPages(() => authorization.roleAssignments.listForScope(scope), authorizationToken, { unit, what: `role assignments of ${at}`, permission: `Microsoft.Authorization/roleAssignments/read on ${at}` }, retry),
    readAllPages(() => authorization.denyAssignments.listForScope(scope), authorizationToken, { unit, what: `deny assignments of ${at}`, permission: `Microsoft.Authorization/denyAssignments/read on ${at}` }, retry),
    readAllPages(
      () => authorization.roleEligibilityScheduleInstances.listForScope(scope),
      authorizationToken,
      { unit, what: `PIM role eligibilities of ${at}`, permission: `Microsoft.Authorization/roleEligibilityScheduleInstances/read on ${at}` },
      retry,
    ),
  ]);
  return { subscriptionId, roleDefinitions, roleAssignments, denyAssignments, eligibilities };
}
