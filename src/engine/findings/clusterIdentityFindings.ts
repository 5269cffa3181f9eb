import type { AksCluster } from '../../model/aksCluster.ts';
import type { K8sInventory } from '../../model/k8sInventory.ts';
import type { RoleAssignment } from '../../model/azureRbac.ts';
import { clusterKey, type AccessModel } from '../access/accessModel.ts';
import type { AzureEvaluation, AzureIdentity } from '../azure/azureRbacIndex.ts';
import { roleDefinitionGuid } from '../azure/azureRbacIndex.ts';
import { isManagementGroupScope, normalizeScope } from '../azure/scopes.ts';
import { requiredFor, type ClusterIdentityCondition, type RequiredPermission } from './clusterIdentityPermissions.ts';

/** A subnet as `az network vnet list` / ARM describe it: what decides the route-table and NSG conditions. */
export interface SubnetInfo {
  readonly id: string;
  readonly routeTableId?: string;
  readonly networkSecurityGroupId?: string;
}

/** A container registry (`az acr list`): its login server maps image references to the registry. */
export interface RegistryInfo {
  readonly id: string;
  readonly name: string;
  readonly loginServer: string;
  /** `AbacRepositoryPermissions`: pull needs Container Registry Repository Reader, not AcrPull. */
  readonly roleAssignmentMode?: string;
}

export interface ClusterIdentityInput {
  readonly model: AccessModel;
  /** Pods per cluster (key: lower-case cluster id): their images name the registries the kubelet pulls from. */
  readonly inventories?: ReadonlyMap<string, Pick<K8sInventory, 'pods'>>;
  readonly subnets?: readonly SubnetInfo[];
  readonly registries?: readonly RegistryInfo[];
  /** Registries configured per cluster (lower-case cluster id → registry ids), e.g. from `--attach-acr`. */
  readonly configuredRegistries?: ReadonlyMap<string, readonly string[]>;
  /** Subnets of internal load balancers per cluster (lower-case cluster id → subnet ids, or names in the nodes' VNet). */
  readonly internalLoadBalancerSubnets?: ReadonlyMap<string, readonly string[]>;
  /** Only these clusters (default: every cluster of the model). */
  readonly clusters?: readonly AksCluster[];
}

export type FindingSeverity = 'critical' | 'high' | 'medium' | 'low';
export type ClusterIdentityRole = 'control-plane' | 'kubelet';

export interface Remediation {
  readonly role: string;
  readonly roleDefinitionId: string;
  readonly azCli: string;
  readonly bicep: string;
}

export interface MissingClusterIdentityPermission {
  readonly kind: 'missing-cluster-identity-permission';
  readonly severity: FindingSeverity;
  readonly clusterId: string;
  readonly clusterName: string;
  readonly identity: ClusterIdentityRole;
  readonly principalId: string;
  readonly permission: string;
  readonly scope: string;
  readonly condition: ClusterIdentityCondition;
  readonly reason: string;
  /** What the engine decided: not granted at all, denied by a deny assignment, only under an ABAC condition, or only eligible (PIM). */
  readonly decision: 'notGranted' | 'denied' | 'conditional' | 'eligibleOnly';
  readonly evidence: readonly string[];
  readonly remediation: Remediation;
}

export interface OverPrivilegedClusterIdentity {
  readonly kind: 'over-privileged-cluster-identity';
  readonly severity: FindingSeverity;
  readonly clusterId: string;
  readonly clusterName: string;
  readonly identity: ClusterIdentityRole;
  readonly principalId: string;
  readonly role: string;
  readonly scope: string;
  readonly assignmentId: string;
  readonly reason: string;
  readonly remediation: { readonly azCli: string };
}

export type ClusterIdentityFinding = MissingClusterIdentityPermission | OverPrivilegedClusterIdentity;

export interface ClusterIdentityResult {
  readonly findings: readonly ClusterIdentityFinding[];
  /** Checks that could not be made (unknown identity, image from an ACR the input does not describe, …). */
  readonly warnings: readonly string[];
}

/** Owner, Contributor, User Access Administrator. */
const OVER_PRIVILEGED_ROLES: ReadonlyMap<string, string> = new Map([
  ['8e3af657-a8ff-443c-a75c-2fe8c4bcb635', 'Owner'],
  ['b24988ac-6180-42a0-ab88-20f7382dd24c', 'Contributor'],
  ['18d7d88d-d35e-4fb5-a5c3-7773c20a72d9', 'User Access Administrator'],
]);

