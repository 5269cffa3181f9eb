import type { AccessRequest, ResourceRequest } from '../../model/accessRequest.ts';
import type { ObjectKey, Subject } from '../../model/k8sRbac.ts';
import type { GrantPath } from './grantPath.ts';
import { grantsAllowing, grantsAllowingInAnyNamespace, type CompiledRbacIndex, type IndexedGrant } from './compiledRbacIndex.ts';
import { subjectNamespace } from './subjectAppliesTo.ts';
import { MASTERS } from './identity.ts';

/** A subject as the answer names it; a ServiceAccount always carries its resolved namespace. */
export interface AnswerSubject {
  readonly kind: 'User' | 'Group' | 'ServiceAccount';
  readonly name: string;
  readonly namespace?: string;
}

export interface SubjectAccess {
  readonly subject: AnswerSubject;
  /** Every path that allows the request, in upstream evaluation order. */
  readonly via: readonly GrantPath[];
  /** Namespaces where the subject holds; `["*"]` when a ClusterRoleBinding grants it everywhere. Only for any-namespace questions. */
  readonly namespaces?: readonly string[];
}

export interface WhoCanAnswer {
  readonly subjects: readonly SubjectAccess[];
  /** Facts every reader must know (system:masters). */
  readonly notes: readonly string[];
  readonly warnings: readonly string[];
}

export const MASTERS_NOTE = `members of group ${MASTERS} can do everything: the API server allows them before RBAC is consulted`;

const KIND_ORDER: Record<AnswerSubject['kind'], number> = { User: 0, Group: 1, ServiceAccount: 2 };

/** The subject a binding names, normalised; undefined for subjects that can never match. */
export function answerSubject(subject: Subject, bindingNamespace: string): AnswerSubject | undefined {
  if (subject.kind === 'User' || subject.kind === 'Group') return { kind: subject.kind, name: subject.name };
  if (subject.kind !== 'ServiceAccount') return undefined;
  const namespace = subjectNamespace(subject, bindingNamespace);
  return namespace === '' ? undefined : { kind: 'ServiceAccount', name: subject.name, namespace };
}

export function subjectId(s: AnswerSubject): string {
  return `${s.kind}\u0000${s.namespace ?? ''}\u0000${s.name}`;
}

function collect(grants: readonly IndexedGrant[], anyNamespace: boolean): SubjectAccess[] {
  const bySubject = new Map<string, { subject: AnswerSubject; via: GrantPath[]; namespaces: Set<string> }>();
  for (const grant of grants) {
    const bindingNamespace = grant.binding.binding.namespace;
    for (const subject of grant.binding.binding.subjects) {
      const answer = answerSubject(subject, bindingNamespace);
      if (answer === undefined) continue;
      const id = subjectId(answer);
      const entry = bySubject.get(id) ?? { subject: answer, via: [], namespaces: new Set<string>() };
      bySubject.set(id, entry);
      // A binding may list the same subject twice; one path per rule is enough.
      if (!entry.via.some((p) => p === grant.path)) entry.via.push(grant.path);
      entry.namespaces.add(bindingNamespace === '' ? '*' : bindingNamespace);
    }
  }
  return [...bySubject.values()]
    .map(({ subject, via, namespaces }) => {
      if (!anyNamespace) return { subject, via };
      const list = namespaces.has('*') ? ['*'] : [...namespaces].sort();
      return { subject, via, namespaces: list };
    })
    .sort(
      (a, b) =>
        KIND_ORDER[a.subject.kind] - KIND_ORDER[b.subject.kind] ||
        (a.subject.namespace ?? '').localeCompare(b.subject.namespace ?? '') ||
        a.subject.name.localeCompare(b.subject.name),
    );
}

/** Resolution problems of the bindings that would have been consulted: they may hide access. */
function consultedWarnings(index: CompiledRbacIndex, namespaces: 'all' | readonly string[]): string[] {
  return index.policy.bindings
    .filter((b) => b.error !== undefined && (b.binding.namespace === '' || namespaces === 'all' || namespaces.includes(b.binding.namespace)))
    .map((b) => `${describe(b.bindingKey)} grants nothing: ${b.error ?? ''}`);
}

function describe(key: ObjectKey): string {
  return key.namespace === undefined ? `${key.kind} ${key.name}` : `${key.kind} ${key.namespace}/${key.name}`;
}

/** Every subject allowed to make the request, with every path that allows it (upstream `AllowedSubjects`, explained). */
export function whoCan(index: CompiledRbacIndex, request: AccessRequest): WhoCanAnswer {
  const ns = request.type === 'resource' ? request.namespace : '';
  return {
    subjects: collect(grantsAllowing(index, request), false),
    notes: [MASTERS_NOTE],
    warnings: consultedWarnings(index, ns === '' ? [] : [ns]),
  };
}

/** `-A`: who can make the request in some namespace, and in which (the request's own namespace is ignored). */
export function whoCanInAnyNamespace(index: CompiledRbacIndex, request: ResourceRequest): WhoCanAnswer {
  return {
    subjects: collect(grantsAllowingInAnyNamespace(index, request), true),
    notes: [MASTERS_NOTE],
    warnings: consultedWarnings(index, 'all'),
  };
}
