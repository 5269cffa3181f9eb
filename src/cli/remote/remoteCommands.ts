import { flagSet, flagValue, flagValues, type ParsedArgs } from '../parseArgs.ts';
import { UsageError } from '../../present/UsageError.ts';
import { printWarnings, type CliIo } from '../io.ts';
import { printCanI, printWhoCan } from '../crossPlane/crossPlaneCommands.ts';
import { printRules } from '../crossPlane/printRules.ts';
import type { CanIJson, RulesJson, WhoCanJson } from '../../present/answerJson.ts';
import { AnswerShapeError } from '../crossPlane/accessPathFromJson.ts';
import { API_SCOPE_VARIABLE, getApiJson, type ApiClientOptions } from './apiClient.ts';

/*
 * `--api URL`: the same questions asked of a running instance's REST API, printed by the same printers as
 * offline answers (tables from the JSON, `-o json` as the API returns it: one entry per cluster).
 */

/** The flags every command takes for --api. */
export const API_FLAGS = [
  { name: 'api', arity: 'single' },
  { name: 'api-scope', arity: 'single' },
] as const;

interface Freshness {
  readonly stale?: boolean;
  readonly staleReasons?: readonly string[];
}

type PerCluster<T> = T & { readonly cluster: string; readonly names?: Readonly<Record<string, string>>; readonly freshness?: Freshness };

export interface RemoteDeps {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly client?: Pick<ApiClientOptions, 'credential' | 'fetch'>;
}

/** The API client's options from --api/--api-scope (refusing the flags that read local files). */
export function clientOptions(args: ParsedArgs, deps: RemoteDeps): ApiClientOptions {
  for (const local of ['from-files', 'azure-files']) {
    if (flagSet(args, local)) throw new UsageError(`--${local} reads local files; with --api the running instance answers from its own index (drop one of them)`);
  }
  const scope = flagValue(args, 'api-scope') ?? (deps.env ?? process.env)[API_SCOPE_VARIABLE];
  return { baseUrl: flagValue(args, 'api') ?? '', ...(scope === undefined ? {} : { scope }), ...deps.client };
}

function names(answer: { readonly names?: Readonly<Record<string, string>> }): (id: string) => string | undefined {
  return (id) => answer.names?.[id];
}

function staleWarnings(answers: readonly PerCluster<object>[]): string[] {
  return answers.filter((a) => a.freshness?.stale === true).map((a) => `${a.cluster} answers from older data: ${(a.freshness?.staleReasons ?? []).join('; ')}`);
}

function clustersOf<T>(body: unknown): PerCluster<T>[] {
  const clusters = (body as { clusters?: unknown }).clusters;
  if (!Array.isArray(clusters)) throw new AnswerShapeError('the API answer has no "clusters" list');
  return clusters as PerCluster<T>[];
}

function printJson(body: unknown, io: CliIo): void {
  io.out(`${JSON.stringify(body, null, 2)}\n`);
}

export async function remoteWhoCan(args: ParsedArgs, output: string, io: CliIo, deps: RemoteDeps = {}): Promise<number> {
  const options = clientOptions(args, deps);
  const [verb, resource] = args.positionals;
  if (verb === undefined || resource === undefined) throw new UsageError('missing VERB and TYPE[.GROUP][/NAME] or NONRESOURCEURL');
  const query: [string, string][] = [['verb', verb], ['resource', resource]];
  const namespace = flagValue(args, 'namespace');
  if (namespace !== undefined) query.push(['namespace', namespace]);
  if (flagSet(args, 'all-namespaces')) query.push(['allNamespaces', 'true']);
  const subresource = flagValue(args, 'subresource');
  if (subresource !== undefined) query.push(['subresource', subresource]);
  for (const c of flagValues(args, 'cluster')) query.push(['cluster', c]);
  if (flagSet(args, 'expand-groups')) query.push(['expandGroups', 'true']);
  const body = await getApiJson(options, '/who-can', query);
  if (output === 'json') {
    printJson(body, io);
    return 0;
  }
  const answers = clustersOf<WhoCanJson>(body);
  const question = (body as { question?: { text?: string } }).question?.text ?? `${verb} ${resource}`;
  for (const [i, answer] of answers.entries()) {
    if (i > 0) io.out('\n');
    printWhoCan(answer, output, `${question} on cluster ${answer.cluster}`, io, names(answer));
  }
  printWarnings(io, [...((body as { warnings?: string[] }).warnings ?? []), ...staleWarnings(answers)]);
  return 0;
}