/** `/subscriptions/S/resourceGroups/RG/...` → `s/rg` (lower-case); undefined when the id names no resource group. */
export function resourceGroupKey(id: string): string | undefined {
  const m = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)/i.exec(id.trim());
  return m?.[1] === undefined || m[2] === undefined ? undefined : `${m[1]}/${m[2]}`.toLowerCase();
}

function nodeResourceGroupKey(cluster: AksCluster): string | undefined {
  if (cluster.nodeResourceGroup === undefined || cluster.nodeResourceGroup === '') return undefined;
  return `${cluster.subscriptionId}/${cluster.nodeResourceGroup}`.toLowerCase();
}

function inAnotherResourceGroup(cluster: AksCluster, resourceId: string): boolean {
  const rg = resourceGroupKey(resourceId);
  return rg !== undefined && rg !== nodeResourceGroupKey(cluster);
}

/** The registry host of an image reference (`contosoacr.azurecr.io/payments/api:1` → `contosoacr.azurecr.io`). */
export function imageRegistryHost(image: string): string | undefined {
  const slash = image.indexOf('/');
  if (slash < 0) return undefined;
  const first = image.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first.toLowerCase() : undefined;
}

/** The parts of an ARM id a Bicep `existing` resource needs: type (with child types) and the name path. */
function armResource(id: string): { rg?: string; sub?: string; type: string; name: string } | undefined {
  const m = /^\/subscriptions\/([^/]+)(?:\/resourcegroups\/([^/]+))?\/providers\/([^/]+)\/(.+)$/i.exec(id);
  if (m?.[1] === undefined || m[3] === undefined || m[4] === undefined) return undefined;
  const parts = m[4].split('/');
  const types: string[] = [];
  const names: string[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    types.push(parts[i] ?? '');
    names.push(parts[i + 1] ?? '');
  }
  return { sub: m[1], ...(m[2] === undefined ? {} : { rg: m[2] }), type: `${m[3]}/${types.join('/')}`, name: names.join('/') };
}

const API_VERSIONS: Readonly<Record<string, string>> = {
  'microsoft.network/virtualnetworks/subnets': '2024-05-01',
  'microsoft.network/virtualnetworks': '2024-05-01',
  'microsoft.network/routetables': '2024-05-01',
  'microsoft.network/networksecuritygroups': '2024-05-01',
  'microsoft.network/privatednszones': '2020-06-01',
  'microsoft.containerregistry/registries': '2023-07-01',
  'microsoft.managedidentity/userassignedidentities': '2023-01-31',
};

export function remediationFor(principalId: string, role: RequiredPermission['role'], scope: string): Remediation {
  const azCli = `az role assignment create --assignee-object-id ${principalId} --assignee-principal-type ServicePrincipal --role "${role.name}" --scope ${scope}`;
  const res = armResource(scope);
  const apiVersion = res === undefined ? undefined : API_VERSIONS[res.type.toLowerCase()];
  const properties = [
    `    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${role.id}') // ${role.name}`,
    `    principalId: '${principalId}'`,
    `    principalType: 'ServicePrincipal'`,
  ].join('\n');
  const bicep =
    res === undefined || apiVersion === undefined
      ? [
          `// deploy at scope ${scope}`,
          `resource grant 'Microsoft.Authorization/roleAssignments@2022-04-01' = {`,
          `  name: guid('${scope}', '${principalId}', '${role.id}')`,
          `  properties: {`,
          properties,
          `  }`,
          `}`,
        ].join('\n')
      : [
          `// deploy to resource group ${res.rg ?? ''} in subscription ${res.sub ?? ''}`,
          `resource target '${res.type}@${apiVersion}' existing = {`,
          `  name: '${res.name}'`,
          `}`,
          ``,
          `resource grant 'Microsoft.Authorization/roleAssignments@2022-04-01' = {`,
          `  name: guid(target.id, '${principalId}', '${role.id}')`,
          `  scope: target`,
          `  properties: {`,
          properties,
          `  }`,
          `}`,
        ].join('\n');
  return { role: role.name, roleDefinitionId: role.id, azCli, bicep };
}

interface ResolvedIdentity {
  readonly role: ClusterIdentityRole;
  readonly principalId: string;
}

function controlPlaneIdentity(cluster: AksCluster): string | undefined {
  const id = cluster.identity;
  if (id === undefined) return undefined;
  if (id.principalId !== undefined && id.principalId !== '') return id.principalId;
  return id.userAssigned?.find((u) => u.principalId !== undefined && u.principalId !== '')?.principalId;
}

function kubeletIdentity(cluster: AksCluster): string | undefined {
  const k = cluster.kubeletIdentity?.objectId;
  return k === undefined || k === '' ? undefined : k;
}

