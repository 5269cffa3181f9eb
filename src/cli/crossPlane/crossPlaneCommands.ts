import type { AccessRequest } from '../../model/accessRequest.ts';
import { describeRequest } from '../../model/accessRequest.ts';
import { whoCanAcross, type CrossPlaneWhoCan } from '../../engine/access/whoCanAcross.ts';
import { canAcross } from '../../engine/access/canAcross.ts';
import { entraIdentity, kubernetesIdentity, type PrincipalIdentity } from '../../engine/access/principalIdentity.ts';
import { describeAccessPath, type AccessPath, type EscalationPath, type NameOf } from '../../engine/access/accessPath.ts';
import { impersonatedUser } from '../../engine/k8s/index.ts';
import { formatTable, printWarnings, type CliIo } from '../io.ts';
import { UsageError } from '../../present/UsageError.ts';
import type { LoadedAccessModel } from './loadAccessModel.ts';
import { accessPathShort } from '../../present/accessPathJson.ts';
import { AnswerShapeError, accessPathFromJson } from './accessPathFromJson.ts';
import { canIJson, whoCanJson, type CanIJson, type PathJson, type SubjectJson, type WhoCanJson } from '../../present/answerJson.ts';

function label(s: SubjectJson): string {
  const base = s.kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name}` : s.name;
  return s.displayName !== undefined && s.displayName !== s.name ? `${base} (${s.displayName})` : base;
}

function firstPath(via: readonly PathJson[], where: string): AccessPath | EscalationPath {
  const first = via[0];
  if (first === undefined) throw new AnswerShapeError(`${where}: a subject without a path`);
  return accessPathFromJson(first, where);
}

export function renderCrossWhoCan(answer: CrossPlaneWhoCan, output: string, question: string, io: CliIo, extraWarnings: readonly string[], nameOf?: NameOf): void {
  printWhoCan(whoCanJson(answer, extraWarnings), output, question, io, nameOf);
}

/** Prints a who-can answer (computed here or returned by an API) as `-o table|wide|json`. */
export function printWhoCan(answer: WhoCanJson, output: string, question: string, io: CliIo, nameOf?: NameOf): void {
  if (output === 'json') {
    io.out(`${JSON.stringify(answer, null, 2)}\n`);
    return;
  }
  const lines = [`Who can ${question}: ${answer.subjects.length} subject(s)`];
  if (answer.subjects.length > 0) {
    const rows = answer.subjects.flatMap((s) =>
      (output === 'wide' ? s.via : s.via.slice(0, 1)).map((json, i) => [
        i === 0 ? s.kind : '',
        i === 0 ? label(s) : '',
        i === 0 ? (s.principalType ?? '') : '',
        `${accessPathShort(accessPathFromJson(json), nameOf)}${output !== 'wide' && s.via.length > 1 ? ` (+${s.via.length - 1} more)` : ''}${s.conditional === true && i === 0 ? ' [conditional]' : ''}`,
      ]),
    );
    lines.push(formatTable(['KIND', 'SUBJECT', 'ENTRA TYPE', 'VIA'], rows));
  }
  if (answer.eligible.length > 0) {
    lines.push('', 'Eligible (PIM), not active until activated:');
    for (const e of answer.eligible) lines.push(`  ${label(e)}: ${accessPathShort(firstPath(e.via, 'eligible'), nameOf)}`);
  }
  if (answer.escalations.length > 0) {
    lines.push('', 'Escalation paths (control-plane rights that lead to cluster takeover):');
    for (const e of answer.escalations) lines.push(`  ${label(e)}: ${describeAccessPath(firstPath(e.via, 'escalations'), nameOf)}`);
  }
  if (answer.denied.length > 0) {
    lines.push('', 'Stopped by Azure deny assignments:');
    for (const d of answer.denied) lines.push(`  ${label(d)}: ${d.reason}`);
  }
  for (const n of answer.notes) lines.push(`Note: ${n}.`);
  io.out(`${lines.join('\n')}\n`);
  printWarnings(io, answer.warnings);
}

export function crossWhoCan(loaded: LoadedAccessModel, request: AccessRequest, expandGroups: boolean, output: string, io: CliIo, warnings: readonly string[]): number {
  const answer = whoCanAcross(loaded.model, request, loaded.clusters, { expandGroups });
  const where = loaded.clusters.length === 1 ? ` on cluster ${loaded.clusters[0]?.name ?? ''}` : ` on ${loaded.clusters.length} clusters`;
  renderCrossWhoCan(answer, output, `${describeRequest(request)}${where}`, io, [...warnings, ...loaded.warnings], loaded.model.entra.displayName);
  return 0;
}

/** `--as-principal` (an Entra identity) or `--as` (a Kubernetes identity that never reaches Azure). */
export function resolveIdentity(loaded: LoadedAccessModel, asPrincipal: string | undefined, as: string | undefined, asGroups: readonly string[]): PrincipalIdentity {
  if (asPrincipal !== undefined) {
    const principal = loaded.model.entra.resolve(asPrincipal);
    if (principal === undefined) {
      throw new UsageError(`--as-principal ${asPrincipal}: no user, service principal or managed identity with that object id or UPN in --azure-files (add 'az ad user list' / 'az ad sp list --all' output)`);
    }
    if (principal.kind === 'group') throw new UsageError(`--as-principal ${asPrincipal} is a group; groups do not make requests. Ask who-can with --expand-groups instead`);
    return entraIdentity(loaded.model.entra, principal);
  }
  return kubernetesIdentity(impersonatedUser(as ?? '', asGroups));
}

/** `--as` names a Kubernetes identity; when it is also an Entra user, say how to ask about the Entra identity. */
export function asHint(loaded: LoadedAccessModel, as: string | undefined): string[] {
  if (as === undefined || as === '') return [];
  const p = loaded.model.entra.resolve(as);
  if (p === undefined || p.kind === 'group') return [];
  return [`${as} is an Entra identity; --as evaluates it as a plain Kubernetes user (no Azure roles, no Entra groups). Use --as-principal ${as} for what AKS decides for it`];
}

export function crossCanI(loaded: LoadedAccessModel, identity: PrincipalIdentity, request: AccessRequest, output: string, quiet: boolean, io: CliIo, warnings: readonly string[]): number {
  const cluster = loaded.clusters[0];
  if (cluster === undefined || loaded.clusters.length > 1) {
    throw new UsageError(`can-i answers for one cluster: add --cluster NAME (clusters: ${loaded.clusters.map((c) => c.name).join(', ')})`);
  }
  const decision = canAcross(loaded.model, identity, request, cluster);
  return printCanI(canIJson(decision, identity, cluster.name, [...warnings, ...loaded.warnings]), output, quiet, io, loaded.model.entra.displayName);
}

/** Prints a can-i answer (computed here or returned by an API) and returns the exit code: 0 only for a definite yes. */
export function printCanI(answer: CanIJson, output: string, quiet: boolean, io: CliIo, nameOf?: NameOf): number {
  if (output === 'json') {
    io.out(`${JSON.stringify(answer, null, 2)}\n`);
  } else if (!quiet) {
    const lines = [answer.allowed === true ? 'yes' : answer.allowed === 'conditional' ? 'conditional' : 'no', `  ${answer.reason}`];
    for (const p of answer.via.slice(1)) lines.push(`  also: ${describeAccessPath(accessPathFromJson(p), nameOf)}`);
    for (const p of answer.eligible) lines.push(`  eligible (activate in PIM first): ${describeAccessPath(accessPathFromJson(p), nameOf)}`);
    for (const p of answer.escalations) lines.push(`  ${describeAccessPath(accessPathFromJson(p), nameOf)}`);
    for (const n of answer.notes) lines.push(`  note: ${n}`);
    io.out(`${lines.join('\n')}\n`);
    printWarnings(io, answer.warnings);
  }
  // 0 only for a definite yes: a conditional grant is not something a CI gate should count on.
  return answer.allowed === true ? 0 : 1;
}
