import { describe, expect, it } from 'vitest';
import type { Permission } from '../../model/azureRbac.ts';
import { actionMatches, excludedBy, permissionGrants } from './actionMatches.ts';

const P = 'Microsoft.ContainerService/managedClusters';

describe('actionMatches', () => {
  it.each([
    // exact, case-insensitive
    ['exact', `${P}/pods/read`, `${P}/pods/read`],
    ['case: pattern upper', `MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/PODS/READ`, `${P}/pods/read`],
    ['case: action upper', `${P}/pods/read`, `${P}/PODS/Read`],
    ['case: built-in mixed case Delete', 'Microsoft.Authorization/*/Delete', 'Microsoft.Authorization/roleAssignments/delete'],
    ['case: built-in mixed case Write', 'Microsoft.Authorization/*/Write', 'microsoft.authorization/roleassignments/write'],
    ['case: elevateAccess/Action', 'Microsoft.Authorization/elevateAccess/Action', 'microsoft.authorization/elevateaccess/action'],
    // `*` alone and at the end
    ['bare star', '*', 'Microsoft.Compute/virtualMachines/start/action'],
    ['bare star: data action', '*', `${P}/secrets/read`],
    ['trailing star: one segment', `${P}/*`, `${P}/pods/read`],
    ['trailing star: across segments', `${P}/*`, `${P}/apps/deployments/write`],
    ['trailing star: deep', `${P}/*`, `${P}/authentication.k8s.io/userextras/impersonate/action`],
    ['resource star', `${P}/secrets/*`, `${P}/secrets/read`],
    ['resource star: delete', `${P}/secrets/*`, `${P}/secrets/delete`],
    ['pods/* covers exec', `${P}/pods/*`, `${P}/pods/exec/action`],
    ['serviceaccounts/* covers impersonate', `${P}/serviceaccounts/*`, `${P}/serviceaccounts/impersonate/action`],
    // `*` in the middle: any run of characters, also across '/'
    ['middle star: one segment', 'Microsoft.Authorization/*/read', 'Microsoft.Authorization/roleAssignments/read'],
    ['middle star: several segments', 'Microsoft.Authorization/*/read', 'Microsoft.Authorization/policies/audit/assignments/read'],
    ['middle star: Delete across segments', 'Microsoft.Authorization/*/Delete', 'Microsoft.Authorization/locks/sub/delete'],
    ['middle star: data actions', `${P}/*/read`, `${P}/apps/deployments/read`],
    ['star inside a segment', `${P}/apps/deploy*/read`, `${P}/apps/deployments/read`],
    ['star inside a segment: empty run', `${P}/secrets*`, `${P}/secrets`],
    ['two stars', `${P}/*/impersonate/*`, `${P}/groups/impersonate/action`],
    ['leading star', '*/read', `${P}/pods/read`],
    // regex metacharacters are literal
    ['dots are literal', `${P}/apps/deployments/read`, `${P}/apps/deployments/read`],
  ])('%s: %s matches %s', (_label, pattern, action) => {
    expect(actionMatches(pattern, action)).toBe(true);
  });

  it.each([
    ['different action', `${P}/pods/read`, `${P}/pods/write`],
    ['prefix without star', `${P}/pods`, `${P}/pods/read`],
    ['longer pattern', `${P}/pods/read/x`, `${P}/pods/read`],
    ['resource star is anchored', `${P}/secrets/*`, `${P}/secretstore/read`],
    ['resource star: other resource', `${P}/secrets/*`, `${P}/configmaps/read`],
    ['star at end still anchored at start', `${P}/*`, 'Microsoft.Kubernetes/connectedClusters/pods/read'],
    ['middle star: suffix must match', 'Microsoft.Authorization/*/Delete', 'Microsoft.Authorization/roleAssignments/write'],
    ['middle star: prefix must match', 'Microsoft.Authorization/*/read', 'Microsoft.Resources/subscriptions/read'],
    ['middle star needs the slashes', `${P}/*/read`, `${P}read`],
    ['dot is not a regex wildcard', `${P}/apps/deployments/read`, `${P}/appsXdeployments/read`],
    ['dot is not a regex wildcard (in provider)', 'Microsoft.ContainerService/*', 'MicrosoftXContainerService/managedClusters/read'],
    ['plus is literal', 'a+b/*', 'aab/read'],
    ['question mark is literal', 'a?/*', 'a/read'],
    ['parentheses are literal', 'x(y)/*', 'xy/read'],
    ['no partial match at end', `${P}/pods/read`, `${P}/pods/readx`],
    ['empty action', `${P}/*`, ''],
  ])('%s: %s does not match %s', (_label, pattern, action) => {
    expect(actionMatches(pattern, action)).toBe(false);
  });

  it('uses the cache without changing answers', () => {
    for (let i = 0; i < 3; i++) {
      expect(actionMatches('Microsoft.Authorization/*/read', 'Microsoft.Authorization/roleDefinitions/read')).toBe(true);
      expect(actionMatches('Microsoft.Authorization/*/read', 'Microsoft.Authorization/roleDefinitions/write')).toBe(false);
    }
  });
});

