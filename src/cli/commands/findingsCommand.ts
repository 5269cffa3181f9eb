import { FINDING_CATEGORIES, FINDING_SEVERITIES, KIND_FILTER_VALUES, kindFilterCategory, matchesKindFilter, type FindingCategory } from '../../engine/findings/Finding.ts';
import { applySuppressions } from '../../engine/findings/suppressions.ts';
import { readSuppressionsFile } from '../../config/loadSuppressions.ts';
import { offlineFindings } from '../findings/offlineFindings.ts';
import { remoteFindings } from '../findings/remoteFindings.ts';
import { API_FLAGS } from '../remote/remoteCommands.ts';
import type { FindingSeverity } from '../../engine/findings/clusterIdentityFindings.ts';
import type { Finding } from '../../engine/findings/Finding.ts';
import { printFindings, type FindingsOutput } from '../findings/printFindings.ts';
import { isInputPath } from '../inputPath.ts';
import { flagSet, flagValue, flagValues, parseArgs } from '../parseArgs.ts';
import { UsageError } from '../../present/UsageError.ts';
import type { CliIo } from '../io.ts';

export const FINDINGS_USAGE = `aks-access findings [--kind ${FINDING_CATEGORIES.join('|')}]... [--severity critical|high|medium|low]... (--azure-files PATH... [--from-files [CLUSTER=]PATH...] [--include-baseline] | --api URL [--api-scope SCOPE]) [--cluster NAME|ID]... [--suppressions FILE] [-o table|json]`;

/** `aks-access findings`: cluster-identity permission gaps, risky access and escalation paths, offline from az exports and manifests or from a running instance (--api). */
export async function findingsCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, [
    { name: 'kind', arity: 'repeat' },
    { name: 'from-files', aliases: ['f', 'from-file'], arity: 'many', belongs: isInputPath },
    { name: 'azure-files', arity: 'many', belongs: isInputPath },
    { name: 'cluster', arity: 'repeat' },
    { name: 'include-baseline', arity: 'boolean' },
    { name: 'suppressions', arity: 'single' },
    { name: 'severity', arity: 'repeat' },
    ...API_FLAGS,
    { name: 'output', aliases: ['o'], arity: 'single' },
  ]);
  const output = flagValue(args, 'output') ?? 'table';
  if (output !== 'table' && output !== 'json') throw new UsageError(`-o ${output}: must be table or json`);
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0] ?? ''}"`);
  const kinds = flagValues(args, 'kind').flatMap((v) => v.split(','));
  const categories: FindingCategory[] = [];
  for (const k of kinds) {
    const category = kindFilterCategory(k);
    if (category === undefined) throw new UsageError(`--kind ${k}: must be ${FINDING_CATEGORIES.join(', ')} or a finding kind (${KIND_FILTER_VALUES.slice(FINDING_CATEGORIES.length).join(', ')})`);
    categories.push(category);
  }
  const severities: FindingSeverity[] = [];
  for (const s of flagValues(args, 'severity').flatMap((v) => v.split(','))) {
    const found = FINDING_SEVERITIES.find((x) => x === s.toLowerCase());
    if (found === undefined) throw new UsageError(`--severity ${s}: must be ${FINDING_SEVERITIES.join(', ')}`);
    severities.push(found);
  }
  const azureFiles = flagValues(args, 'azure-files');
  const fromFiles = flagValues(args, 'from-files');
  const remote = flagSet(args, 'api');
  if (!remote && azureFiles.length === 0 && fromFiles.length === 0) throw new UsageError('findings needs --azure-files (az exports) and/or --from-files (manifests), or --api URL');
  if (remote && flagSet(args, 'include-baseline')) throw new UsageError('--include-baseline is offline only: the index stores findings without the built-in baselines');

  const suppressionsFile = flagValue(args, 'suppressions');
  // Read before the (slower) findings, so a bad file fails fast.
  const suppressions = suppressionsFile === undefined ? undefined : await readSuppressionsFile(suppressionsFile);
  const clusters = flagValues(args, 'cluster');
  const fetched: FindingsOutput = remote
    ? await remoteFindings(args, { clusters, kinds, severities })
    : await offlineFindings({ azureFiles, fromFiles, clusters, kinds: categories, includeBaseline: flagSet(args, 'include-baseline') });
  const selected = (f: Finding) => (kinds.length === 0 || kinds.some((k) => matchesKindFilter(f, k))) && (severities.length === 0 || severities.includes(f.severity));
  const result = { ...fetched, findings: fetched.findings.filter(selected) };
  if (suppressions === undefined) {
    printFindings(io, output, result);
    return 0;
  }
  // Local suppressions on top of what the instance already suppressed (with --api).
  const applied = applySuppressions(result.findings, suppressions, Date.now());
  printFindings(io, output, {
    findings: applied.findings,
    suppressed: [...(result.suppressed ?? []), ...applied.suppressed],
    expiredSuppressions: [...(result.expiredSuppressions ?? []), ...applied.expired],
    warnings: [...result.warnings, ...applied.warnings],
  });
  return 0;
}
