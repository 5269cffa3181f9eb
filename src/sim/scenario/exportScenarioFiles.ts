import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Binding, Role } from '../../model/k8sRbac.ts';
import type { K8sPod } from '../../model/k8sInventory.ts';
import {
  denyAssignmentJson,
  managementGroupDescendantJson,
  registryJson,
  roleAssignmentJson,
  roleDefinitionJson,
  roleEligibilityScheduleInstanceJson,
  subnetJson,
  subscriptionDescendantJson,
} from '../server/armResources.ts';
import type { TenantScenario } from './TenantScenario.ts';
import { scenarioFederatedCredentials } from './scenarioFederatedCredentials.ts';

/*
 * Writes a simulated tenant the way an operator exports a real one: az-format JSON (`az aks list`,
 * `az role definition/assignment list`, `az rest` for deny assignments, PIM eligibility, management groups
 * and groups with members, `az ad user/sp list`, `az network vnet subnet list`, `az acr list`) in
 * DIR/azure, and each cluster's RBAC objects and pods as `kubectl get -o json` Lists in DIR/k8s/CLUSTER.
 * For end-to-end tests of the offline CLI.
 */

const RBAC_V1 = 'rbac.authorization.k8s.io/v1';

function roleJson(r: Role): Record<string, unknown> {
  return {
    apiVersion: RBAC_V1,
    kind: r.kind,
    metadata: { name: r.name, ...(r.namespace === '' ? {} : { namespace: r.namespace }), labels: r.labels },
    rules: r.rules.map((x) => ({
      verbs: x.verbs,
      ...(x.apiGroups.length > 0 || x.nonResourceURLs.length === 0 ? { apiGroups: x.apiGroups } : {}),
      ...(x.resources.length > 0 ? { resources: x.resources } : {}),
      ...(x.resourceNames.length > 0 ? { resourceNames: x.resourceNames } : {}),
      ...(x.nonResourceURLs.length > 0 ? { nonResourceURLs: x.nonResourceURLs } : {}),
    })),
    ...(r.aggregationRule === undefined ? {} : { aggregationRule: r.aggregationRule }),
  };
}

function bindingJson(b: Binding): Record<string, unknown> {
  return {
    apiVersion: RBAC_V1,
    kind: b.kind,
    metadata: { name: b.name, ...(b.namespace === '' ? {} : { namespace: b.namespace }) },
    roleRef: b.roleRef,
    subjects: b.subjects.map((s) => ({ kind: s.kind, name: s.name, ...(s.namespace === '' ? {} : { namespace: s.namespace }), ...(s.apiGroup === '' ? {} : { apiGroup: s.apiGroup }) })),
  };
}

function podJson(p: K8sPod): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: p.name, namespace: p.namespace, labels: p.labels },
    spec: { serviceAccountName: p.serviceAccountName, containers: p.images.map((image, i) => ({ name: `c${String(i)}`, image })) },
  };
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/**
 * Returns the paths to pass: `--azure-files AZURE` and `--from-files NAME=DIR` per cluster. With
 * `federatedCredentials`, also `az identity list` and `az identity federated-credential list` for the managed
 * identities (what the collectors do not read yet, so off by default).
 */
export async function exportScenarioFiles(s: TenantScenario, dir: string, options: { federatedCredentials?: boolean } = {}): Promise<{ azure: string; clusters: { name: string; dir: string }[] }> {
  const azure = join(dir, 'azure');
  await mkdir(azure, { recursive: true });
  const typeOf = new Map<string, string>([
    ...s.entra.users.map((u) => [u.id, '#microsoft.graph.user'] as const),
    ...s.entra.groups.map((g) => [g.id, '#microsoft.graph.group'] as const),
    ...s.entra.servicePrincipals.map((p) => [p.id, '#microsoft.graph.servicePrincipal'] as const),
  ]);
  await writeFile(join(azure, 'clusters.json'), json(s.clusters.map((c) => c.arm)));
  await writeFile(join(azure, 'role-definitions.json'), json({ value: s.azure.roleDefinitions.map(roleDefinitionJson) }));
  await writeFile(join(azure, 'role-assignments.json'), json({ value: s.azure.roleAssignments.filter((a) => a.state === 'active').map(roleAssignmentJson) }));
  await writeFile(join(azure, 'role-eligibility.json'), json({ value: s.azure.roleAssignments.filter((a) => a.state === 'eligible').map(roleEligibilityScheduleInstanceJson) }));
  await writeFile(join(azure, 'deny-assignments.json'), json({ value: s.azure.denyAssignments.map(denyAssignmentJson) }));
  await writeFile(join(azure, 'management-groups.json'), json({ value: [...s.managementGroups.filter((g) => g.parent !== undefined).map(managementGroupDescendantJson), ...s.subscriptions.map(subscriptionDescendantJson)] }));
  await writeFile(join(azure, 'users.json'), json(s.entra.users.map((u) => ({ id: u.id, userPrincipalName: u.userPrincipalName, displayName: u.displayName ?? null }))));
  await writeFile(
    join(azure, 'service-principals.json'),
    json(s.entra.servicePrincipals.map((p) => ({ id: p.id, appId: p.appId ?? null, displayName: p.displayName ?? null, servicePrincipalType: p.servicePrincipalType ?? 'Application' }))),
  );
  await writeFile(
    join(azure, 'groups-with-members.json'),
    json({ value: s.entra.groups.map((g) => ({ id: g.id, displayName: g.displayName ?? null, securityEnabled: true, members: g.memberIds.map((id) => ({ '@odata.type': typeOf.get(id) ?? '#microsoft.graph.directoryObject', id })) })) }),
  );
  await writeFile(join(azure, 'subnets.json'), json(s.subnets.map(subnetJson)));
  await writeFile(join(azure, 'registries.json'), json(s.registries.map(registryJson)));
  if (options.federatedCredentials === true) {
    const identities = (s.managedIdentities ?? []).map((mi) => ({ ...mi, type: 'Microsoft.ManagedIdentity/userAssignedIdentities', resourceGroup: mi.id.split('/')[4] ?? '' }));
    await writeFile(join(azure, 'identities.json'), json(identities));
    await writeFile(join(azure, 'federated-credentials.json'), json(scenarioFederatedCredentials(s)));
  }
  const clusters: { name: string; dir: string }[] = [];
  for (const c of s.clusters) {
    const name = String(c.arm.name);
    const k8s = join(dir, 'k8s', name);
    await mkdir(k8s, { recursive: true });
    await writeFile(join(k8s, 'rbac.json'), json({ apiVersion: 'v1', kind: 'List', items: [...c.kubernetes.roles.map(roleJson), ...c.kubernetes.bindings.map(bindingJson)] }));
    await writeFile(join(k8s, 'pods.json'), json({ apiVersion: 'v1', kind: 'List', items: c.kubernetes.pods.map(podJson) }));
    // `kubectl get serviceaccounts -A -o json`: workload-identity annotations start the escalation paths' cluster → cloud pivot.
    await writeFile(
      join(k8s, 'serviceaccounts.json'),
      json({ apiVersion: 'v1', kind: 'List', items: c.kubernetes.serviceAccounts.map((sa) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa.name, namespace: sa.namespace, annotations: sa.annotations } })) }),
    );
    clusters.push({ name, dir: k8s });
  }
  return { azure, clusters };
}
