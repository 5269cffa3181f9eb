import type { AksCluster } from '../model/aksCluster.ts';
import { bool, field, isObject, list, obj, props, requiredStr, str, strList, type Json } from './jsonFields.ts';

/** `az aks list/show` output or an ARM managedClusters resource (with `properties`) → the cluster model. */
export function normalizeManagedCluster(raw: Json, where: string): AksCluster {
  const p = props(raw);
  const id = requiredStr(raw, 'id', where);
  const segments = id.split('/');
  const at = (name: string) => {
    const i = segments.findIndex((s) => s.toLowerCase() === name);
    return i >= 0 ? (segments[i + 1] ?? '') : '';
  };
  const aad = obj(p, 'aadProfile');
  const identity = obj(raw, 'identity');
  const kubelet = (() => {
    const profile = obj(p, 'identityProfile');
    return profile === undefined ? undefined : obj(profile, 'kubeletidentity');
  })();
  const userAssigned = identity === undefined ? undefined : field(identity, 'userAssignedIdentities');
  const location = str(raw, 'location', where);
  const nodeResourceGroup = str(p, 'nodeResourceGroup', where);
  const principalId = identity === undefined ? '' : str(identity, 'principalId', where);
  const userAssignedDetails = isObject(userAssigned)
    ? Object.entries(userAssigned).map(([resourceId, v]) => {
        const pid = isObject(v) ? str(v, 'principalId', where) : '';
        const cid = isObject(v) ? str(v, 'clientId', where) : '';
        return { resourceId, ...(pid === '' ? {} : { principalId: pid }), ...(cid === '' ? {} : { clientId: cid }) };
      })
    : [];
  const subnetIds: string[] = [];
  for (const pool of list(p, 'agentPoolProfiles', where)) {
    const subnet = isObject(pool) ? str(pool, 'vnetSubnetID', where) : '';
    if (subnet !== '' && !subnetIds.some((s) => s.toLowerCase() === subnet.toLowerCase())) subnetIds.push(subnet);
  }
  const access = obj(p, 'apiServerAccessProfile');
  const privateDnsZone = access === undefined ? '' : str(access, 'privateDNSZone', where);
  // ARM says issuerURL, the az CLI issuerUrl (field() is case-insensitive); only meaningful when enabled.
  const oidc = obj(p, 'oidcIssuerProfile');
  const oidcIssuerUrl = oidc !== undefined && (bool(oidc, 'enabled', where) ?? false) ? str(oidc, 'issuerURL', where) : '';
  return {
    id,
    name: str(raw, 'name', where) || (segments.at(-1) ?? id),
    subscriptionId: at('subscriptions'),
    resourceGroup: str(raw, 'resourceGroup', where) || at('resourcegroups'),
    ...(location === '' ? {} : { location }),
    entraIntegration: aad !== undefined,
    azureRbac: aad !== undefined && (bool(aad, 'enableAzureRBAC', where) ?? false),
    adminGroupObjectIds: aad === undefined ? [] : strList(aad, 'adminGroupObjectIDs', where),
    localAccountsEnabled: !(bool(p, 'disableLocalAccounts', where) ?? false),
    kubernetesRbac: bool(p, 'enableRBAC', where) ?? true,
    ...(nodeResourceGroup === '' ? {} : { nodeResourceGroup }),
    ...(identity === undefined
      ? {}
      : {
          identity: {
            type: str(identity, 'type', where),
            ...(principalId === '' ? {} : { principalId }),
            userAssignedIdentityIds: isObject(userAssigned) ? Object.keys(userAssigned) : [],
            ...(userAssignedDetails.length === 0 ? {} : { userAssigned: userAssignedDetails }),
          },
        }),
    ...(kubelet === undefined
      ? {}
      : {
          kubeletIdentity: {
            objectId: str(kubelet, 'objectId', where),
            clientId: str(kubelet, 'clientId', where),
            resourceId: str(kubelet, 'resourceId', where),
          },
        }),
    ...(subnetIds.length === 0 ? {} : { agentPoolSubnetIds: subnetIds }),
    ...(privateDnsZone === '' ? {} : { privateDnsZone }),
    ...(oidcIssuerUrl === '' ? {} : { oidcIssuerUrl }),
  };
}
