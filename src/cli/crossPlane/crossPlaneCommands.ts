import type { AccessRequest } from '../../model/accessRequest.ts';
import { describeRequest } from '../../model/accessRequest.ts';
import { principalType, whoCanAcross, type CrossPlaneSubject, type CrossPlaneWhoCan } from '../../engine/access/whoCanAcross.ts';
import { canAcross } from '../../engine/access/canAcross.ts';
import { entraIdentity, kubernetesIdentity, type PrincipalIdentity } from '../../engine/access/principalIdentity.ts';
import { describeAccessPath, type NameOf } from '../../engine/access/accessPath.ts';
import { impersonatedUser } from '../../engine/k8s/index.ts';
import { formatTable, printWarnings, type CliIo } from '../io.ts';
import { UsageError } from '../UsageError.ts';
import type { LoadedAccessModel } from './loadAccessModel.ts';
import { accessPathJson, accessPathShort } from './accessPathJson.ts';

function subjectJson(s: Omit<CrossPlaneSubject, 'via' | 'conditional'>): Record<string, unknown> {
  return {
    kind: s.kind,
    name: s.name,
    ...(s.namespace === undefined ? {} : { namespace: s.namespace }),
    ...(s.objectId === undefined ? {} : { objectId: s.objectId }),
    ...(s.principalType === undefined ? {} : { principalType: s.principalType }),
    ...(s.displayName === undefined ? {} : { displayName: s.displayName }),
  };
}

function label(s: Omit<CrossPlaneSubject, 'via' | 'conditional'>): string {
  const base = s.kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name}` : s.name;
  return s.displayName !== undefined && s.displayName !== s.name ? `${base} (${s.displayName})` : base;
}

export function renderCrossWhoCan(answer: CrossPlaneWhoCan, output: string, question: string, io: CliIo, extraWarnings: readonly string[], nameOf?: NameOf): void {
  const warnings = [...new Set([...extraWarnings, ...answer.warnings])];
  if (output === 'json') {
    io.out(
      `${JSON.stringify(
        {
          // namespaces: -A answers say where each subject holds (it used to be computed and dropped here).
          subjects: answer.subjects.map((s) => ({
            ...subjectJson(s),
            ...(s.namespaces === undefined ? {} : { namespaces: s.namespaces }),
            ...(s.conditional ? { conditional: true } : {}),
            via: s.via.map(accessPathJson),
          })),
          eligible: answer.eligible.map((e) => ({ ...subjectJson(e.subject), via: [accessPathJson(e.path)] })),
          escalations: answer.escalations.map((e) => ({ ...subjectJson(e.subject), via: [accessPathJson(e.path)] })),
          denied: answer.denied.map((d) => ({ ...subjectJson(d.subject), reason: d.reason })),
          notes: answer.notes,
          warnings,
        },
        null,
        2,
      )}\n`,
    );
    return;
  }
  const lines = [`Who can ${question}: ${answer.subjects.length} subject(s)`];
  if (answer.subjects.length > 0) {
    const rows = answer.subjects.flatMap((s) =>
      (output === 'wide' ? s.via : s.via.slice(0, 1)).map((p, i) => [
        i === 0 ? s.kind : '',
        i === 0 ? label(s) : '',
        i === 0 ? (s.principalType ?? '') : '',
        `${accessPathShort(p, nameOf)}${output !== 'wide' && s.via.length > 1 ? ` (+${s.via.length - 1} more)` : ''}${s.conditional && i === 0 ? ' [conditional]' : ''}`,
      ]),
    );
    lines.push(formatTable(['KIND', 'SUBJECT', 'ENTRA TYPE', 'VIA'], rows));
  }
  if (answer.eligible.length > 0) {
    lines.push('', 'Eligible (PIM), not active until activated:');
    for (const e of answer.eligible) lines.push(`  ${label(e.subject)}: ${accessPathShort(e.path, nameOf)}`);
  }
  if (answer.escalations.length > 0) {
    lines.push('', 'Escalation paths (control-plane rights that lead to cluster takeover):');
    for (const e of answer.escalations) lines.push(`  ${label(e.subject)}: ${describeAccessPath(e.path, nameOf)}`);
  }
  if (answer.denied.length > 0) {
    lines.push('', 'Stopped by Azure deny assignments:');
    for (const d of answer.denied) lines.push(`  ${label(d.subject)}: ${d.reason}`);
  }
  for (const n of answer.notes) lines.push(`Note: ${n}.`);
  io.out(`${lines.join('\n')}\n`);
  printWarnings(io, warnings);
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
  const allWarnings = [...new Set([...warnings, ...loaded.warnings, ...decision.warnings])];
  const entra = identity.entra;
  if (output === 'json') {
    io.out(
      `${JSON.stringify(
        {
          allowed: decision.allowed,
          reason: decision.reason,
          cluster: cluster.name,
          principal: {
            kubernetesName: identity.kubernetes.name,
            groups: identity.kubernetes.groups,
            // Same vocabulary as who-can (it used to print Graph's servicePrincipalType, e.g. "Application").
            ...(entra === undefined ? {} : { objectId: entra.id, principalType: principalType(entra) }),
            ...(entra?.displayName === undefined ? {} : { displayName: entra.displayName }),
          },
          via: decision.paths.map(accessPathJson),
          eligible: decision.eligible.map(accessPathJson),
          escalations: decision.escalations.map(accessPathJson),
          azureDenials: decision.azureDenials,
          notes: decision.notes,
          warnings: allWarnings,
        },
        null,
        2,
      )}\n`,
    );
  } else if (!quiet) {
    const lines = [decision.allowed === true ? 'yes' : decision.allowed === 'conditional' ? 'conditional' : 'no', `  ${decision.reason}`];
    for (const p of decision.paths.slice(1)) lines.push(`  also: ${describeAccessPath(p, loaded.model.entra.displayName)}`);
    for (const p of decision.eligible) lines.push(`  eligible (activate in PIM first): ${describeAccessPath(p, loaded.model.entra.displayName)}`);
    for (const p of decision.escalations) lines.push(`  ${describeAccessPath(p, loaded.model.entra.displayName)}`);
    for (const n of decision.notes) lines.push(`  note: ${n}`);
    io.out(`${lines.join('\n')}\n`);
    printWarnings(io, allWarnings);
  }
  // 0 only for a definite yes: a conditional grant is not something a CI gate should count on.
  return decision.allowed === true ? 0 : 1;
}
