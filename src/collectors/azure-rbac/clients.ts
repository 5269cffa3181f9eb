import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { ManagementGroupsAPI } from '@azure/arm-managementgroups';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import type { TokenCredential } from '@azure/identity';
import { armClientOptions, type ArmClientSettings } from '../armClientOptions.ts';

/** The SDK clients the azure-rbac collector reads through; the composition root (or a test) builds them. */
export interface AzureRbacClients {
  /** Every call made through it is scope-based (`listForScope`), so one client serves every subscription. */
  readonly authorization: AuthorizationManagementClient;
  readonly managementGroups: ManagementGroupsAPI;
  readonly subscriptions: SubscriptionClient;
}

/**
 * The subscription id AuthorizationManagementClient insists on; unused, because every operation we call takes
 * its scope as an argument.
 */
const UNUSED_SUBSCRIPTION_ID = '00000000-0000-0000-0000-000000000000';

export function createAzureRbacClients(credential: TokenCredential, settings: ArmClientSettings = {}): AzureRbacClients {
  const options = armClientOptions(settings);
  return {
    authorization: new AuthorizationManagementClient(credential, UNUSED_SUBSCRIPTION_ID, options),
    managementGroups: new ManagementGroupsAPI(credential, options),
    subscriptions: new SubscriptionClient(credential, options),
  };
}
