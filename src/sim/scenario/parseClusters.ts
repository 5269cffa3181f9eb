import { MANAGED_CLUSTERS, PRIVATE_DNS_ZONES, resourceId } from './armIds.ts';
import type { Cursor, ScenarioDocument } from './scenarioDocument.ts';
import { derivedId, type ScenarioContext } from './scenarioContext.ts';
import { addManagedIdentity, addResourceGroup, resourceName } from './parseAzureResources.ts';
import { registerPrincipal } from './parseDirectory.ts';
import { findSubnet, resolvePrincipal, resolveResourceGroup, resolveResourceReference } from './references.ts';
import { defaultNodeResourceGroup, type ManagedClusterSpec } from './managedClusterResource.ts';

const CLUSTER_FIELDS = [
  'name',
  'resourceGroup',
  'location',
  'kubernetesVersion',
  'tier',
  'nodeCount',
  'vmSize',
  'tags',
  'entra',
  'localAccounts',
  'kubernetesRbac',
  'privateCluster',
  'identity',
  'kubeletIdentity',
  'subnet',
  'networkPlugin',
  'networkPolicy',
  'workloadIdentity',
  'nodeResourceGroup',
  'kubernetes',
] as const;

function oneOf<T extends string>(ctx: ScenarioContext, at: Cursor, allowed: readonly T[], fallback: T): T {
  const value = ctx.doc.optionalString(at);
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) ctx.doc.fail(at, `expected one of ${allowed.join(', ')}, got '${value}'`);
  return value as T;
}

/** Does any service account of the cluster ask for a workload identity? Then the cluster needs the OIDC issuer. */
function usesWorkloadIdentity(ctx: ScenarioContext, cluster: Cursor): boolean {
  const accounts = ctx.doc.field(ctx.doc.field(cluster, 'kubernetes'), 'serviceAccounts');
  return Array.isArray(accounts.value) && accounts.value.some((sa) => typeof sa === 'object' && sa !== null && 'workloadIdentity' in sa);
}

function parseEntra(ctx: ScenarioContext, at: Cursor): ManagedClusterSpec['entra'] {
  const doc: ScenarioDocument = ctx.doc;
  if (!doc.isPresent(at) || at.value === false) return undefined;
  if (at.value === true) return { azureRbac: false, adminGroupObjectIds: [] };
  doc.mapping(at, ['azureRbac', 'adminGroups'], 'true, false or {azureRbac, adminGroups}');
  const adminGroupObjectIds = doc.items(doc.field(at, 'adminGroups')).map((g) => resolvePrincipal(ctx, g, doc.string(g), ['group']).id);
  return { azureRbac: doc.boolean(doc.field(at, 'azureRbac'), false), adminGroupObjectIds };
}

