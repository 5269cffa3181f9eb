/**
 * Role definitions, role and deny assignments, PIM eligibility and the management-group tree, in the two
 * shapes the tool reads: ARM REST (`properties` wrapper, `{value: [...]}` pages; bodies as in the
 * azure-rest-api-specs / azure-docs examples) and the az CLI (flattened).
 */
import { describe, expect, it } from 'vitest';
import type { ScopeParent } from '../model/azureRbac.ts';
import { ManifestError } from '../manifests/ManifestError.ts';
import { normalizeDenyAssignment, normalizeHierarchyEntity, normalizeRoleAssignment, normalizeRoleDefinition } from './normalizeAzureRbac.ts';
import { extractAzureObjects } from './extractAzureObjects.ts';

const SUB = '/subscriptions/11111111-1111-1111-1111-111111111111';
const MG = (n: string) => `/providers/Microsoft.Management/managementGroups/${n}`;

describe('role definitions', () => {
  // az role definition list (flattened; roleType; "type" is the resource type)
  const azCli = {
    assignableScopes: ['/'],
    description: 'Lets you manage all resources.',
    id: '/providers/Microsoft.Authorization/roleDefinitions/3498e952-d568-435e-9b2c-8d77e338d7f7',
    name: '3498e952-d568-435e-9b2c-8d77e338d7f7',
    permissions: [
      {
        actions: ['Microsoft.Authorization/*/read'],
        notActions: [],
        dataActions: ['Microsoft.ContainerService/managedClusters/*'],
        notDataActions: ['Microsoft.ContainerService/managedClusters/namespaces/write'],
      },
    ],
    roleName: 'Azure Kubernetes Service RBAC Admin',
    roleType: 'BuiltInRole',
    type: 'Microsoft.Authorization/roleDefinitions',
  };
  // ARM: properties wrapper; role type in properties.type; custom role id with subscription prefix;
  // permissions without dataActions (2015-07-01 api-version) — roleDefinitions-listCustom-docs.json
  const arm = {
    properties: {
      roleName: 'Billing Reader Plus',
      type: 'CustomRole',
      description: 'Read billing data and download invoices',
      assignableScopes: [SUB],
      permissions: [{ actions: ['Microsoft.Billing/*/read'], notActions: ['Microsoft.CostManagement/exports/delete'] }],
    },
    id: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/0f1e2d3c-0000-4000-8000-000000000001`,
    type: 'Microsoft.Authorization/roleDefinitions',
    name: '0f1e2d3c-0000-4000-8000-000000000001',
  };

  it('az CLI shape', () => {
    expect(normalizeRoleDefinition(azCli, 'f.json [0]')).toEqual({
      id: azCli.id,
      name: azCli.name,
      roleName: 'Azure Kubernetes Service RBAC Admin',
      roleType: 'BuiltInRole',
      permissions: [azCli.permissions[0]],
      assignableScopes: ['/'],
    });
  });

  it('ARM shape: properties.type is the role type; missing data action lists are empty', () => {
    expect(normalizeRoleDefinition(arm, 'f.json value[0]')).toEqual({
      id: arm.id,
      name: arm.name,
      roleName: 'Billing Reader Plus',
      roleType: 'CustomRole',
      permissions: [{ actions: ['Microsoft.Billing/*/read'], notActions: ['Microsoft.CostManagement/exports/delete'], dataActions: [], notDataActions: [] }],
      assignableScopes: [SUB],
    });
  });

  it('name falls back to the last id segment', () => {
    expect(normalizeRoleDefinition({ ...azCli, name: undefined }, 'x').name).toBe('3498e952-d568-435e-9b2c-8d77e338d7f7');
  });

  it('malformed: the error names the item and the field', () => {
    expect(() => normalizeRoleDefinition({ ...azCli, roleName: undefined }, 'roles.json [3]')).toThrow(/roles\.json \[3\]: roleName is required/);
    expect(() => normalizeRoleDefinition({ ...azCli, permissions: 'all' }, 'roles.json [3]')).toThrow(/roles\.json \[3\]: permissions must be a list/);
    expect(() => normalizeRoleDefinition({ ...azCli, permissions: [{ dataActions: 'x' }] }, 'roles.json [3]')).toThrow(/roles\.json \[3\] permissions\[0\]: dataActions must be a list of strings/);
    expect(() => normalizeRoleDefinition({ ...azCli, permissions: ['x'] }, 'roles.json [3]')).toThrow(/roles\.json \[3\] permissions\[0\] must be an object/);
    expect(() => normalizeRoleDefinition({ ...azCli, id: 7 }, 'roles.json [3]')).toThrow(ManifestError);
    expect(() => normalizeRoleDefinition({ ...azCli, id: 7 }, 'roles.json [3]')).toThrow(/roles\.json \[3\]: id must be a string, got 7/);
  });
});

describe('role assignments', () => {
  const roleDefinitionId = `${SUB}/providers/Microsoft.Authorization/roleDefinitions/a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb`;
  // az role assignment list --all (flattened, principalName, roleDefinitionName)
  const azCli = {
    condition: null,
    conditionVersion: null,
    id: `${SUB}/resourceGroups/rg/providers/Microsoft.Authorization/roleAssignments/00000002-aaaa-4bbb-8ccc-000000000002`,
    name: '00000002-aaaa-4bbb-8ccc-000000000002',
    principalId: 'b0b00000-0000-4000-8000-000000000002',
    principalName: 'bob@contoso.com',
    principalType: 'User',
    roleDefinitionId,
    roleDefinitionName: 'Azure Kubernetes Service RBAC Writer',
    scope: `${SUB}/resourceGroups/rg`,
    type: 'Microsoft.Authorization/roleAssignments',
  };
  // ARM 2022-04-01 (roleAssignments-listForSubscription-docs.json), with a condition
  const arm = {
    properties: {
      roleDefinitionId,
      principalId: 'c0070000-0000-4000-8000-0000000000c1',
      principalType: 'Group',
      scope: SUB,
      condition: "@Resource[Microsoft.ContainerService/managedClusters/namespaces:name] StringEquals 'app'",
      conditionVersion: '2.0',
      createdOn: '2022-01-15T21:08:45.4904312Z',
      delegatedManagedIdentityResourceId: null,
      description: null,
    },
    id: `${SUB}/providers/Microsoft.Authorization/roleAssignments/00000009-aaaa-4bbb-8ccc-000000000009`,
    type: 'Microsoft.Authorization/roleAssignments',
    name: '00000009-aaaa-4bbb-8ccc-000000000009',
  };

  it('az CLI shape: null condition means none', () => {
    expect(normalizeRoleAssignment(azCli, 'x', 'active')).toEqual({
      id: azCli.id,
      scope: `${SUB}/resourceGroups/rg`,
      principalId: 'b0b00000-0000-4000-8000-000000000002',
      principalType: 'User',
      roleDefinitionId,
      state: 'active',
      principalName: 'bob@contoso.com',
    });
  });

  it('ARM shape with a condition', () => {
    expect(normalizeRoleAssignment(arm, 'x', 'active')).toEqual({
      id: arm.id,
      scope: SUB,
      principalId: 'c0070000-0000-4000-8000-0000000000c1',
      principalType: 'Group',
      roleDefinitionId,
      state: 'active',
      condition: arm.properties.condition,
      conditionVersion: '2.0',
    });
  });

  it('principal types compare case-insensitively; unknown ones become Unknown', () => {
    expect(normalizeRoleAssignment({ ...azCli, principalType: 'serviceprincipal' }, 'x', 'active').principalType).toBe('ServicePrincipal');
    expect(normalizeRoleAssignment({ ...azCli, principalType: 'ForeignGroup' }, 'x', 'active').principalType).toBe('ForeignGroup');
    expect(normalizeRoleAssignment({ ...azCli, principalType: 'Alien' }, 'x', 'active').principalType).toBe('Unknown');
    expect(normalizeRoleAssignment({ ...azCli, principalType: undefined }, 'x', 'active').principalType).toBe('Unknown');
  });

  it('PIM eligibility schedule instance (ARM, expandedProperties): eligible, window, principal e-mail', () => {
    const eligible = {
      properties: {
        scope: SUB,
        roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b`,
        principalId: 'f2a70000-0000-4000-8000-000000000006',
        principalType: 'User',
        status: 'Provisioned',
        roleEligibilityScheduleId: `${SUB}/providers/Microsoft.Authorization/RoleEligibilitySchedules/b1477448-2cc6-4ceb-93b4-54a202a89413`,
        startDateTime: '2020-09-10T00:32:36.86Z',
        endDateTime: '2021-09-10T00:31:41.477Z',
        memberType: 'Direct',
        condition: null,
        conditionVersion: null,
        expandedProperties: { principal: { id: 'f2a70000-0000-4000-8000-000000000006', displayName: 'Frank', email: 'frank@contoso.com', type: 'User' } },
      },
      name: '21e4b59a-0499-4fe0-a3c3-43a3055b773a',
      id: `${SUB}/providers/Microsoft.Authorization/RoleEligibilityScheduleInstances/21e4b59a-0499-4fe0-a3c3-43a3055b773a`,
      type: 'Microsoft.Authorization/RoleEligibilityScheduleInstances',
    };
    expect(normalizeRoleAssignment(eligible, 'x', 'eligible')).toEqual({
      id: eligible.id,
      scope: SUB,
      principalId: 'f2a70000-0000-4000-8000-000000000006',
      principalType: 'User',
      roleDefinitionId: eligible.properties.roleDefinitionId,
      state: 'eligible',
      startDateTime: '2020-09-10T00:32:36.86Z',
      endDateTime: '2021-09-10T00:31:41.477Z',
      principalName: 'frank@contoso.com',
    });
  });

  it('malformed: names the item and the field', () => {
    expect(() => normalizeRoleAssignment({ ...azCli, principalId: undefined }, 'ra.json [1]', 'active')).toThrow(/ra\.json \[1\]: principalId is required/);
    expect(() => normalizeRoleAssignment({ ...azCli, scope: '' }, 'ra.json [1]', 'active')).toThrow(/ra\.json \[1\]: scope is required/);
    expect(() => normalizeRoleAssignment({ ...azCli, roleDefinitionId: null }, 'ra.json [1]', 'active')).toThrow(/ra\.json \[1\]: roleDefinitionId is required/);
    expect(() => normalizeRoleAssignment({ ...azCli, condition: { op: 'and' } }, 'ra.json [1]', 'active')).toThrow(/ra\.json \[1\]: condition must be a string/);
    expect(() => normalizeRoleAssignment({ properties: { ...arm.properties, principalId: 42 }, id: arm.id }, 'ra.json value[0]', 'active')).toThrow(/ra\.json value\[0\]: principalId must be a string, got 42/);
  });
});