/** A required permission held: 'allowed' by an active, unconditional grant and no deny assignment. */
function gap(evaluation: AzureEvaluation): MissingClusterIdentityPermission['decision'] | undefined {
  switch (evaluation.decision) {
    case 'allowed':
      return undefined;
    case 'denied':
      return 'denied';
    case 'conditional':
      return 'conditional';
    case 'notGranted':
      return evaluation.eligible.length > 0 ? 'eligibleOnly' : 'notGranted';
  }
}

function evidenceOf(evaluation: AzureEvaluation): string[] {
  return [
    ...evaluation.denials.map((d) => `denied by deny assignment "${d.denyAssignment.name}" at ${d.denyAssignment.scope} (${d.matchedBy})`),
    ...evaluation.grants
      .filter((g) => g.assignment.condition !== undefined)
      .map((g) => `only under the condition of ${g.role.roleName} at ${g.assignment.scope}`),
    ...evaluation.eligible.map((g) => `eligible (PIM), not active: ${g.role.roleName} at ${g.assignment.scope}`),
    ...evaluation.exclusions.map((e) => `${e.role.roleName} at ${e.assignment.scope} excludes it (${e.notPattern})`),
  ];
}

/**
 * Which required permissions each cluster's identities lack, from the cluster's own configuration, and
 * which identities hold Owner, Contributor or User Access Administrator at a subscription or wider.
 */
