import { EVERYONE_PRINCIPAL_ID, type DenyAssignment, type PrincipalType, type RoleAssignment, type RoleDefinition, type ScopeParent } from '../../model/azureRbac.ts';
import type { EntraGroup, EntraServicePrincipal, EntraUser } from '../../model/entra.ts';
import { MANAGED_CLUSTERS, managementGroupId, PRIVATE_DNS_ZONES, REGISTRIES, resourceGroupId, resourceId, subscriptionScope, USER_ASSIGNED_IDENTITIES, VIRTUAL_NETWORKS } from './armIds.ts';
import { azureBuiltinRoles } from './azureBuiltinRoles.ts';
import { buildKubernetesPools, clusterKubernetes, namespaceNames, type GeneratedClusterFacts, type KubernetesPools } from './generateKubernetes.ts';
import { defaultNodeResourceGroup, managedClusterResource, type ManagedClusterSpec } from './managedClusterResource.ts';
import { Prng } from './prng.ts';
import type { SimCluster, SimManagedIdentity, SimManagementGroup, SimRegistry, SimResourceGroup, SimSubnet, SimSubscription, TenantScenario } from './TenantScenario.ts';

export interface GenerateScenarioOptions {
  /** Same seed, same tenant (ids included); a different seed gives a different tenant. */
  readonly seed: number | string;
  readonly subscriptions: number;
  /** Clusters in every subscription; or give `clusters` (spread round-robin over the subscriptions). */
  readonly clustersPerSubscription?: number;
  readonly clusters?: number;
  /** Team bindings per cluster, on top of the ~80 built-in ones every AKS cluster has. */
  readonly bindingsPerCluster: number;
  /** Users + groups + application service principals (cluster and workload identities come on top). */
  readonly principals: number;
  /** Levels of groups nested in groups: 1 is flat, 3 is a group in a group in a group. */
  readonly groupNestingDepth: number;
  /** Azure role assignments (active and PIM-eligible), including the cluster-identity grants. */
  readonly roleAssignments: number;
  readonly namespacesPerCluster?: number;
  readonly denyAssignments?: number;
  /**
   * `eager` (default) builds every cluster's Kubernetes content up front; `lazy` builds it when
   * `cluster.kubernetes` is read and keeps only the last few, for runs that hold one cluster at a time.
   */
  readonly kubernetes?: 'eager' | 'lazy';
}

/** The benchmark sizes (DESIGN.md): S, M and L tenants. */
export const SCENARIO_SIZES = {
  S: { seed: 'S', subscriptions: 2, clusters: 10, bindingsPerCluster: 200, principals: 500, groupNestingDepth: 3, roleAssignments: 2_000 },
  M: { seed: 'M', subscriptions: 10, clusters: 100, bindingsPerCluster: 500, principals: 5_000, groupNestingDepth: 4, roleAssignments: 50_000 },
  L: { seed: 'L', subscriptions: 50, clusters: 1_000, bindingsPerCluster: 2_000, principals: 50_000, groupNestingDepth: 5, roleAssignments: 500_000 },
} as const satisfies Record<'S' | 'M' | 'L', GenerateScenarioOptions>;

const LOCATIONS = ['westeurope', 'northeurope', 'swedencentral', 'eastus2'];
const CERT_MANAGER_ONLY =
  "((!(ActionMatches{'Microsoft.ContainerService/managedClusters/*'})) OR (@Request[Microsoft.ContainerService/managedClusters/customResources:group] StringEqualsIgnoreCase 'cert-manager.io'))";

/** Role names and their weight among generated assignments (data-plane roles dominate, as in real tenants). */
const ROLE_WEIGHTS: readonly [string, number][] = [
  ['Azure Kubernetes Service RBAC Reader', 25],
  ['Azure Kubernetes Service RBAC Writer', 25],
  ['Azure Kubernetes Service Cluster User Role', 20],
  ['Azure Kubernetes Service RBAC Admin', 6],
  ['Azure Kubernetes Service RBAC Cluster Admin', 3],
  ['Reader', 8],
  ['Contributor', 4],
  ['Azure Kubernetes Service Cluster Admin Role', 2],
  ['Azure Kubernetes Service Cluster Monitoring User', 3],
  ['Owner', 1],
  ['User Access Administrator', 1],
  ['Generated AKS Operator (no secrets)', 2],
];

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

