import { isInputPath } from '../inputPath.ts';
import { isCrossPlane } from './whoCanCommand.ts';
import { loadAccessModel } from '../crossPlane/loadAccessModel.ts';
import { resolveIdentity } from '../crossPlane/crossPlaneCommands.ts';
import { rulesAcross } from '../../engine/access/rulesAcross.ts';
import { kubernetesIdentity } from '../../engine/access/principalIdentity.ts';
import { rulesFor, impersonatedUser, serviceAccountUser } from '../../engine/k8s/index.ts';
import type { UserInfo } from '../../model/accessRequest.ts';
import { flagSet, flagValue, flagValues, parseArgs, type ParsedArgs } from '../parseArgs.ts';
import { loadIndex } from '../loadIndex.ts';
import { UsageError } from '../../present/UsageError.ts';
import { formatTable, printWarnings, type CliIo } from '../io.ts';
import { pathJson, shortPath } from '../../present/jsonShapes.ts';
import { rulesJson } from '../../present/answerJson.ts';
import { printRules, resourcesCell } from '../crossPlane/printRules.ts';
import { API_FLAGS, remoteRules } from '../remote/remoteCommands.ts';

export const RULES_USAGE = `aks-access rules (--user U [--group G]... | --serviceaccount NS:NAME | --group G... | --principal OBJECT_ID|UPN) [-n NS] (--from-files [CLUSTER=]PATH... [--azure-files PATH...] | --api URL [--api-scope SCOPE]) [--cluster NAME|ID] [-o table|json]`;

function identityFrom(user: string | undefined, groups: readonly string[], serviceAccount: string | undefined): { user: UserInfo; label: string } {
  if (serviceAccount !== undefined) {
    if (user !== undefined || groups.length > 0) throw new UsageError('--serviceaccount cannot be combined with --user or --group');
    const [ns, name, ...rest] = serviceAccount.split(':');
    if (ns === undefined || ns === '' || name === undefined || name === '' || rest.length > 0) {
      throw new UsageError(`--serviceaccount ${serviceAccount}: expected NAMESPACE:NAME, e.g. kube-system:coredns`);
    }
    return { user: serviceAccountUser(ns, name), label: `ServiceAccount ${ns}/${name}` };
  }
  if (user !== undefined) return { user: impersonatedUser(user, groups), label: `User ${user}` };
  // Only groups: the grants those groups carry, without the implicit groups a real user would add.
  if (groups.length > 0) return { user: { name: '', groups }, label: `Group ${groups.join(', ')}` };
  throw new UsageError('give --user U [--group G]..., --serviceaccount NS:NAME or --group G');
}

export async function rulesCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, [
    { name: 'user', arity: 'single' },
    { name: 'group', arity: 'repeat' },
    { name: 'serviceaccount', arity: 'single' },
    { name: 'namespace', aliases: ['n'], arity: 'single' },
    { name: 'from-files', aliases: ['f', 'from-file'], arity: 'many', belongs: isInputPath },
    { name: 'azure-files', arity: 'many', belongs: isInputPath },
    { name: 'cluster', arity: 'repeat' },
    { name: 'principal', arity: 'single' },
    { name: 'output', aliases: ['o'], arity: 'single' },
    ...API_FLAGS,
  ]);
  const output = flagValue(args, 'output') ?? 'table';
  if (!['table', 'json'].includes(output)) throw new UsageError(`-o ${output}: must be table or json`);
  if (flagSet(args, 'api')) {
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0] ?? ''}"`);
    return remoteRules(args, output, io);
  }
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0] ?? ''}"`);
  const namespace = flagValue(args, 'namespace') ?? '';
  const principal = flagValue(args, 'principal');
  const fromFiles = flagValues(args, 'from-files');
  if (principal !== undefined || isCrossPlane(fromFiles, flagValues(args, 'azure-files'), flagValues(args, 'cluster'))) {
    return crossPlaneRules(args, principal, namespace, output, io);
  }
  const { user, label } = identityFrom(flagValue(args, 'user'), flagValues(args, 'group'), flagValue(args, 'serviceaccount'));
  const loaded = await loadIndex(fromFiles);
  const result = rulesFor(loaded.index, user, namespace);
  const where = namespace === '' ? 'cluster-wide (ClusterRoleBindings only)' : `in namespace ${namespace}`;

  if (output === 'json') {
    io.out(
      `${JSON.stringify(
        {
          subject: label,
          user: { name: user.name, groups: user.groups },
          namespace,
          allowedBySystemMasters: result.allowedBySystemMasters,
          rules: result.rules.map((r) => ({
            verbs: r.rule.verbs,
            apiGroups: r.rule.apiGroups,
            resources: r.rule.resources,
            resourceNames: r.rule.resourceNames,
            nonResourceURLs: r.rule.nonResourceURLs,
            via: pathJson(r),
          })),
          incomplete: result.incomplete,
          warnings: loaded.warnings,
        },
        null,
        2,
      )}\n`,
    );
    return 0;
  }
  const lines = [`Rules of ${label} ${where}: ${result.rules.length} rule(s)`];
  if (result.allowedBySystemMasters) lines.push('Note: member of system:masters: every request is allowed, whatever the rules below say.');
  if (result.rules.length > 0) {
    const rows = result.rules.map((r) => [
      resourcesCell(r.rule) || '-',
      r.rule.nonResourceURLs.join(',') || '-',
      r.rule.resourceNames.join(',') || '-',
      r.rule.verbs.join(','),
      `${shortPath(r)}${r.namespace === '' ? '' : ` (in ${r.namespace})`}`,
    ]);
    lines.push(formatTable(['RESOURCES', 'NON-RESOURCE URLS', 'RESOURCE NAMES', 'VERBS', 'VIA'], rows));
  }
  io.out(`${lines.join('\n')}\n`);
  printWarnings(io, [...loaded.warnings, ...result.incomplete.map((m) => `incomplete: ${m}`)]);
  return 0;
}

/** `rules --principal`: what an Entra identity holds on a cluster, per plane. */
async function crossPlaneRules(args: ParsedArgs, principal: string | undefined, namespace: string, output: string, io: CliIo): Promise<number> {
  const loaded = await loadAccessModel(flagValues(args, 'from-files'), flagValues(args, 'azure-files'), flagValues(args, 'cluster'));
  const cluster = loaded.clusters[0];
  if (cluster === undefined || loaded.clusters.length > 1) {
    throw new UsageError(`rules answers for one cluster: add --cluster NAME (clusters: ${loaded.clusters.map((c) => c.name).join(', ')})`);
  }
  let identity;
  if (principal !== undefined) {
    identity = resolveIdentity(loaded, principal, undefined, []);
  } else {
    identity = kubernetesIdentity(identityFrom(flagValue(args, 'user'), flagValues(args, 'group'), flagValue(args, 'serviceaccount')).user);
  }
  const result = rulesAcross(loaded.model, identity, cluster, namespace);
  printRules(rulesJson(result, identity, namespace, loaded.warnings), output, io);
  return 0;
}