export function clusterIdentityFindings(input: ClusterIdentityInput): ClusterIdentityResult {
  const { model } = input;
  const findings: ClusterIdentityFinding[] = [];
  const warnings: string[] = [];
  const subnets = new Map((input.subnets ?? []).map((s) => [normalizeScope(s.id), s]));
  const registriesByHost = new Map((input.registries ?? []).map((r) => [r.loginServer.toLowerCase(), r]));
  const registriesById = new Map((input.registries ?? []).map((r) => [normalizeScope(r.id), r]));

  // Without `az acr list`, an ACR login server NAME.azurecr.io still names the registry that role
  // assignments are scoped to (…/providers/Microsoft.ContainerRegistry/registries/NAME[/...]).
  const registryFromScopes = (host: string): RegistryInfo | undefined => {
    const m = /^([a-z0-9]+)\.azurecr\.io$/.exec(host);
    if (m?.[1] === undefined) return undefined;
    const suffix = `/providers/microsoft.containerregistry/registries/${m[1]}`;
    for (const scope of model.azure.assignmentScopes) {
      const i = scope.toLowerCase().indexOf(suffix);
      if (i < 0) continue;
      const end = i + suffix.length;
      if (end !== scope.length && scope[end] !== '/') continue;
      return { id: scope.slice(0, end), name: scope.slice(i + suffix.length - m[1].length, end), loginServer: host };
    }
    return undefined;
  };
  const azureIdentity = (principalId: string): AzureIdentity => ({ principalId, groups: model.entra.groupsOf(principalId) });

  for (const cluster of input.clusters ?? model.clusters) {
    const key = clusterKey(cluster.id);
    const controlPlane = controlPlaneIdentity(cluster);
    const kubelet = kubeletIdentity(cluster);
    const checks: { who: ClusterIdentityRole; required: RequiredPermission; scope: string }[] = [];
    const need = (condition: ClusterIdentityCondition, scope: string) => {
      for (const required of requiredFor(condition)) checks.push({ who: required.identity, required, scope });
    };

    for (const subnetId of cluster.agentPoolSubnetIds ?? []) {
      if (inAnotherResourceGroup(cluster, subnetId)) need('custom-vnet-subnet-in-another-rg', subnetId);
      const subnet = subnets.get(normalizeScope(subnetId));
      if (subnet === undefined) {
        warnings.push(`${cluster.name}: subnet ${subnetId} is not in the input, so its route table and network security group are not checked (add 'az network vnet list' output)`);
        continue;
      }
      if (subnet.routeTableId !== undefined && subnet.routeTableId !== '' && inAnotherResourceGroup(cluster, subnet.routeTableId)) need('route-table-in-another-rg', subnet.routeTableId);
      if (subnet.networkSecurityGroupId !== undefined && subnet.networkSecurityGroupId !== '' && inAnotherResourceGroup(cluster, subnet.networkSecurityGroupId)) {
        need('nsg-in-another-rg', subnet.networkSecurityGroupId);
      }
    }
    for (const subnet of input.internalLoadBalancerSubnets?.get(key) ?? []) {
      // A bare name (the azure-load-balancer-internal-subnet annotation) is a subnet of the nodes' VNet.
      const vnet = cluster.agentPoolSubnetIds?.[0]?.replace(/\/subnets\/[^/]+$/i, '');
      const subnetId = subnet.startsWith('/') ? subnet : vnet === undefined ? undefined : `${vnet}/subnets/${subnet}`;
      if (subnetId !== undefined && inAnotherResourceGroup(cluster, subnetId)) need('internal-lb-in-another-rg', subnetId);
    }
    const zone = cluster.privateDnsZone;
    if (zone !== undefined && zone.startsWith('/') && inAnotherResourceGroup(cluster, zone)) need('private-dns-zone-in-another-rg', zone);
    const kubeletResource = cluster.kubeletIdentity?.resourceId;
    if (kubeletResource !== undefined && kubeletResource !== '' && inAnotherResourceGroup(cluster, kubeletResource)) need('user-assigned-kubelet-identity', kubeletResource);

    // Registries the kubelet pulls from: pod images on a known login server, plus configured registries.
    const pulled = new Map<string, RegistryInfo>();
    for (const pod of input.inventories?.get(key)?.pods ?? []) {
      for (const image of pod.images) {
        const host = imageRegistryHost(image);
        if (host === undefined) continue;
        const registry = registriesByHost.get(host) ?? registryFromScopes(host);
        if (registry !== undefined) pulled.set(normalizeScope(registry.id), registry);
        else if (host.endsWith('.azurecr.io')) warnings.push(`${cluster.name}: pod ${pod.namespace}/${pod.name} pulls ${image} from ${host}, a registry the input does not describe; AcrPull is not checked (add 'az acr list' output)`);
      }
    }
    for (const id of input.configuredRegistries?.get(key) ?? []) {
      const registry = registriesById.get(normalizeScope(id));
      pulled.set(normalizeScope(id), registry ?? { id, name: id.split('/').pop() ?? id, loginServer: '' });
    }
    for (const registry of pulled.values()) {
      need(registry.roleAssignmentMode?.toLowerCase() === 'abacrepositorypermissions' ? 'acr-attach-abac-mode' : 'acr-attach', registry.id);
    }

    const principalOf = (who: ClusterIdentityRole) => (who === 'control-plane' ? controlPlane : kubelet);
    const seenMissing = new Set<string>();
    for (const { who, required, scope } of checks) {
      const principalId = principalOf(who);
      if (principalId === undefined) {
        const note = `${cluster.name}: the ${who} identity is unknown, so ${required.permission} at ${scope} is not checked`;
        if (!seenMissing.has(note)) warnings.push(note);
        seenMissing.add(note);
        continue;
      }
      const evaluation = model.azure.evaluate(azureIdentity(principalId), [required.permission], required.kind, scope);
      const decision = gap(evaluation);
      if (decision === undefined) continue;
      findings.push({
        kind: 'missing-cluster-identity-permission',
        severity: 'high',
        clusterId: cluster.id,
        clusterName: cluster.name,
        identity: who,
        principalId,
        permission: required.permission,
        scope,
        condition: required.condition,
        reason: required.reason,
        decision,
        evidence: evidenceOf(evaluation),
        remediation: remediationFor(principalId, required.role, scope),
      });
    }

    const identities: ResolvedIdentity[] = [];
    if (controlPlane !== undefined) identities.push({ role: 'control-plane', principalId: controlPlane });
    if (kubelet !== undefined) identities.push({ role: 'kubelet', principalId: kubelet });
    for (const { role: who, principalId } of identities) {
      for (const { assignment, role } of model.azure.assignmentsOf(azureIdentity(principalId), cluster.id)) {
        const name = OVER_PRIVILEGED_ROLES.get(roleDefinitionGuid(assignment.roleDefinitionId));
        if (name === undefined || assignment.state !== 'active' || !subscriptionOrWider(assignment)) continue;
        findings.push({
          kind: 'over-privileged-cluster-identity',
          severity: name === 'Contributor' ? 'high' : 'critical',
          clusterId: cluster.id,
          clusterName: cluster.name,
          identity: who,
          principalId,
          role: role.roleName || name,
          scope: assignment.scope,
          assignmentId: assignment.id,
          reason: `The ${who} identity holds ${name} at ${assignment.scope}: anyone who can act as the cluster's nodes or control plane inherits it. AKS needs only the narrow permissions of its documented tables.`,
          remediation: { azCli: `az role assignment delete --ids ${assignment.id}` },
        });
      }
    }
  }
  return { findings, warnings };
}

function subscriptionOrWider(a: RoleAssignment): boolean {
  const s = normalizeScope(a.scope);
  return s === '/' || isManagementGroupScope(s) || /^\/subscriptions\/[^/]+$/.test(s);
}
