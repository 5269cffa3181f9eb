import type { PolicyRule } from '../../model/k8sRbac.ts';
import { formatTable, printWarnings, type CliIo } from '../io.ts';
import { shortPath } from '../../present/jsonShapes.ts';
import type { RulesJson } from '../../present/answerJson.ts';

/** `secrets,deployments.apps`: a rule's resources with their groups, as kubectl writes TYPE.GROUP. */
export function resourcesCell(rule: Pick<PolicyRule, 'apiGroups' | 'resources'>): string {
  return rule.apiGroups.flatMap((g) => rule.resources.map((r) => (g === '' ? r : `${r}.${g}`))).join(',');
}

/** Prints what an identity holds on one cluster (computed here or returned by an API) as `-o table|json`. */
export function printRules(answer: RulesJson, output: string, io: CliIo): void {
  if (output === 'json') {
    io.out(`${JSON.stringify(answer, null, 2)}\n`);
    return;
  }
  const namespace = answer.namespace;
  const lines = [`Access of ${answer.principal.kubernetesName} on cluster ${answer.cluster}${namespace === '' ? ' (cluster-wide)' : ` in namespace ${namespace}`}`];
  if (answer.adminGroups.length > 0) lines.push(`Cluster admin through admin group(s): ${answer.adminGroups.map((g) => g.groupId).join(', ')}`);
  lines.push('', `Kubernetes RBAC: ${answer.kubernetes.length} rule(s)`);
  if (answer.kubernetes.length > 0) {
    lines.push(
      formatTable(
        ['RESOURCES', 'NON-RESOURCE URLS', 'RESOURCE NAMES', 'VERBS', 'VIA'],
        answer.kubernetes.map((r) => [resourcesCell(r) || '-', r.nonResourceURLs.join(',') || '-', r.resourceNames.join(',') || '-', r.verbs.join(','), shortPath({ ...r.via, aggregatedFrom: r.via.aggregatedFrom ?? [] })]),
      ),
    );
  }
  lines.push('', `Azure role assignments at this scope: ${answer.azure.length}`);
  if (answer.azure.length > 0) {
    lines.push(
      formatTable(
        ['ROLE', 'SCOPE', 'STATE', 'DATA ACTIONS', 'LEADS INTO THE CLUSTER', 'VIA GROUP'],
        answer.azure.map((a) => [
          a.roleName,
          a.scope,
          `${a.state}${a.condition === undefined ? '' : ' (conditional)'}`,
          a.permissions.flatMap((p) => [...p.dataActions, ...p.notDataActions.map((n) => `-${n}`)]).join(' ') || '-',
          a.clusterActions.map((x) => x.split('/').slice(-2).join('/')).join(', ') || '-',
          a.viaGroup?.chain.join(' → ') ?? '',
        ]),
      ),
    );
  }
  for (const n of answer.notes) lines.push(`Note: ${n}.`);
  io.out(`${lines.join('\n')}\n`);
  printWarnings(io, answer.warnings);
}