describe('deny assignments', () => {
  // GetDenyAssignmentByScope.json (ARM)
  const arm = {
    properties: {
      denyAssignmentName: 'Deny assignment name',
      description: 'Deny assignment description',
      permissions: [{ actions: ['action'], notActions: [], dataActions: ['action'], notDataActions: [] }],
      scope: '/subscriptions/subId',
      doNotApplyToChildScopes: false,
      principals: [{ id: 'principalId1', type: 'principalType1' }],
      excludePrincipals: [{ id: 'principalId2', type: 'principalType2' }],
      isSystemProtected: true,
    },
    id: '/subscriptions/subId/providers/Microsoft.Authorization/denyAssignments/denyAssignmentId',
    type: 'Microsoft.Authorization/denyAssignments',
    name: 'denyAssignmentId',
  };

  it('ARM shape', () => {
    expect(normalizeDenyAssignment(arm, 'x')).toEqual({
      id: arm.id,
      name: 'Deny assignment name',
      scope: '/subscriptions/subId',
      permissions: [{ actions: ['action'], notActions: [], dataActions: ['action'], notDataActions: [] }],
      principals: [{ id: 'principalId1', type: 'principalType1' }],
      excludePrincipals: [{ id: 'principalId2', type: 'principalType2' }],
      doNotApplyToChildScopes: false,
    });
  });

  it('flattened shape; name falls back to the resource name; doNotApplyToChildScopes defaults to false', () => {
    const flat = { ...arm.properties, denyAssignmentName: undefined, doNotApplyToChildScopes: undefined, id: arm.id, name: 'denyAssignmentId' };
    const d = normalizeDenyAssignment(flat, 'x');
    expect(d.name).toBe('denyAssignmentId');
    expect(d.doNotApplyToChildScopes).toBe(false);
    expect(normalizeDenyAssignment({ ...flat, doNotApplyToChildScopes: true }, 'x').doNotApplyToChildScopes).toBe(true);
  });

  it('malformed: names the item and field', () => {
    expect(() => normalizeDenyAssignment({ ...arm, properties: { ...arm.properties, principals: [{ type: 'User' }] } }, 'deny.json value[0]')).toThrow(/deny\.json value\[0\] principals\[0\]: id is required/);
    expect(() => normalizeDenyAssignment({ ...arm, properties: { ...arm.properties, excludePrincipals: ['x'] } }, 'deny.json value[0]')).toThrow(/deny\.json value\[0\] excludePrincipals\[0\] must be an object/);
    expect(() => normalizeDenyAssignment({ ...arm, properties: { ...arm.properties, doNotApplyToChildScopes: 'yes' } }, 'deny.json value[0]')).toThrow(/deny\.json value\[0\]: doNotApplyToChildScopes must be true or false/);
  });
});

