import type { Subject } from '../../model/k8sRbac.ts';
import type { UserInfo } from '../../model/accessRequest.ts';
import { serviceAccountUsername } from './identity.ts';

/**
 * The namespace a ServiceAccount subject names: its own, or the binding's when empty
 * (always "" in a ClusterRoleBinding, where such a subject never matches anyone).
 */
export function subjectNamespace(subject: Subject, bindingNamespace: string): string {
  return subject.namespace !== '' ? subject.namespace : bindingNamespace;
}

/** Upstream `appliesToUser`: exact, case-sensitive comparisons; unknown kinds never match. */
export function subjectAppliesTo(subject: Subject, user: UserInfo, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.name === subject.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const ns = subjectNamespace(subject, bindingNamespace);
      if (ns === '') return false;
      return user.name === serviceAccountUsername(ns, subject.name);
    }
    default:
      return false;
  }
}
