import { FINDING_CATEGORIES, isFindingCategory, type FindingCategory } from '../../engine/findings/Finding.ts';
import { applySuppressions } from '../../engine/findings/suppressions.ts';
import { readSuppressionsFile } from '../../config/loadSuppressions.ts';
import { offlineFindings } from '../findings/offlineFindings.ts';
import { printFindings } from '../findings/printFindings.ts';
import { isInputPath } from '../inputPath.ts';
import { flagSet, flagValue, flagValues, parseArgs } from '../parseArgs.ts';
import { UsageError } from '../UsageError.ts';
import type { CliIo } from '../io.ts';

export const FINDINGS_USAGE = `aks-access findings [--kind ${FINDING_CATEGORIES.join('|')}]... --azure-files PATH... [--from-files [CLUSTER=]PATH...] [--cluster NAME|ID]... [--include-baseline] [--suppressions FILE] [-o table|json]`;

/** `aks-access findings`: cluster-identity permission gaps and risky access, offline from az exports and manifests. */
export async function findingsCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, [
    { name: 'kind', arity: 'repeat' },
    { name: 'from-files', aliases: ['f', 'from-file'], arity: 'many', belongs: isInputPath },
    { name: 'azure-files', arity: 'many', belongs: isInputPath },
    { name: 'cluster', arity: 'repeat' },
    { name: 'include-baseline', arity: 'boolean' },
    { name: 'suppressions', arity: 'single' },
    { name: 'output', aliases: ['o'], arity: 'single' },
  ]);
  const output = flagValue(args, 'output') ?? 'table';
  if (output !== 'table' && output !== 'json') throw new UsageError(`-o ${output}: must be table or json`);
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0] ?? ''}"`);
  const kinds: FindingCategory[] = [];
  for (const k of flagValues(args, 'kind').flatMap((v) => v.split(','))) {
    if (!isFindingCategory(k)) throw new UsageError(`--kind ${k}: must be ${FINDING_CATEGORIES.join(' or ')}`);
    kinds.push(k);
  }
  const azureFiles = flagValues(args, 'azure-files');
  const fromFiles = flagValues(args, 'from-files');
  if (azureFiles.length === 0 && fromFiles.length === 0) throw new UsageError('findings needs --azure-files (az exports) and/or --from-files (manifests)');

  const suppressionsFile = flagValue(args, 'suppressions');
  // Read before the (slower) findings, so a bad file fails fast.
  const suppressions = suppressionsFile === undefined ? undefined : await readSuppressionsFile(suppressionsFile);
  const result = await offlineFindings({ azureFiles, fromFiles, clusters: flagValues(args, 'cluster'), kinds, includeBaseline: flagSet(args, 'include-baseline') });
  if (suppressions === undefined) {
    printFindings(io, output, result);
    return 0;
  }
  const applied = applySuppressions(result.findings, suppressions, Date.now());
  printFindings(io, output, { findings: applied.findings, suppressed: applied.suppressed, expiredSuppressions: applied.expired, warnings: [...result.warnings, ...applied.warnings] });
  return 0;
}
