import { describeRequest, type AccessRequest, type UserInfo } from '../../model/accessRequest.ts';
import type { GrantPath } from './grantPath.ts';
import { describePath } from './grantPath.ts';
import { grantsAllowing, type CompiledRbacIndex } from './compiledRbacIndex.ts';
import { subjectAppliesTo } from './subjectAppliesTo.ts';
import { MASTERS } from './identity.ts';
import { findNearMisses, type NearMiss } from './nearMisses.ts';
import type { Subject } from '../../model/k8sRbac.ts';

export interface Decision {
  readonly allowed: boolean;
  /** One sentence a human can act on; always derived from `decidedBy`, never computed separately. */
  readonly reason: string;
  /** The grant that decided (first in upstream order); absent when denied or allowed by system:masters. */
  readonly decidedBy?: GrantPath & { readonly subject: Subject };
  /** Every grant that allows the request for this user. */
  readonly paths: readonly (GrantPath & { readonly subject: Subject })[];
  readonly allowedBySystemMasters: boolean;
  /** When denied: grants of this user that fail on exactly one attribute (closest first). */
  readonly nearMisses: readonly NearMiss[];
  /** Resolution errors of bindings that apply to the user and were consulted (they grant nothing). */
  readonly warnings: readonly string[];
}

function describeUser(user: UserInfo): string {
  return user.groups.length === 0 ? `"${user.name}"` : `"${user.name}" (groups: ${user.groups.join(', ')})`;
}

/**
 * The offline SubjectAccessReview: allowed iff the user is in system:masters or some rule of a binding
 * consulted for the request's namespace names the user and allows the request. RBAC never denies; "not
 * allowed" means no opinion, which the API server turns into a 403 unless another authorizer allows.
 */
export function can(index: CompiledRbacIndex, user: UserInfo, request: AccessRequest): Decision {
  const namespace = request.type === 'resource' ? request.namespace : '';
  const warnings = index.policy.bindings
    .filter((b) => b.error !== undefined && (b.binding.namespace === '' || b.binding.namespace === namespace))
    .filter((b) => b.binding.subjects.some((s) => subjectAppliesTo(s, user, b.binding.namespace)))
    .map((b) => `${b.bindingKey.kind} ${b.bindingKey.namespace === undefined ? '' : `${b.bindingKey.namespace}/`}${b.bindingKey.name} applies to this user but grants nothing: ${b.error ?? ''}`);

  const paths: (GrantPath & { subject: Subject })[] = [];
  for (const grant of grantsAllowing(index, request)) {
    const subject = grant.binding.binding.subjects.find((s) => subjectAppliesTo(s, user, grant.binding.binding.namespace));
    if (subject !== undefined) paths.push({ ...grant.path, subject });
  }
  const masters = user.groups.includes(MASTERS);
  const decidedBy = paths[0];
  if (masters) {
    return {
      allowed: true,
      reason: `allowed: ${describeUser(user)} is a member of ${MASTERS}, which the API server allows before RBAC is consulted`,
      paths,
      allowedBySystemMasters: true,
      nearMisses: [],
      warnings,
    };
  }
  if (decidedBy !== undefined) {
    return {
      allowed: true,
      reason: `allowed: ${describePath(decidedBy)} names ${decidedBy.subject.kind} "${decidedBy.subject.name}"`,
      decidedBy,
      paths,
      allowedBySystemMasters: false,
      nearMisses: [],
      warnings,
    };
  }
  const nearMisses = findNearMisses(index, user, request);
  const closest = nearMisses[0];
  const hint = closest === undefined ? '' : `; closest: ${closest.explanation}`;
  return {
    allowed: false,
    reason: `denied: no RBAC rule allows ${describeUser(user)} to ${describeRequest(request)}${hint}`,
    paths,
    allowedBySystemMasters: false,
    nearMisses,
    warnings,
  };
}