export async function remoteCanI(args: ParsedArgs, output: string, quiet: boolean, io: CliIo, deps: RemoteDeps = {}): Promise<number> {
  const options = clientOptions(args, deps);
  const [verb, resource] = args.positionals;
  if (verb === undefined || resource === undefined) throw new UsageError('missing VERB and TYPE[.GROUP][/NAME] or NONRESOURCEURL');
  const query: [string, string][] = [['verb', verb], ['resource', resource]];
  const namespace = flagValue(args, 'namespace');
  if (namespace !== undefined) query.push(['namespace', namespace]);
  const subresource = flagValue(args, 'subresource');
  if (subresource !== undefined) query.push(['subresource', subresource]);
  const clusters = flagValues(args, 'cluster');
  if (clusters.length > 1) throw new UsageError('can-i answers for one cluster: give one --cluster NAME');
  if (clusters[0] !== undefined) query.push(['cluster', clusters[0]]);
  const principal = flagValue(args, 'as-principal');
  const as = flagValue(args, 'as');
  if (principal !== undefined) query.push(['principal', principal]);
  if (as !== undefined) query.push(['user', as]);
  for (const g of flagValues(args, 'as-group')) query.push(['groups', g]);
  const body = await getApiJson(options, '/can-i', query);
  const answer = body as PerCluster<CanIJson>;
  const allowed: unknown = answer.allowed;
  if (typeof allowed !== 'boolean' && allowed !== 'conditional') throw new AnswerShapeError('the API answer has no "allowed"');
  const code = printCanI(answer, output, quiet, io, names(answer));
  if (output !== 'json' && !quiet) printWarnings(io, staleWarnings([answer]));
  return code;
}

export async function remoteRules(args: ParsedArgs, output: string, io: CliIo, deps: RemoteDeps = {}): Promise<number> {
  const options = clientOptions(args, deps);
  const principal = flagValue(args, 'principal');
  const user = flagValue(args, 'user');
  const groups = flagValues(args, 'group');
  const serviceAccount = flagValue(args, 'serviceaccount');
  const query: [string, string][] = [];
  let id: string;
  if (principal !== undefined) {
    if (user !== undefined || groups.length > 0 || serviceAccount !== undefined) throw new UsageError('--principal cannot be combined with --user/--group/--serviceaccount');
    id = principal;
  } else {
    if (serviceAccount !== undefined) {
      const [ns, name, ...rest] = serviceAccount.split(':');
      if (ns === undefined || ns === '' || name === undefined || name === '' || rest.length > 0) throw new UsageError(`--serviceaccount ${serviceAccount}: expected NAMESPACE:NAME, e.g. kube-system:coredns`);
      id = `system:serviceaccount:${ns}:${name}`;
    } else if (user !== undefined) {
      id = user;
    } else {
      throw new UsageError('with --api give --principal OBJECT_ID|UPN, --user U [--group G]... or --serviceaccount NS:NAME');
    }
    query.push(['type', 'kubernetes'], ...groups.map((g) => ['groups', g] as [string, string]));
  }
  const namespace = flagValue(args, 'namespace');
  if (namespace !== undefined) query.push(['namespace', namespace]);
  for (const c of flagValues(args, 'cluster')) query.push(['cluster', c]);
  const body = await getApiJson(options, `/principals/${encodeURIComponent(id)}/access`, query);
  if (output === 'json') {
    printJson(body, io);
    return 0;
  }
  const answers = clustersOf<RulesJson>(body);
  for (const [i, answer] of answers.entries()) {
    if (i > 0) io.out('\n');
    printRules(answer, output, io);
  }
  printWarnings(io, staleWarnings(answers));
  return 0;
}