describe('management-group hierarchy', () => {
  it('descendants (ARM): each entity names its parent', () => {
    const out: ScopeParent[] = [];
    normalizeHierarchyEntity({ id: MG('g1'), type: 'Microsoft.Management/managementGroups', name: 'g1', properties: { displayName: 'Group 1', parent: { id: MG('root') } } }, 'x', out);
    normalizeHierarchyEntity({ id: SUB, type: 'Microsoft.Management/managementGroups/subscriptions', properties: { displayName: 'Sub', parent: { id: MG('g1') } } }, 'x', out);
    expect(out).toEqual([
      { id: MG('g1'), parentId: MG('root'), displayName: 'Group 1' },
      { id: SUB, parentId: MG('g1'), displayName: 'Sub' },
    ]);
  });

  it('get with $expand=children&$recurse=true (ARM): parent in properties.details.parent, nested children', () => {
    const out: ScopeParent[] = [];
    normalizeHierarchyEntity(
      {
        id: MG('g1'),
        type: 'Microsoft.Management/managementGroups',
        name: 'g1',
        properties: {
          displayName: 'Group 1',
          details: { version: 1, parent: { id: MG('root'), name: 'root', displayName: 'Tenant Root Group' } },
          children: [
            { id: MG('g2'), type: 'Microsoft.Management/managementGroups', name: 'g2', displayName: 'Group 2', children: [{ id: SUB, type: '/subscriptions', name: 'sub', displayName: 'Sub' }] },
            { id: '/subscriptions/other', type: '/subscriptions', name: 'other', displayName: 'Other' },
          ],
        },
      },
      'mg.json',
      out,
    );
    expect(out).toEqual(
      expect.arrayContaining([
        { id: MG('g1'), parentId: MG('root'), displayName: 'Group 1' },
        { id: MG('g2'), parentId: MG('g1') },
        { id: SUB, parentId: MG('g2') },
        { id: '/subscriptions/other', parentId: MG('g1') },
      ]),
    );
  });

  it('az account management-group show --expand --recurse (flattened): details.parent at the top level', () => {
    const out: ScopeParent[] = [];
    normalizeHierarchyEntity({ id: MG('g1'), name: 'g1', type: 'Microsoft.Management/managementGroups', displayName: 'G1', details: { parent: { id: MG('root') } }, children: null }, 'x', out);
    expect(out).toEqual([{ id: MG('g1'), parentId: MG('root'), displayName: 'G1' }]);
  });

  it('$expand=path: the ancestors from the root down, by name', () => {
    const out: ScopeParent[] = [];
    normalizeHierarchyEntity(
      {
        id: MG('g1'),
        type: 'Microsoft.Management/managementGroups',
        properties: { displayName: 'Group 1', details: { parent: { id: MG('parent') }, path: [{ name: 'grand', displayName: 'Grandparent' }, { name: 'parent', displayName: 'Parent' }] } },
      },
      'x',
      out,
    );
    expect(out).toEqual(expect.arrayContaining([{ id: MG('g1'), parentId: MG('parent'), displayName: 'Group 1' }, { id: MG('parent'), parentId: MG('grand') }]));
  });

  it('a root without a parent adds nothing of its own', () => {
    const out: ScopeParent[] = [];
    normalizeHierarchyEntity({ id: MG('root'), type: 'Microsoft.Management/managementGroups', properties: { displayName: 'Root' } }, 'x', out);
    expect(out).toEqual([]);
  });

  it('malformed: names the item', () => {
    expect(() => { normalizeHierarchyEntity({ type: 'Microsoft.Management/managementGroups' }, 'mg.json value[2]', []); }).toThrow(/mg\.json value\[2\]: id is required/);
  });
});