/** `clusters`: the managed clusters, their identities (registered as principals) and their ARM shape. */
export function parseClusters(ctx: ScenarioContext, at: Cursor): void {
  const doc: ScenarioDocument = ctx.doc;
  doc.items(at).forEach((item, i) => {
    doc.mapping(item, CLUSTER_FIELDS);
    const nameAt = doc.field(item, 'name');
    const name = resourceName(doc, nameAt);
    const rgAt = doc.field(item, 'resourceGroup');
    const rg = resolveResourceGroup(ctx, rgAt, doc.string(rgAt));
    const id = resourceId(rg.subscriptionId, rg.name, MANAGED_CLUSTERS, name);
    if (ctx.clusters.some((c) => c.id.toLowerCase() === id.toLowerCase())) doc.fail(nameAt, `cluster '${name}' is declared twice in ${rg.subscriptionName}/${rg.name}`);
    const location = doc.optionalString(doc.field(item, 'location')) ?? rg.location;
    const sub = ctx.subscriptions.get(rg.subscriptionName.toLowerCase());
    if (sub === undefined) throw new Error(`internal: subscription ${rg.subscriptionName} vanished`);

    // Control-plane identity.
    const identityAt = doc.field(item, 'identity');
    let identity: ManagedClusterSpec['identity'];
    if (!doc.isPresent(identityAt) || identityAt.value === 'systemAssigned') {
      const principalId = derivedId(ctx, 'cluster-identity', `${rg.subscriptionId}/${rg.name}/${name}`);
      const appId = derivedId(ctx, 'cluster-identity-app', `${rg.subscriptionId}/${rg.name}/${name}`);
      registerPrincipal(
        ctx,
        nameAt,
        { kind: 'servicePrincipal', name, id: principalId, principalType: 'ServicePrincipal', kubernetesName: principalId, clientId: appId, declaredAt: `clusters[${i}] (its system-assigned identity)` },
        { kind: 'servicePrincipal', id: principalId, appId, displayName: name, servicePrincipalType: 'ManagedIdentity' },
      );
      identity = { type: 'SystemAssigned', principalId };
    } else {
      doc.mapping(identityAt, ['userAssigned'], "'systemAssigned' or {userAssigned: MANAGED-IDENTITY}");
      const miAt = doc.field(identityAt, 'userAssigned');
      const miName = doc.string(miAt);
      const mi = ctx.managedIdentities.get(miName.toLowerCase());
      if (mi === undefined) doc.fail(miAt, `unknown managed identity '${miName}' (declare it under managedIdentities)`);
      identity = { type: 'UserAssigned', resourceId: mi.id, principalId: mi.principalId, clientId: mi.clientId };
    }

    const nodeResourceGroup = doc.optionalString(doc.field(item, 'nodeResourceGroup')) ?? defaultNodeResourceGroup(rg.name, name, location);
    if (sub.resourceGroups.has(nodeResourceGroup.toLowerCase())) doc.fail(item, `node resource group '${nodeResourceGroup}' already exists in subscription '${sub.name}'; AKS creates and owns it`);
    const nodeRg = addResourceGroup(sub, nodeResourceGroup, location);

    // Kubelet identity: the one AKS creates in the node resource group, or a declared one.
    const kubeletAt = doc.field(item, 'kubeletIdentity');
    const kubeletName = doc.optionalString(kubeletAt);
    if (kubeletName !== undefined && identity.type !== 'UserAssigned') {
      doc.fail(kubeletAt, 'a pre-created kubelet identity needs a user-assigned control-plane identity (identity: {userAssigned: …}), as AKS requires');
    }
    if (kubeletName === undefined) {
      addManagedIdentity(ctx, {
        name: `${name}-agentpool`,
        resourceGroup: nodeRg,
        location,
        principalId: derivedId(ctx, 'kubelet-principal', id),
        clientId: derivedId(ctx, 'kubelet-client', id),
        declaredAt: `clusters[${i}] (its kubelet identity ${name}-agentpool)`,
        at: nameAt,
        idSpelling: 'resourcegroups',
      });
    }
    const kubelet = ctx.managedIdentities.get((kubeletName ?? `${name}-agentpool`).toLowerCase());
    if (kubelet === undefined) doc.fail(kubeletAt, `unknown managed identity '${kubeletName ?? ''}' (declare it under managedIdentities)`);

    // Network and API server.
    const subnetAt = doc.field(item, 'subnet');
    const subnetText = doc.optionalString(subnetAt);
    const subnet = subnetText === undefined ? undefined : findSubnet(ctx, subnetAt, subnetText);
    const privateAt = doc.field(item, 'privateCluster');
    let privateDnsZone: string | undefined;
    if (privateAt.value === true) privateDnsZone = 'system';
    else if (doc.isPresent(privateAt) && privateAt.value !== false) {
      doc.mapping(privateAt, ['privateDnsZone'], 'true, false or {privateDnsZone}');
      const zoneAt = doc.field(privateAt, 'privateDnsZone');
      const zone = doc.optionalString(zoneAt) ?? 'system';
      privateDnsZone = zone === 'system' || zone === 'none' ? zone : resolveResourceReference(ctx, zoneAt, zone, PRIVATE_DNS_ZONES, rg);
      if (privateDnsZone !== 'system' && privateDnsZone !== 'none' && identity.type !== 'UserAssigned') {
        doc.fail(zoneAt, 'a custom private DNS zone needs a user-assigned control-plane identity (identity: {userAssigned: …}), as AKS requires');
      }
    }

    const tags = doc.stringMap(doc.field(item, 'tags'));
    const spec: ManagedClusterSpec = {
      subscriptionId: rg.subscriptionId,
      resourceGroup: rg.name,
      name,
      location,
      tenantId: ctx.tenantId,
      kubernetesVersion: doc.optionalString(doc.field(item, 'kubernetesVersion')) ?? '1.31.2',
      entra: parseEntra(ctx, doc.field(item, 'entra')),
      localAccounts: doc.boolean(doc.field(item, 'localAccounts'), true),
      kubernetesRbac: doc.boolean(doc.field(item, 'kubernetesRbac'), true),
      ...(privateDnsZone === undefined ? {} : { privateDnsZone }),
      identity,
      kubelet: { resourceId: kubelet.id, clientId: kubelet.clientId, objectId: kubelet.principalId },
      nodeResourceGroup,
      ...(subnet === undefined ? {} : { vnetSubnetId: subnet.id, ...(subnet.routeTableId === undefined ? {} : { outboundType: 'userDefinedRouting' }) }),
      nodeCount: doc.integer(doc.field(item, 'nodeCount'), 3, 1),
      vmSize: doc.optionalString(doc.field(item, 'vmSize')) ?? 'Standard_D4s_v5',
      networkPlugin: oneOf(ctx, doc.field(item, 'networkPlugin'), ['azure', 'kubenet', 'none'], 'azure'),
      ...(doc.isPresent(doc.field(item, 'networkPolicy')) ? { networkPolicy: oneOf(ctx, doc.field(item, 'networkPolicy'), ['azure', 'calico', 'cilium'], 'azure') } : {}),
      skuTier: oneOf(ctx, doc.field(item, 'tier'), ['Free', 'Standard', 'Premium'], 'Free'),
      workloadIdentity: doc.boolean(doc.field(item, 'workloadIdentity'), usesWorkloadIdentity(ctx, item)),
      ...(Object.keys(tags).length === 0 ? {} : { tags }),
    };
    if (spec.entra === undefined && !spec.localAccounts) {
      doc.fail(doc.field(item, 'localAccounts'), 'local accounts can only be disabled on a cluster with Entra integration (entra: …), as AKS requires');
    }
    ctx.clusters.push({ name, id, resourceGroup: rg, spec, at: item });
  });
}
