import type { CollectorPermissions } from '../CollectorPermissions.ts';

/** Reader at the tenant root management group grants all of these. */
export const azureRbacPermissions: CollectorPermissions = {
  azureActions: [
    'Microsoft.Resources/subscriptions/read',
    'Microsoft.Management/managementGroups/descendants/read',
    'Microsoft.Authorization/roleDefinitions/read',
    'Microsoft.Authorization/roleAssignments/read',
    'Microsoft.Authorization/denyAssignments/read',
    'Microsoft.Authorization/roleEligibilityScheduleInstances/read',
  ],
  azureDataActions: [],
  graphPermissions: [],
  kubernetes: [],
};
