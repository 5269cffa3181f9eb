import type { UserInfo } from '../../model/accessRequest.ts';
import type { EntraPrincipal } from '../../model/entra.ts';
import type { AzureIdentity } from '../azure/azureRbacIndex.ts';
import type { EntraIndex, GroupMembership } from '../entra/entraIndex.ts';
import { AUTHENTICATED } from '../k8s/identity.ts';

/** Who is asking, as each plane sees it. */
export interface PrincipalIdentity {
  /** The Entra object, when the identity is an Entra user, service principal or managed identity. */
  readonly entra?: EntraPrincipal;
  /** The identity Kubernetes authorizes: an Entra user by UPN, a service principal by object id, groups by object id. */
  readonly kubernetes: UserInfo;
  /** The identity Azure evaluates; absent for identities that never reach Azure (service accounts, certificates). */
  readonly azure?: AzureIdentity;
  /** Transitive Entra groups with their chains, keyed by lower-case group id (to explain Group subjects). */
  readonly groupChains: ReadonlyMap<string, GroupMembership>;
}

/**
 * The identity join: an Entra user appears in Kubernetes as its UPN (falling back to its object id), a
 * service principal or managed identity as its object id; its groups are its transitive Entra groups by
 * object id, plus system:authenticated.
 */
export function entraIdentity(entra: EntraIndex, principal: EntraPrincipal): PrincipalIdentity {
  const groups = entra.groupsOf(principal.id);
  const name = principal.kind === 'user' && principal.userPrincipalName !== '' ? principal.userPrincipalName : principal.id;
  const groupChains = new Map(groups.map((g) => [g.groupId.toLowerCase(), g]));
  return {
    entra: principal,
    kubernetes: { name, groups: [...groups.map((g) => g.groupId), AUTHENTICATED] },
    azure: { principalId: principal.id, groups },
    groupChains,
  };
}

/** A non-Entra Kubernetes identity (certificate user, service account): Kubernetes RBAC only. */
export function kubernetesIdentity(user: UserInfo): PrincipalIdentity {
  return { kubernetes: user, groupChains: new Map() };
}
