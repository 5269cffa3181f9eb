import { isInputPath } from '../inputPath.ts';
import { loadAccessModel } from '../crossPlane/loadAccessModel.ts';
import { crossWhoCan, renderCrossWhoCan } from '../crossPlane/crossPlaneCommands.ts';
import { whoCanAcrossAnyNamespace } from '../../engine/access/whoCanAcross.ts';
import { whoCan, whoCanInAnyNamespace, type SubjectAccess, type WhoCanAnswer } from '../../engine/k8s/index.ts';
import { describeRequest } from '../../model/accessRequest.ts';
import { flagSet, flagValue, flagValues, parseArgs } from '../parseArgs.ts';
import { parseTarget } from '../../present/parseTarget.ts';
import { loadIndex } from '../loadIndex.ts';
import { UsageError } from '../../present/UsageError.ts';
import { formatTable, printWarnings, type CliIo } from '../io.ts';
import { pathJson, shortKey, shortPath } from '../../present/jsonShapes.ts';
import { API_FLAGS, remoteWhoCan } from '../remote/remoteCommands.ts';

export const WHO_CAN_USAGE = `aks-access who-can VERB (TYPE[.GROUP][/NAME] | NONRESOURCEURL) [-n NS | -A] [--subresource SUB] (--from-files [CLUSTER=]PATH... [--azure-files PATH...] | --api URL [--api-scope SCOPE]) [--cluster NAME|ID]... [--expand-groups] [-o table|wide|json]`;

function subjectLabel(access: SubjectAccess): string {
  const s = access.subject;
  return s.kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name}` : s.name;
}

function render(answer: WhoCanAnswer, output: string, anyNamespace: boolean, question: string): string {
  if (output === 'json') {
    const subjects = answer.subjects.map((a) => ({
      kind: a.subject.kind,
      name: a.subject.name,
      ...(a.subject.namespace === undefined ? {} : { namespace: a.subject.namespace }),
      ...(a.namespaces === undefined ? {} : { namespaces: a.namespaces }),
      via: a.via.map(pathJson),
    }));
    return `${JSON.stringify({ subjects, notes: answer.notes, warnings: answer.warnings }, null, 2)}\n`;
  }
  const lines: string[] = [`Who can ${question}: ${answer.subjects.length} subject(s)`];
  if (answer.subjects.length > 0) {
    if (output === 'wide') {
      const header = ['KIND', 'SUBJECT', ...(anyNamespace ? ['NAMESPACE'] : []), 'BINDING', 'ROLE', 'RULE', 'AGGREGATED FROM'];
      const rows = answer.subjects.flatMap((a) =>
        a.via.map((p) => [
          a.subject.kind,
          subjectLabel(a),
          ...(anyNamespace ? [p.namespace === '' ? '*' : p.namespace] : []),
          shortKey(p.binding),
          shortKey(p.role),
          `#${p.ruleIndex}`,
          p.aggregatedFrom.join(' ← '),
        ]),
      );
      lines.push(formatTable(header, rows));
    } else {
      const header = ['KIND', 'SUBJECT', ...(anyNamespace ? ['NAMESPACES'] : []), 'VIA'];
      const rows = answer.subjects.map((a) => {
        const first = a.via[0];
        const more = a.via.length > 1 ? ` (+${a.via.length - 1} more)` : '';
        return [a.subject.kind, subjectLabel(a), ...(anyNamespace ? [(a.namespaces ?? []).join(',')] : []), first === undefined ? '' : `${shortPath(first)}${more}`];
      });
      lines.push(formatTable(header, rows));
    }
  }
  for (const note of answer.notes) lines.push(`Note: ${note}.`);
  return `${lines.join('\n')}\n`;
}

/** Cross-plane when Azure input is given, or the manifests are tied to named clusters. */
export function isCrossPlane(fromFiles: readonly string[], azureFiles: readonly string[], clusters: readonly string[]): boolean {
  return azureFiles.length > 0 || clusters.length > 0 || fromFiles.some((f) => /^[^/=]+=/.test(f));
}

