import type { CollectorPermissions } from '../CollectorPermissions.ts';

/** Microsoft Graph application permissions (admin consent required), least privilege for what is read. */
export const entraPermissions: CollectorPermissions = {
  azureActions: [],
  azureDataActions: [],
  // Users (UPNs: the names Kubernetes sees), groups and their members, service principals (managed identities).
  graphPermissions: ['User.Read.All', 'GroupMember.Read.All', 'Application.Read.All'],
  kubernetes: [],
};