describe('extractAzureObjects on RBAC documents', () => {
  it('reads ARM pages and az CLI arrays together, recognising each item', () => {
    const result = extractAzureObjects([
      {
        source: 'arm-assignments.json',
        value: {
          value: [
            { properties: { roleDefinitionId: '/providers/Microsoft.Authorization/roleDefinitions/r1', principalId: 'p1', principalType: 'User', scope: SUB }, id: `${SUB}/providers/Microsoft.Authorization/roleAssignments/a1`, type: 'Microsoft.Authorization/roleAssignments', name: 'a1' },
          ],
        },
      },
      {
        source: 'cli-assignments.json',
        value: [{ id: `${SUB}/providers/Microsoft.Authorization/roleAssignments/a2`, principalId: 'p2', principalType: 'Group', roleDefinitionId: 'r1', scope: SUB }],
      },
      {
        source: 'eligibility.json',
        value: { value: [{ properties: { roleDefinitionId: 'r1', principalId: 'p3', principalType: 'User', scope: SUB, roleEligibilityScheduleId: 'x' }, id: 'e1', type: 'Microsoft.Authorization/roleEligibilityScheduleInstances' }] },
      },
      // a flattened eligibility instance without type: recognised by roleEligibilityScheduleId
      { source: 'eligibility-flat.json', value: [{ roleDefinitionId: 'r1', principalId: 'p4', scope: SUB, roleEligibilityScheduleId: 'y', id: 'e2' }] },
      { source: 'roles.json', value: [{ id: '/providers/Microsoft.Authorization/roleDefinitions/r1', name: 'r1', roleName: 'R1', roleType: 'CustomRole', permissions: [], assignableScopes: ['/'] }] },
      { source: 'deny.json', value: { value: [{ properties: { denyAssignmentName: 'd', scope: SUB, permissions: [], principals: [], excludePrincipals: [] }, id: 'd1', type: 'Microsoft.Authorization/denyAssignments' }] } },
      { source: 'mg.json', value: { value: [{ id: SUB, type: '/subscriptions', properties: { parent: { id: MG('root') } } }] } },
    ]);
    expect(result.azure.roleAssignments.map((a) => [a.principalId, a.state])).toEqual([
      ['p1', 'active'],
      ['p2', 'active'],
      ['p3', 'eligible'],
      ['p4', 'eligible'],
    ]);
    expect(result.azure.roleDefinitions.map((r) => r.roleName)).toEqual(['R1']);
    expect(result.azure.denyAssignments.map((d) => d.name)).toEqual(['d']);
    expect(result.azure.hierarchy).toEqual([{ id: SUB, parentId: MG('root') }]);
    expect(Object.fromEntries(result.counts)).toEqual({ roleAssignment: 2, eligibleAssignment: 2, roleDefinition: 1, denyAssignment: 1, hierarchy: 1 });
    expect(result.warnings).toEqual([]);
  });

  it('the same assignment listed twice (different id casing) is kept once', () => {
    const a = { id: `${SUB}/providers/Microsoft.Authorization/roleAssignments/A1`, principalId: 'p', roleDefinitionId: 'r', scope: SUB, type: 'Microsoft.Authorization/roleAssignments' };
    const result = extractAzureObjects([{ source: 'x', value: [a, { ...a, id: a.id.toLowerCase() }] }]);
    expect(result.azure.roleAssignments).toHaveLength(1);
  });
});