/** A stray word after the question: most often a second --from-files path that does not exist. */
export function unexpected(word: string): string {
  return /[./\\]/.test(word) ? `unexpected argument "${word}" (if it is an input file, it does not exist)` : `unexpected argument "${word}"`;
}

export async function whoCanCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, [
    { name: 'namespace', aliases: ['n'], arity: 'single' },
    { name: 'all-namespaces', aliases: ['A'], arity: 'boolean' },
    { name: 'subresource', arity: 'single' },
    { name: 'from-files', aliases: ['f', 'from-file'], arity: 'many', belongs: isInputPath },
    { name: 'azure-files', arity: 'many', belongs: isInputPath },
    { name: 'cluster', arity: 'repeat' },
    { name: 'expand-groups', arity: 'boolean' },
    { name: 'output', aliases: ['o'], arity: 'single' },
    ...API_FLAGS,
  ]);
  const output = flagValue(args, 'output') ?? 'table';
  if (!['table', 'wide', 'json'].includes(output)) throw new UsageError(`-o ${output}: must be table, wide or json`);
  if (args.positionals.length > 2) throw new UsageError(unexpected(args.positionals[2] ?? ''));
  const anyNamespace = flagSet(args, 'all-namespaces');
  const namespace = flagValue(args, 'namespace') ?? '';
  if (anyNamespace && namespace !== '') throw new UsageError('-n and -A cannot be used together');
  if (flagSet(args, 'api')) return remoteWhoCan(args, output, io);
  const target = parseTarget(args.positionals[0], args.positionals[1], flagValue(args, 'subresource') ?? '', namespace);
  const fromFiles = flagValues(args, 'from-files');
  if (isCrossPlane(fromFiles, flagValues(args, 'azure-files'), flagValues(args, 'cluster'))) {
    const model = await loadAccessModel(fromFiles, flagValues(args, 'azure-files'), flagValues(args, 'cluster'));
    const expand = flagSet(args, 'expand-groups');
    const request = target.request;
    if (anyNamespace && request.type === 'resource' && target.namespaced !== false) {
      const answer = whoCanAcrossAnyNamespace(model.model, request, model.clusters, { expandGroups: expand });
      const question = `${describeRequest({ ...request, namespace: '' }).replace(' (cluster-wide)', '')} in any namespace`;
      renderCrossWhoCan(answer, output, question, io, [...target.warnings, ...model.warnings], model.model.entra.displayName);
      return 0;
    }
    return crossWhoCan(model, request, expand, output, io, target.warnings);
  }
  if (flagSet(args, 'expand-groups')) throw new UsageError('--expand-groups needs the Entra directory: add --azure-files with groups (az rest .../groups?$expand=members)');
  const loaded = await loadIndex(fromFiles);
  const warnings = [...loaded.warnings, ...target.warnings];

  let answer: WhoCanAnswer;
  let question = describeRequest(target.request);
  const request = target.request;
  if (request.type === 'nonResource') {
    if (namespace !== '' || anyNamespace) warnings.push('a non-resource URL is not namespaced; -n/-A ignored');
    answer = whoCan(loaded.index, request);
  } else if (anyNamespace && target.namespaced === false) {
    warnings.push(`${request.resource} is cluster-scoped; -A answers for the cluster-scoped request`);
    answer = whoCan(loaded.index, request);
  } else if (anyNamespace) {
    question = `${describeRequest({ ...request, namespace: '' }).replace(' (cluster-wide)', '')} in any namespace`;
    answer = whoCanInAnyNamespace(loaded.index, request);
  } else {
    if (namespace !== '' && target.namespaced === false) {
      warnings.push(`${request.resource} is cluster-scoped: a real request has no namespace; answering as a SubjectAccessReview for namespace ${namespace} would`);
    }
    answer = whoCan(loaded.index, request);
  }
  const all = [...warnings, ...answer.warnings];
  if (output === 'json') {
    io.out(render({ ...answer, warnings: [...new Set(all)] }, output, anyNamespace, question));
  } else {
    io.out(render(answer, output, anyNamespace, question));
    printWarnings(io, all);
  }
  return 0;
}
