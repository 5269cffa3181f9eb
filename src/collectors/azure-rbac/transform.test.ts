import type { DenyAssignment, RoleAssignment, RoleDefinition, RoleEligibilityScheduleInstance } from '@azure/arm-authorization';
import { describe, expect, it } from 'vitest';
import { ManifestError } from '../../manifests/ManifestError.ts';
import type { AzureRbacSubscriptionPages } from './fetch.ts';
import { transformSubscription, transformTenant } from './transform.ts';

// SDK models as @azure/arm-authorization deserialises them: flattened `properties`, Dates for timestamps.
const SUB = '/subscriptions/11111111-1111-4111-8111-111111111111';
const definition = (name: string, roleType: string): RoleDefinition => ({
  id: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${name}`,
  name,
  type: 'Microsoft.Authorization/roleDefinitions',
  roleName: `role ${name}`,
  roleType,
  permissions: [{ actions: ['*/read'], notActions: [], dataActions: [], notDataActions: [] }],
  assignableScopes: ['/'],
  createdOn: new Date('2024-01-01T00:00:00Z'),
});
const assignment: RoleAssignment = {
  id: `${SUB}/providers/Microsoft.Authorization/roleAssignments/a1`,
  name: 'a1',
  type: 'Microsoft.Authorization/roleAssignments',
  scope: SUB,
  roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/r1`,
  principalId: 'p1',
  principalType: 'Group',
  condition: "@Resource[x] StringEquals 'y'",
  conditionVersion: '2.0',
  createdOn: new Date('2024-01-01T00:00:00Z'),
};
const eligibility: RoleEligibilityScheduleInstance = {
  id: `${SUB}/providers/Microsoft.Authorization/RoleEligibilityScheduleInstances/e1`,
  name: 'e1',
  scope: SUB,
  roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/r1`,
  principalId: 'p2',
  principalType: 'User',
  startDateTime: new Date('2020-09-10T00:32:36.86Z'),
  endDateTime: new Date('2021-09-10T00:31:41.477Z'),
  expandedProperties: { principal: { id: 'p2', displayName: 'User Account', email: 'user@contoso.com', type: 'User' } },
};
const deny: DenyAssignment = {
  id: `${SUB}/providers/Microsoft.Authorization/denyAssignments/d1`,
  name: 'd1',
  denyAssignmentName: 'Deny writes',
  scope: SUB,
  permissions: [{ actions: ['*'], notActions: ['*/read'], dataActions: [], notDataActions: [] }],
  principals: [{ id: '00000000-0000-0000-0000-000000000000', type: 'SystemDefined' }],
  excludePrincipals: [],
  doNotApplyToChildScopes: true,
};

const pages = (overrides: Partial<AzureRbacSubscriptionPages> = {}): AzureRbacSubscriptionPages => ({
  subscriptionId: '11111111-1111-4111-8111-111111111111',
  roleDefinitions: [definition('builtin', 'BuiltInRole'), definition('custom', 'CustomRole')],
  roleAssignments: [assignment],
  denyAssignments: [deny],
  eligibilities: [eligibility],
  ...overrides,
});

describe('azure-rbac transform', () => {
  it('subscription unit: active then eligible assignments, dates as ARM writes them (no trailing fraction zeros), custom roles only', () => {
    const { azure, subscriptions } = transformSubscription(pages());
    expect(azure.roleAssignments).toEqual([
      { id: assignment.id, scope: SUB, principalId: 'p1', principalType: 'Group', roleDefinitionId: assignment.roleDefinitionId, state: 'active', condition: "@Resource[x] StringEquals 'y'", conditionVersion: '2.0' },
      {
        id: eligibility.id,
        scope: SUB,
        principalId: 'p2',
        principalType: 'User',
        roleDefinitionId: eligibility.roleDefinitionId,
        state: 'eligible',
        startDateTime: '2020-09-10T00:32:36.86Z',
        endDateTime: '2021-09-10T00:31:41.477Z',
        principalName: 'user@contoso.com',
      },
    ]);
    expect(azure.roleDefinitions.map((d) => d.name)).toEqual(['custom']);
    expect(azure.denyAssignments).toEqual([
      { id: deny.id, name: 'Deny writes', scope: SUB, permissions: deny.permissions, principals: deny.principals, excludePrincipals: [], doNotApplyToChildScopes: true },
    ]);
    expect(azure.hierarchy).toEqual([]);
    expect(subscriptions).toEqual([]);
  });

  it('tenant unit: descendants become the hierarchy; subscriptions keep id, name, state, tenant', () => {
    const result = transformTenant({
      roleDefinitions: [definition('builtin', 'BuiltInRole')],
      descendants: [
        { id: '/providers/Microsoft.Management/managementGroups/mg1', type: 'Microsoft.Management/managementGroups', name: 'mg1', displayName: 'MG 1', parent: { id: '/providers/Microsoft.Management/managementGroups/root' } },
        { id: SUB, type: 'Microsoft.Management/managementGroups/subscriptions', name: 's', displayName: 'Sub', parent: { id: '/providers/Microsoft.Management/managementGroups/mg1' } },
      ],
      subscriptions: [{ id: SUB, subscriptionId: '11111111-1111-4111-8111-111111111111', displayName: 'Sub', state: 'Enabled' }],
    });
    expect(result.azure.hierarchy).toEqual([
      { id: '/providers/Microsoft.Management/managementGroups/mg1', parentId: '/providers/Microsoft.Management/managementGroups/root', displayName: 'MG 1' },
      { id: SUB, parentId: '/providers/Microsoft.Management/managementGroups/mg1', displayName: 'Sub' },
    ]);
    expect(result.subscriptions).toEqual([{ subscriptionId: '11111111-1111-4111-8111-111111111111', displayName: 'Sub', state: 'Enabled' }]);
    expect(result.azure.roleDefinitions.map((d) => d.roleType)).toEqual(['BuiltInRole']);
  });

  it('malformed items throw ManifestError naming the item by id, else by position', () => {
    expect(() => transformSubscription(pages({ roleAssignments: [{ ...assignment, principalId: undefined }] }))).toThrow(new ManifestError(`role assignment ${assignment.id}: principalId is required`));
    expect(() => transformSubscription(pages({ denyAssignments: [{ ...deny, id: undefined, name: undefined }] }))).toThrow(/deny assignment #0 \(no id\): id is required/);
    expect(() => transformTenant({ roleDefinitions: [], descendants: [], subscriptions: [{ id: SUB }] })).toThrow(`subscription ${SUB}: subscriptionId is required`);
  });
});
