import { isInputPath } from '../inputPath.ts';
import { isCrossPlane, unexpected } from './whoCanCommand.ts';
import { loadAccessModel } from '../crossPlane/loadAccessModel.ts';
import { asHint, crossCanI, resolveIdentity } from '../crossPlane/crossPlaneCommands.ts';
import { can, impersonatedUser, describePath } from '../../engine/k8s/index.ts';
import { flagSet, flagValue, flagValues, parseArgs } from '../parseArgs.ts';
import { parseTarget } from '../../present/parseTarget.ts';
import { loadIndex } from '../loadIndex.ts';
import { UsageError } from '../../present/UsageError.ts';
import { printWarnings, type CliIo } from '../io.ts';
import { pathJson } from '../../present/jsonShapes.ts';
import { API_FLAGS, remoteCanI } from '../remote/remoteCommands.ts';

export const CAN_I_USAGE = `aks-access can-i VERB (TYPE[.GROUP][/NAME] | NONRESOURCEURL) [-n NS] [--subresource SUB] (--as USER [--as-group GROUP]... | --as-group GROUP... | --as-principal OBJECT_ID|UPN) (--from-files [CLUSTER=]PATH... [--azure-files PATH...] | --api URL [--api-scope SCOPE]) [--cluster NAME|ID] [-o json] [-q]`;

/** Exit code 0 for yes and 1 for no, like `kubectl auth can-i`. */
export async function canICommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, [
    { name: 'namespace', aliases: ['n'], arity: 'single' },
    { name: 'subresource', arity: 'single' },
    { name: 'as', arity: 'single' },
    { name: 'as-group', arity: 'repeat' },
    { name: 'from-files', aliases: ['f', 'from-file'], arity: 'many', belongs: isInputPath },
    { name: 'azure-files', arity: 'many', belongs: isInputPath },
    { name: 'cluster', arity: 'repeat' },
    { name: 'as-principal', arity: 'single' },
    { name: 'output', aliases: ['o'], arity: 'single' },
    { name: 'quiet', aliases: ['q'], arity: 'boolean' },
    ...API_FLAGS,
  ]);
  const output = flagValue(args, 'output') ?? 'text';
  if (!['text', 'json'].includes(output)) throw new UsageError(`-o ${output}: must be json (or omitted for yes/no)`);
  if (args.positionals.length > 2) throw new UsageError(unexpected(args.positionals[2] ?? ''));
  const as = flagValue(args, 'as');
  const asGroups = flagValues(args, 'as-group');
  // Offline there is no current user. Groups alone are allowed (a user whose name matches no binding), as
  // the authorizer's own tables ask about identities known only by their groups.
  const asPrincipal = flagValue(args, 'as-principal');
  if (asPrincipal !== undefined && (as !== undefined || asGroups.length > 0)) {
    throw new UsageError('--as-principal (an Entra identity) cannot be combined with --as/--as-group (a Kubernetes identity)');
  }
  if ((as === undefined || as === '') && asGroups.length === 0 && asPrincipal === undefined) {
    throw new UsageError('--as USER (or at least one --as-group GROUP) is required: offline there is no current user to ask about');
  }
  if (flagSet(args, 'api')) return remoteCanI(args, output, flagSet(args, 'quiet'), io);
  const namespace = flagValue(args, 'namespace') ?? '';
  const target = parseTarget(args.positionals[0], args.positionals[1], flagValue(args, 'subresource') ?? '', namespace);
  const fromFiles = flagValues(args, 'from-files');
  if (asPrincipal !== undefined || isCrossPlane(fromFiles, flagValues(args, 'azure-files'), flagValues(args, 'cluster'))) {
    const model = await loadAccessModel(fromFiles, flagValues(args, 'azure-files'), flagValues(args, 'cluster'));
    const identity = resolveIdentity(model, asPrincipal, as, asGroups);
    return crossCanI(model, identity, target.request, output, flagSet(args, 'quiet'), io, [...target.warnings, ...(asPrincipal === undefined ? asHint(model, as) : [])]);
  }
  const loaded = await loadIndex(fromFiles);
  const warnings = [...loaded.warnings, ...target.warnings];
  if (target.request.type === 'nonResource' && namespace !== '') warnings.push('a non-resource URL is not namespaced; -n ignored');
  if (target.request.type === 'resource' && namespace !== '' && target.namespaced === false) {
    warnings.push(`${target.request.resource} is cluster-scoped: a real request has no namespace; answering as a SubjectAccessReview for namespace ${namespace} would`);
  }
  const user = impersonatedUser(as ?? '', asGroups);
  const decision = can(loaded.index, user, target.request);
  const allWarnings = [...new Set([...warnings, ...decision.warnings])];

  if (output === 'json') {
    io.out(
      `${JSON.stringify(
        {
          allowed: decision.allowed,
          reason: decision.reason,
          user: { name: user.name, groups: user.groups },
          ...(decision.allowedBySystemMasters ? { allowedBySystemMasters: true } : {}),
          ...(decision.decidedBy === undefined ? {} : { decidedBy: pathJson(decision.decidedBy) }),
          via: decision.paths.map(pathJson),
          nearMisses: decision.nearMisses.map((m) => ({ ...pathJson(m.path), failed: m.failed, explanation: m.explanation })),
          warnings: allWarnings,
        },
        null,
        2,
      )}\n`,
    );
  } else if (!flagSet(args, 'quiet')) {
    const lines = [decision.allowed ? 'yes' : 'no', `  ${decision.reason}`];
    for (const path of decision.paths.slice(1)) lines.push(`  also: ${describePath(path)}`);
    for (const miss of decision.nearMisses.slice(1)) lines.push(`  near miss: ${miss.explanation}`);
    io.out(`${lines.join('\n')}\n`);
    printWarnings(io, allWarnings);
  }
  return decision.allowed ? 0 : 1;
}