const block = (fields: Partial<Permission>): Permission => ({ actions: [], notActions: [], dataActions: [], notDataActions: [], ...fields });

describe('permissionGrants / excludedBy', () => {
  const rbacAdmin = block({
    actions: ['Microsoft.Authorization/*/read', 'Microsoft.ContainerService/managedClusters/listClusterUserCredential/action'],
    dataActions: [`${P}/*`],
    notDataActions: [`${P}/resourcequotas/write`, `${P}/resourcequotas/delete`, `${P}/namespaces/write`, `${P}/namespaces/delete`],
  });
  const contributor = block({ actions: ['*'], notActions: ['Microsoft.Authorization/*/Delete', 'Microsoft.Authorization/*/Write', 'Microsoft.Authorization/elevateAccess/Action'] });

  it('grants a data action matched by dataActions and names the pattern', () => {
    expect(permissionGrants(rbacAdmin, `${P}/secrets/read`, 'dataAction')).toEqual({ matchedBy: `${P}/*` });
  });

  it('notDataActions subtract within the block (case-insensitively)', () => {
    expect(permissionGrants(rbacAdmin, `${P}/namespaces/write`, 'dataAction')).toBeUndefined();
    expect(permissionGrants(rbacAdmin, `${P}/NAMESPACES/Delete`, 'dataAction')).toBeUndefined();
    expect(excludedBy(rbacAdmin, `${P}/namespaces/write`, 'dataAction')).toBe(`${P}/namespaces/write`);
    // namespaces/read is not excluded
    expect(permissionGrants(rbacAdmin, `${P}/namespaces/read`, 'dataAction')).toBeDefined();
    expect(excludedBy(rbacAdmin, `${P}/namespaces/read`, 'dataAction')).toBeUndefined();
  });

  it('actions and dataActions never cross: `actions: *` grants no data action, dataActions grant no action', () => {
    expect(permissionGrants(contributor, `${P}/secrets/read`, 'dataAction')).toBeUndefined();
    expect(permissionGrants(contributor, 'Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action', 'action')).toEqual({ matchedBy: '*' });
    expect(permissionGrants(rbacAdmin, `${P}/secrets/read`, 'action')).toBeUndefined();
    // notActions do not remove data actions and notDataActions do not remove actions
    const mixed = block({ actions: ['*'], dataActions: ['*'], notActions: ['x/*'], notDataActions: ['y/*'] });
    expect(permissionGrants(mixed, 'x/read', 'dataAction')).toBeDefined();
    expect(permissionGrants(mixed, 'y/read', 'action')).toBeDefined();
    expect(permissionGrants(mixed, 'x/read', 'action')).toBeUndefined();
    expect(permissionGrants(mixed, 'y/read', 'dataAction')).toBeUndefined();
  });

  it('Contributor notActions remove roleAssignments/write (mixed-case Write) but keep other actions', () => {
    expect(permissionGrants(contributor, 'Microsoft.Authorization/roleAssignments/write', 'action')).toBeUndefined();
    expect(excludedBy(contributor, 'Microsoft.Authorization/roleAssignments/write', 'action')).toBe('Microsoft.Authorization/*/Write');
    expect(permissionGrants(contributor, 'Microsoft.Authorization/roleAssignments/delete', 'action')).toBeUndefined();
    expect(permissionGrants(contributor, 'Microsoft.Authorization/roleAssignments/read', 'action')).toBeDefined();
    expect(permissionGrants(contributor, 'Microsoft.ContainerService/managedClusters/write', 'action')).toBeDefined();
  });

  it('excludedBy is undefined when the allow side does not match at all', () => {
    const b = block({ dataActions: [`${P}/pods/read`], notDataActions: [`${P}/secrets/*`] });
    expect(excludedBy(b, `${P}/secrets/read`, 'dataAction')).toBeUndefined();
    expect(permissionGrants(b, `${P}/secrets/read`, 'dataAction')).toBeUndefined();
  });

  it('an empty block grants nothing', () => {
    expect(permissionGrants(block({}), 'anything', 'action')).toBeUndefined();
    expect(permissionGrants(block({}), 'anything', 'dataAction')).toBeUndefined();
  });
});
