import { expandPaths, parseFile } from '../../manifests/readManifestFiles.ts';
import { clusterKey } from '../../engine/access/accessModel.ts';
import { clusterIdentityFindings, type ClusterIdentityFinding } from '../../engine/findings/clusterIdentityFindings.ts';
import { riskyAccessFindings, type RiskyAccessFinding } from '../../engine/findings/riskyAccess.ts';
import type { K8sPod } from '../../model/k8sInventory.ts';
import { extractInternalLoadBalancerSubnets, extractNetworkAndRegistries, extractPods } from '../../normalize/extractFindingsInputs.ts';
import { isInputPath } from '../inputPath.ts';
import { loadAccessModel } from '../crossPlane/loadAccessModel.ts';
import { flagSet, flagValue, flagValues, parseArgs } from '../parseArgs.ts';
import { UsageError } from '../UsageError.ts';
import { formatTable, printWarnings, type CliIo } from '../io.ts';

export const FINDINGS_USAGE = `aks-access findings [--kind cluster-identity|risky]... --azure-files PATH... [--from-files [CLUSTER=]PATH...] [--cluster NAME|ID]... [--include-baseline] [-o table|json]`;

const KINDS = ['cluster-identity', 'risky'] as const;
type Kind = (typeof KINDS)[number];

type Finding = ClusterIdentityFinding | RiskyAccessFinding;

async function documentsOf(paths: readonly string[]) {
  if (paths.length === 0) return [];
  const documents = [];
  for (const file of await expandPaths(paths)) documents.push(...(await parseFile(file)));
  return documents;
}

function splitClusterPath(arg: string): [string | undefined, string] {
  const eq = arg.indexOf('=');
  if (eq <= 0 || arg.slice(0, eq).includes('/')) return [undefined, arg];
  return [arg.slice(0, eq), arg.slice(eq + 1)];
}

function row(f: Finding): string[] {
  switch (f.kind) {
    case 'missing-cluster-identity-permission':
      return [f.severity, f.clusterName, f.kind, `${f.identity} ${f.principalId}`, `${f.permission} at ${f.scope} (${f.condition})`];
    case 'over-privileged-cluster-identity':
      return [f.severity, f.clusterName, f.kind, `${f.identity} ${f.principalId}`, `${f.role} at ${f.scope}`];
    case 'risky-access':
      return [f.severity, f.clusterName, `${f.kind}/${f.rule}`, `${f.subject.kind} ${f.subject.namespace === undefined ? '' : `${f.subject.namespace}/`}${f.subject.name}`, f.summary];
  }
}

/** `aks-access findings`: cluster-identity permission gaps and risky access, offline from az exports and manifests. */
export async function findingsCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, [
    { name: 'kind', arity: 'repeat' },
    { name: 'from-files', aliases: ['f', 'from-file'], arity: 'many', belongs: isInputPath },
    { name: 'azure-files', arity: 'many', belongs: isInputPath },
    { name: 'cluster', arity: 'repeat' },
    { name: 'include-baseline', arity: 'boolean' },
    { name: 'output', aliases: ['o'], arity: 'single' },
  ]);
  const output = flagValue(args, 'output') ?? 'table';
  if (!['table', 'json'].includes(output)) throw new UsageError(`-o ${output}: must be table or json`);
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0] ?? ''}"`);
  const kinds = flagValues(args, 'kind').flatMap((k) => k.split(','));
  for (const k of kinds) if (!(KINDS as readonly string[]).includes(k)) throw new UsageError(`--kind ${k}: must be ${KINDS.join(' or ')}`);
  const wanted = (k: Kind) => kinds.length === 0 || kinds.includes(k);
  const azureFiles = flagValues(args, 'azure-files');
  const fromFiles = flagValues(args, 'from-files');
  if (azureFiles.length === 0 && fromFiles.length === 0) throw new UsageError('findings needs --azure-files (az exports) and/or --from-files (manifests)');

  const loaded = await loadAccessModel(fromFiles, azureFiles, flagValues(args, 'cluster'));
  const warnings = [...loaded.warnings];
  const findings: Finding[] = [];

  if (wanted('cluster-identity')) {
    const { subnets, registries } = extractNetworkAndRegistries(await documentsOf(azureFiles));
    // Pods per cluster, attached the way loadAccessModel attaches manifests.
    const pods = new Map<string, K8sPod[]>();
    const ilbSubnets = new Map<string, string[]>();
    for (const arg of fromFiles) {
      const [name, path] = splitClusterPath(arg);
      const cluster =
        name !== undefined
          ? loaded.model.clusters.find((c) => c.name.toLowerCase() === name.toLowerCase() || c.id.toLowerCase() === name.toLowerCase())
          : loaded.clusters.length === 1
            ? loaded.clusters[0]
            : undefined;
      if (cluster === undefined) continue;
      const documents = await documentsOf([path]);
      pods.set(clusterKey(cluster.id), [...(pods.get(clusterKey(cluster.id)) ?? []), ...extractPods(documents)]);
      ilbSubnets.set(clusterKey(cluster.id), [...(ilbSubnets.get(clusterKey(cluster.id)) ?? []), ...extractInternalLoadBalancerSubnets(documents)]);
    }
    const result = clusterIdentityFindings({
      model: loaded.model,
      clusters: loaded.clusters,
      subnets,
      registries,
      inventories: new Map([...pods].map(([k, v]) => [k, { pods: v }])),
      internalLoadBalancerSubnets: ilbSubnets,
    });
    findings.push(...result.findings);
    warnings.push(...result.warnings);
  }
  if (wanted('risky')) {
    const result = riskyAccessFindings(loaded.model, { clusters: loaded.clusters, includeBaseline: flagSet(args, 'include-baseline') });
    findings.push(...result.findings);
    warnings.push(...result.warnings);
  }

  if (output === 'json') {
    io.out(`${JSON.stringify({ findings }, null, 2)}\n`);
  } else {
    io.out(findings.length === 0 ? 'No findings.\n' : `${formatTable(['SEVERITY', 'CLUSTER', 'FINDING', 'IDENTITY', 'WHAT'], findings.map(row))}\n`);
  }
  // Pods in the manifests are read here (their images), not by the RBAC loader: its "skipped Pod" notes are noise.
  printWarnings(io, warnings.filter((w) => !/^skipped \d+ object\(s\) that are not RBAC objects \(Pod: \d+\)$/.test(w)));
  return 0;
}
