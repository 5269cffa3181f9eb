import type { FederatedCredential } from '../engine/findings/escalationPaths.ts';
import { isObject, props, requiredStr, str, type Json } from './jsonFields.ts';

/*
 * Pure: federated identity credentials of user-assigned managed identities, from `az identity federated-credential
 * list` (flattened) or ARM (`properties`), joined to their identity's client id through `az identity list` (a
 * credential's id is its identity's id + `/federatedIdentityCredentials/NAME`). The escalation paths use them to
 * decide whether a service account's workload-identity annotation really gets a token.
 */

const IDENTITY_TYPE = 'microsoft.managedidentity/userassignedidentities';
const CREDENTIAL_TYPE = 'microsoft.managedidentity/userassignedidentities/federatedidentitycredentials';
const CREDENTIAL_SEGMENT = '/federatedidentitycredentials/';

export interface FederatedCredentialsInput {
  readonly credentials: FederatedCredential[];
  readonly warnings: string[];
}

function items(value: unknown, source: string): { item: unknown; where: string }[] {
  if (Array.isArray(value)) return (value as unknown[]).map((item, i) => ({ item, where: `${source} [${String(i)}]` }));
  if (isObject(value) && Array.isArray(value.value)) return (value.value as unknown[]).map((item, i) => ({ item, where: `${source} value[${String(i)}]` }));
  return [{ item: value, where: source }];
}

export function extractFederatedCredentials(documents: readonly { value: unknown; source: string }[]): FederatedCredentialsInput {
  const clientIdOf = new Map<string, string>();
  const raw: { item: Json; where: string }[] = [];
  for (const { value, source } of documents) {
    for (const { item, where } of items(value, source)) {
      if (!isObject(item)) continue;
      const type = str(item, 'type', where).toLowerCase();
      if (type === IDENTITY_TYPE) {
        const clientId = str(props(item), 'clientId', where);
        if (clientId !== '') clientIdOf.set(requiredStr(item, 'id', where).toLowerCase(), clientId);
      } else if (type === CREDENTIAL_TYPE) {
        raw.push({ item, where });
      }
    }
  }
  const credentials: FederatedCredential[] = [];
  const warnings: string[] = [];
  for (const { item, where } of raw) {
    const id = requiredStr(item, 'id', where);
    const at = id.toLowerCase().indexOf(CREDENTIAL_SEGMENT);
    const clientId = at < 0 ? undefined : clientIdOf.get(id.slice(0, at).toLowerCase());
    if (clientId === undefined) {
      warnings.push(`${where}: federated credential ${id} belongs to a managed identity that no 'az identity list' entry describes (its client id is unknown): it is not used`);
      continue;
    }
    const p = props(item);
    const subject = str(p, 'subject', where);
    if (subject === '') {
      // A claimsMatchingExpression instead of a subject: which service accounts it trusts is not decided here.
      warnings.push(`${where}: federated credential ${id} has no subject (a claims-matching expression?): it is not used, so its identity's chains stay claimed by annotation`);
      continue;
    }
    credentials.push({ clientId, id, issuer: requiredStr(p, 'issuer', `${where}: federated credential`), subject });
  }
  return { credentials, warnings };
}
