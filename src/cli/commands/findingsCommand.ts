import { FINDING_CATEGORIES, isFindingCategory, type FindingCategory } from '../../engine/findings/Finding.ts';
import { offlineFindings } from '../findings/offlineFindings.ts';
import { printFindings } from '../findings/printFindings.ts';
import { isInputPath } from '../inputPath.ts';
import { flagSet, flagValue, flagValues, parseArgs } from '../parseArgs.ts';
import { UsageError } from '../UsageError.ts';
import type { CliIo } from '../io.ts';

export const FINDINGS_USAGE = `aks-access findings [--kind ${FINDING_CATEGORIES.join('|')}]... --azure-files PATH... [--from-files [CLUSTER=]PATH...] [--cluster NAME|ID]... [--include-baseline] [-o table|json]`;

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

  const result = await offlineFindings({ azureFiles, fromFiles, clusters: flagValues(args, 'cluster'), kinds, includeBaseline: flagSet(args, 'include-baseline') });
  printFindings(io, output, result);
  return 0;
}