function positiveInteger(name: string, value: number | undefined, min: number): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min)) throw new RangeError(`generateScenario: ${name} must be a whole number >= ${min}, got ${value}`);
}

interface PrincipalRef {
  readonly id: string;
  readonly type: PrincipalType;
}

/** A synthetic tenant of any size, deterministic from the seed, for benchmarks and load tests. */
export function generateScenario(options: GenerateScenarioOptions): TenantScenario {
  positiveInteger('subscriptions', options.subscriptions, 1);
  positiveInteger('clustersPerSubscription', options.clustersPerSubscription, 0);
  positiveInteger('clusters', options.clusters, 0);
  positiveInteger('bindingsPerCluster', options.bindingsPerCluster, 0);
  positiveInteger('principals', options.principals, 3);
  positiveInteger('groupNestingDepth', options.groupNestingDepth, 1);
  positiveInteger('roleAssignments', options.roleAssignments, 0);
  if ((options.clusters === undefined) === (options.clustersPerSubscription === undefined)) throw new RangeError('generateScenario: give exactly one of clusters and clustersPerSubscription');
  const seed = String(options.seed);
  const rng = new Prng(seed);
  const tenantId = rng.uuid();
  const domain = `${seed.toLowerCase().replace(/[^a-z0-9]/g, '') || 'tenant'}.example.com`;

  // --- management groups and subscriptions ---------------------------------------------------------------
  const landingZones = Math.ceil(options.subscriptions / 20);
  const managementGroups: SimManagementGroup[] = [
    { name: tenantId, displayName: 'Tenant Root Group' },
    { name: 'platform', displayName: 'Platform', parent: tenantId },
    ...Array.from({ length: landingZones }, (_, i) => ({ name: `landing-zone-${pad(i + 1, 2)}`, displayName: `Landing zone ${i + 1}`, parent: 'platform' })),
  ];
  const subscriptions: SimSubscription[] = Array.from({ length: options.subscriptions }, (_, i) => ({
    subscriptionId: rng.uuid(),
    displayName: `sub-${pad(i + 1, 3)}`,
    managementGroup: `landing-zone-${pad(Math.floor(i / 20) + 1, 2)}`,
  }));
  const hierarchy: ScopeParent[] = [
    ...managementGroups.flatMap((mg) => (mg.parent === undefined ? [] : [{ id: managementGroupId(mg.name), parentId: managementGroupId(mg.parent), displayName: mg.displayName }])),
    ...subscriptions.map((s) => ({ id: subscriptionScope(s.subscriptionId), parentId: managementGroupId(s.managementGroup), displayName: s.displayName })),
  ];
  const resourceGroups: SimResourceGroup[] = [];
  const subscriptionLocation = subscriptions.map(() => rng.pick(LOCATIONS));
  subscriptions.forEach((s, i) => {
    for (const rg of ['rg-network', 'rg-shared', 'rg-identities']) resourceGroups.push({ subscriptionId: s.subscriptionId, name: rg, location: subscriptionLocation[i] ?? 'westeurope' });
  });
  resourceGroups.push({ subscriptionId: subscriptions[0]?.subscriptionId ?? '', name: 'rg-dns', location: 'westeurope' });

  // --- Entra: users, nested groups, service principals ---------------------------------------------------
  const groupCount = Math.max(options.groupNestingDepth, Math.round(options.principals * 0.05));
  const appCount = Math.max(1, Math.round(options.principals * 0.03));
  const userCount = Math.max(1, options.principals - groupCount - appCount);
  const users: EntraUser[] = Array.from({ length: userCount }, (_, i) => ({ kind: 'user', id: rng.uuid(), userPrincipalName: `user${pad(i + 1, 5)}@${domain}`, displayName: `User ${i + 1}` }));
  const groupMembers: string[][] = Array.from({ length: groupCount }, () => []);
  // Level of group g: groups 0..depth-1 form one full-depth chain, the rest fall on random levels.
  const level = Array.from({ length: groupCount }, (_, g) => (g < options.groupNestingDepth ? g : rng.int(options.groupNestingDepth)));
  const byLevel: number[][] = Array.from({ length: options.groupNestingDepth }, () => []);
  level.forEach((l, g) => byLevel[l]?.push(g));
  const groupIds = Array.from({ length: groupCount }, () => rng.uuid());
  for (let g = 0; g < groupCount; g++) {
    const l = level[g] ?? 0;
    if (l === 0) continue;
    // A group on level l is a member of one group on level l-1 (the first chain links g-1 ← g).
    const parent = g < options.groupNestingDepth ? g - 1 : rng.pick(byLevel[l - 1] ?? [0]);
    groupMembers[parent]?.push(groupIds[g] ?? '');
  }
  for (const user of users) {
    const memberships = 1 + rng.int(2);
    for (let m = 0; m < memberships; m++) groupMembers[rng.int(groupCount)]?.push(user.id);
  }
  const applications: EntraServicePrincipal[] = Array.from({ length: appCount }, (_, i) => ({ kind: 'servicePrincipal', id: rng.uuid(), appId: rng.uuid(), displayName: `app-${pad(i + 1, 4)}`, servicePrincipalType: 'Application' }));
  for (const app of applications) if (rng.chance(0.3)) groupMembers[rng.int(groupCount)]?.push(app.id);
  const groups: EntraGroup[] = groupIds.map((id, g) => ({ kind: 'group', id, displayName: `group-${pad(g + 1, 5)}`, memberIds: [...new Set(groupMembers[g])] }));
  const identityPrincipals: EntraServicePrincipal[] = [];
  const managedIdentities: SimManagedIdentity[] = [];
  const addManagedIdentity = (id: string, name: string, location: string): SimManagedIdentity => {
    const mi: SimManagedIdentity = { id, name, location, principalId: rng.uuid(), clientId: rng.uuid(), tenantId };
    managedIdentities.push(mi);
    identityPrincipals.push({ kind: 'servicePrincipal', id: mi.principalId, appId: mi.clientId, displayName: name, servicePrincipalType: 'ManagedIdentity' });
    return mi;
  };
  // Workload identities: a few per subscription.
  const workloadIdentities = subscriptions.flatMap((s, i) =>
    Array.from({ length: 3 }, (_, k) => addManagedIdentity(resourceId(s.subscriptionId, 'rg-identities', USER_ASSIGNED_IDENTITIES, `id-workload-${pad(k + 1, 2)}`), `id-workload-${pad(i + 1, 3)}-${pad(k + 1, 2)}`, subscriptionLocation[i] ?? 'westeurope')),
  );

  // --- registries, networks, clusters ---------------------------------------------------------------------
  const registries: SimRegistry[] = subscriptions.map((s, i) => {
    const name = `acr${domain.split('.')[0] ?? 'gen'}${pad(i + 1, 3)}`.replace(/[^a-z0-9]/g, '').slice(0, 50).padEnd(5, '0');
    return { id: resourceId(s.subscriptionId, 'rg-shared', REGISTRIES, name), name, loginServer: `${name}.azurecr.io`, location: subscriptionLocation[i] ?? 'westeurope' };
  });
  const subnets: SimSubnet[] = [];
  const clusterCount = options.clusters ?? options.subscriptions * (options.clustersPerSubscription ?? 0);
  const perSubscription = new Array<number>(options.subscriptions).fill(0);
  const specs: ManagedClusterSpec[] = [];
  const facts: GeneratedClusterFacts[] = [];
  const assignments: RoleAssignment[] = [];
  const roles = [...azureBuiltinRoles()];
  const customRoleGuid = rng.uuid();
  const customRole: RoleDefinition = {
    id: `/providers/Microsoft.Authorization/roleDefinitions/${customRoleGuid}`,
    name: customRoleGuid,
    roleName: 'Generated AKS Operator (no secrets)',
    roleType: 'CustomRole',
    permissions: [
      {
        actions: ['Microsoft.ContainerService/managedClusters/read', 'Microsoft.ContainerService/managedClusters/listClusterUserCredential/action'],
        notActions: [],
        dataActions: ['Microsoft.ContainerService/managedClusters/*'],
        notDataActions: ['Microsoft.ContainerService/managedClusters/secrets/*'],
      },
    ],
    assignableScopes: [managementGroupId('platform')],
  };
  roles.push(customRole);
  const roleByName = new Map(roles.map((r) => [r.roleName, r]));
  const roleDefinitionIds = new Map<string, string>();
  const roleDefinitionIdAt = (subscriptionId: string | undefined, roleName: string): string => {
    const guid = roleByName.get(roleName)?.name ?? '';
    const key = `${subscriptionId ?? ''}|${guid}`;
    let id = roleDefinitionIds.get(key);
    if (id === undefined) {
      id = `${subscriptionId === undefined ? '' : `/subscriptions/${subscriptionId}`}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
      roleDefinitionIds.set(key, id);
    }
    return id;
  };
  const grant = (scope: string, subscriptionId: string | undefined, principal: PrincipalRef, roleName: string, extra: Partial<RoleAssignment> = {}): void => {
    const kind = extra.state === 'eligible' ? 'roleEligibilityScheduleInstances' : 'roleAssignments';
    assignments.push({
      id: `${scope}/providers/Microsoft.Authorization/${kind}/${rng.uuid()}`,
      scope,
      principalId: principal.id,
      principalType: principal.type,
      roleDefinitionId: roleDefinitionIdAt(subscriptionId, roleName),
      state: 'active',
      ...extra,
    });
  };

  const adminCandidates = [...(byLevel[0] ?? []), ...(byLevel[1] ?? [])].map((g) => groupIds[g] ?? '');
  for (let c = 0; c < clusterCount; c++) {
    const subIndex = c % options.subscriptions;
    const sub = subscriptions[subIndex];
    const registry = registries[subIndex];
    if (sub === undefined || registry === undefined) throw new Error('internal: subscription index out of range');
    const location = subscriptionLocation[subIndex] ?? 'westeurope';
    const name = `aks-${pad(subIndex + 1, 3)}-${pad((perSubscription[subIndex] = (perSubscription[subIndex] ?? 0) + 1), 3)}`;
    const rg = `rg-${name}`;
    resourceGroups.push({ subscriptionId: sub.subscriptionId, name: rg, location });
    const nodeResourceGroup = defaultNodeResourceGroup(rg, name, location);
    resourceGroups.push({ subscriptionId: sub.subscriptionId, name: nodeResourceGroup, location });

    const entra = rng.chance(0.85) ? { azureRbac: rng.chance(0.4), adminGroupObjectIds: rng.chance(0.7) && adminCandidates.length > 0 ? [rng.pick(adminCandidates)] : [] } : undefined;
    const privateCluster = rng.chance(0.2);
    const customDnsZone = privateCluster && rng.chance(0.5);
    const userAssigned = customDnsZone || rng.chance(0.2);
    let identity: ManagedClusterSpec['identity'];
    let identityPrincipal: string;
    if (userAssigned) {
      const mi = addManagedIdentity(resourceId(sub.subscriptionId, rg, USER_ASSIGNED_IDENTITIES, `id-${name}-control`), `id-${name}-control`, location);
      identity = { type: 'UserAssigned', resourceId: mi.id, principalId: mi.principalId, clientId: mi.clientId };
      identityPrincipal = mi.principalId;
    } else {
      identityPrincipal = rng.uuid();
      identityPrincipals.push({ kind: 'servicePrincipal', id: identityPrincipal, appId: rng.uuid(), displayName: name, servicePrincipalType: 'ManagedIdentity' });
      identity = { type: 'SystemAssigned', principalId: identityPrincipal };
    }
    const kubelet = addManagedIdentity(
      `/subscriptions/${sub.subscriptionId}/resourcegroups/${nodeResourceGroup}/providers/${USER_ASSIGNED_IDENTITIES}/${name}-agentpool`,
      `${name}-agentpool`,
      location,
    );
    let subnet: SimSubnet | undefined;
    if (rng.chance(0.5)) {
      const vnetId = resourceId(sub.subscriptionId, 'rg-network', VIRTUAL_NETWORKS, `vnet-${pad(subIndex + 1, 3)}`);
      const n = subnets.length;
      subnet = {
        id: `${vnetId}/subnets/snet-${name}`,
        addressPrefix: `10.${Math.floor(n / 64) % 256}.${(n % 64) * 4}.0/22`,
        ...(rng.chance(0.5) ? { routeTableId: resourceId(sub.subscriptionId, 'rg-network', 'Microsoft.Network/routeTables', 'rt-egress') } : {}),
        ...(rng.chance(0.7) ? { networkSecurityGroupId: resourceId(sub.subscriptionId, 'rg-network', 'Microsoft.Network/networkSecurityGroups', `nsg-${name}`) } : {}),
      };
      subnets.push(subnet);
      // Most teams remember the network grant; the rest are findings.
      if (rng.chance(0.7)) grant(resourceGroupId(sub.subscriptionId, 'rg-network'), sub.subscriptionId, { id: identityPrincipal, type: 'ServicePrincipal' }, 'Network Contributor');
    }
    const dnsZone = customDnsZone ? resourceId(subscriptions[0]?.subscriptionId ?? sub.subscriptionId, 'rg-dns', PRIVATE_DNS_ZONES, `privatelink.${location}.azmk8s.io`) : undefined;
    if (dnsZone !== undefined && rng.chance(0.8)) grant(dnsZone, subscriptions[0]?.subscriptionId, { id: identityPrincipal, type: 'ServicePrincipal' }, 'Private DNS Zone Contributor');
    if (rng.chance(0.85)) grant(registry.id, sub.subscriptionId, { id: kubelet.principalId, type: 'ServicePrincipal' }, 'AcrPull');

    const spec: ManagedClusterSpec = {
      subscriptionId: sub.subscriptionId,
      resourceGroup: rg,
      name,
      location,
      tenantId,
      kubernetesVersion: rng.pick(['1.30.6', '1.31.2', '1.32.0']),
      ...(entra === undefined ? {} : { entra }),
      localAccounts: entra === undefined || rng.chance(0.3),
      kubernetesRbac: true,
      ...(privateCluster ? { privateDnsZone: dnsZone ?? 'system' } : {}),
      identity,
      kubelet: { resourceId: kubelet.id, clientId: kubelet.clientId, objectId: kubelet.principalId },
      nodeResourceGroup,
      ...(subnet === undefined ? {} : { vnetSubnetId: subnet.id, ...(subnet.routeTableId === undefined ? {} : { outboundType: 'userDefinedRouting' }) }),
      nodeCount: 2 + rng.int(4),
      vmSize: rng.pick(['Standard_D4s_v5', 'Standard_D8s_v5', 'Standard_E4s_v5']),
      networkPlugin: 'azure',
      skuTier: rng.chance(0.5) ? 'Standard' : 'Free',
      workloadIdentity: rng.chance(0.6),
    };
    specs.push(spec);
    facts.push({
      index: c,
      name,
      kubernetesVersion: spec.kubernetesVersion,
      nodeCount: spec.nodeCount,
      workloadIdentity: spec.workloadIdentity,
      adminGroupObjectIds: entra?.adminGroupObjectIds ?? [],
      registry: registry.loginServer,
    });
  }

  // --- Azure role assignments ----------------------------------------------------------------------------
  const namespaceCount = Math.max(1, options.namespacesPerCluster ?? 12);
  const namespaces = namespaceNames(namespaceCount);
  const principalPool: PrincipalRef[] = [
    ...groups.map((g): PrincipalRef => ({ id: g.id, type: 'Group' })),
    ...users.map((u): PrincipalRef => ({ id: u.id, type: 'User' })),
    ...applications.map((a): PrincipalRef => ({ id: a.id, type: 'ServicePrincipal' })),
    ...workloadIdentities.map((m): PrincipalRef => ({ id: m.principalId, type: 'ServicePrincipal' })),
  ];
  const firstUser = groups.length;
  const firstServicePrincipal = firstUser + users.length;
  const pickPrincipal = (): number => {
    const r = rng.next();
    if (r < 0.55) return rng.int(groups.length);
    if (r < 0.9) return firstUser + rng.int(users.length);
    return firstServicePrincipal + rng.int(principalPool.length - firstServicePrincipal);
  };
  const roleNames = ROLE_WEIGHTS.flatMap(([roleName, weight]) => Array.from({ length: weight }, () => roleName));
  const roleIndex = new Map(ROLE_WEIGHTS.map(([roleName], i) => [roleName, i]));
  const clusterScopes = specs.map((s) => resourceId(s.subscriptionId, s.resourceGroup, MANAGED_CLUSTERS, s.name));
  const namespaceScopes = new Array<string | undefined>(clusterCount * namespaceCount);
  const mgScopes = managementGroups.slice(1).map((mg) => managementGroupId(mg.name));
  // Scope index space (for duplicate detection): namespaces, clusters, cluster resource groups, subscriptions, management groups.
  const scopeSpace = clusterCount * namespaceCount + 2 * clusterCount + subscriptions.length + mgScopes.length;
  const seen = new Set<number>();
  const budget = Math.max(0, options.roleAssignments - assignments.length);
  let made = 0;
  for (let attempt = 0; made < budget && attempt < budget * 20 + 100; attempt++) {
    const roleName = rng.pick(roleNames);
    const principal = pickPrincipal();
    const r = rng.next();
    let scopeIndex: number;
    let scope: string;
    let subscriptionId: string | undefined;
    if (clusterCount > 0 && r < 0.5) {
      const c = rng.int(clusterCount);
      const n = rng.int(namespaceCount);
      scopeIndex = c * namespaceCount + n;
      scope = namespaceScopes[scopeIndex] ??= `${clusterScopes[c] ?? ''}/namespaces/${namespaces[n] ?? ''}`;
      subscriptionId = specs[c]?.subscriptionId;
    } else if (clusterCount > 0 && r < 0.75) {
      const c = rng.int(clusterCount);
      scopeIndex = clusterCount * namespaceCount + c;
      scope = clusterScopes[c] ?? '';
      subscriptionId = specs[c]?.subscriptionId;
    } else if (clusterCount > 0 && r < 0.9) {
      const c = rng.int(clusterCount);
      scopeIndex = clusterCount * (namespaceCount + 1) + c;
      subscriptionId = specs[c]?.subscriptionId;
      scope = resourceGroupId(subscriptionId ?? '', specs[c]?.resourceGroup ?? '');
    } else if (r < 0.98) {
      const sIndex = rng.int(subscriptions.length);
      scopeIndex = clusterCount * (namespaceCount + 2) + sIndex;
      subscriptionId = subscriptions[sIndex]?.subscriptionId;
      scope = subscriptionScope(subscriptionId ?? '');
    } else {
      const m = rng.int(mgScopes.length);
      scopeIndex = clusterCount * (namespaceCount + 2) + subscriptions.length + m;
      scope = mgScopes[m] ?? '';
      subscriptionId = undefined;
    }
    const eligible = rng.chance(0.02);
    const key = ((principal * ROLE_WEIGHTS.length + (roleIndex.get(roleName) ?? 0)) * scopeSpace + scopeIndex) * 2 + (eligible ? 1 : 0);
    if (seen.has(key)) continue;
    seen.add(key);
    const conditional = !eligible && (roleName === 'Azure Kubernetes Service RBAC Admin' || roleName === 'Azure Kubernetes Service RBAC Writer') && rng.chance(0.05);
    grant(scope, subscriptionId, principalPool[principal] ?? { id: '', type: 'Unknown' }, roleName, {
      ...(eligible ? { state: 'eligible', startDateTime: '2026-01-01T00:00:00Z', endDateTime: '2027-01-01T00:00:00Z' } : {}),
      ...(conditional ? { condition: CERT_MANAGER_ONLY, conditionVersion: '2.0' } : {}),
    });
    made++;
  }

  const denyAssignments: DenyAssignment[] = Array.from({ length: options.denyAssignments ?? Math.max(1, Math.floor(options.subscriptions / 10)) }, (_, i) => {
    const sub = subscriptions[i % subscriptions.length];
    const scope = subscriptionScope(sub?.subscriptionId ?? '');
    const everyone = i % 2 === 1;
    return {
      id: `${scope}/providers/Microsoft.Authorization/denyAssignments/${rng.uuid()}`,
      name: everyone ? `deployment stack ${i + 1}: denyDelete` : `no secrets for group-${i + 1}`,
      scope,
      permissions: [
        everyone
          ? { actions: ['*/delete'], notActions: [], dataActions: [], notDataActions: [] }
          : { actions: [], notActions: [], dataActions: ['Microsoft.ContainerService/managedClusters/secrets/*'], notDataActions: [] },
      ],
      principals: everyone ? [{ id: EVERYONE_PRINCIPAL_ID, type: 'SystemDefined' }] : [{ id: rng.pick(groupIds), type: 'Group' }],
      excludePrincipals: everyone && applications[0] !== undefined ? [{ id: applications[0].id, type: 'ServicePrincipal' }] : [],
      doNotApplyToChildScopes: false,
    };
  });

  // --- Kubernetes -----------------------------------------------------------------------------------------
  const pools = buildKubernetesPools(
    seed,
    {
      groupIds,
      userPrincipalNames: users.map((u) => u.userPrincipalName),
      servicePrincipalIds: [...applications.map((a) => a.id), ...workloadIdentities.map((m) => m.principalId)],
      workloadClientIds: workloadIdentities.map((m) => m.clientId),
    },
    namespaceCount,
    options.bindingsPerCluster,
  );
  const clusters = buildClusters(specs, facts, pools, options.kubernetes ?? 'eager');

  return {
    tenantId,
    managementGroups,
    subscriptions,
    azure: { roleDefinitions: roles, roleAssignments: assignments, denyAssignments, hierarchy },
    entra: { users, groups, servicePrincipals: [...applications, ...identityPrincipals] },
    clusters,
    registries,
    subnets,
    resourceGroups,
    managedIdentities,
  };
}

/** How many lazily built clusters stay cached (a server answering page after page of one cluster). */
const LAZY_CACHE_SIZE = 4;

function buildClusters(specs: readonly ManagedClusterSpec[], facts: readonly GeneratedClusterFacts[], pools: KubernetesPools, mode: 'eager' | 'lazy'): SimCluster[] {
  if (mode === 'eager') {
    return specs.map((spec, i) => {
      const fact = facts[i];
      if (fact === undefined) throw new Error('internal: facts out of step with specs');
      return { arm: managedClusterResource(spec), kubernetes: clusterKubernetes(pools, fact) };
    });
  }
  const cache = new Map<number, SimCluster['kubernetes']>();
  return specs.map((spec, i) => {
    const fact = facts[i];
    if (fact === undefined) throw new Error('internal: facts out of step with specs');
    return {
      arm: managedClusterResource(spec),
      get kubernetes(): SimCluster['kubernetes'] {
        let content = cache.get(i);
        if (content === undefined) {
          content = clusterKubernetes(pools, fact);
          if (cache.size >= LAZY_CACHE_SIZE) {
            const oldest = cache.keys().next().value;
            if (oldest !== undefined) cache.delete(oldest);
          }
        } else {
          cache.delete(i);
        }
        cache.set(i, content);
        return content;
      },
    };
  });
}
