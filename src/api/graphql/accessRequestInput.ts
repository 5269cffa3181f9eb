import type { AccessRequest } from '../../model/accessRequest.ts';
import { parseTarget } from '../../present/parseTarget.ts';
import { UsageError } from '../../present/UsageError.ts';
import { QueryError } from '../QueryError.ts';

/** The `AccessRequestInput` of the schema, as GraphQL hands it over. */
export interface AccessRequestArgs {
  readonly verb: string;
  readonly resource?: string | null;
  readonly name?: string | null;
  readonly subresource?: string | null;
  readonly namespace?: string | null;
  readonly allNamespaces?: boolean | null;
  readonly nonResourceURL?: string | null;
}

export interface ParsedAccessRequest {
  readonly request: AccessRequest;
  /** whoCan: in any namespace (only for namespaced or unknown resource types). */
  readonly anyNamespace: boolean;
  readonly warnings: readonly string[];
}

/** The verbs the API server and AKS know; other lower-case words are custom verbs (allowed, with a warning). */
const STANDARD_VERBS = new Set(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'impersonate', 'escalate', 'bind', 'approve', 'sign', 'use', 'proxy', '*']);
const VERB = /^(\*|[a-z][a-zA-Z]*)$/;
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const RESOURCE = /^(\*|[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)*)$/;
const SUBRESOURCE = /^[a-z][a-zA-Z]*$/;

const bad = (message: string) => new QueryError('BAD_REQUEST', message);
const given = (value: string | null | undefined): string | undefined => (value === null || value === undefined || value.trim() === '' ? undefined : value.trim());

/**
 * The request of a question, checked as the CLI checks its arguments (parseTarget: built-in resource groups,
 * TYPE.VERSION.GROUP, `*`), with every mistake a BAD_REQUEST that says what is expected.
 */
export function parseAccessRequest(input: AccessRequestArgs, question: 'whoCan' | 'can'): ParsedAccessRequest {
  const warnings: string[] = [];
  const verb = input.verb.trim();
  if (!VERB.test(verb)) {
    const hint = verb.toLowerCase() !== verb && VERB.test(verb.toLowerCase()) ? ` (verbs are lower-case: ${verb.toLowerCase()})` : '';
    throw bad(`verb "${input.verb}" is not a Kubernetes verb${hint}: for example get, list, watch, create, update, patch, delete, deletecollection, impersonate, escalate, bind`);
  }
  if (!STANDARD_VERBS.has(verb)) warnings.push(`"${verb}" is not a standard Kubernetes verb; answered as a custom verb (only rules naming it or * match)`);

  const resource = given(input.resource);
  const url = given(input.nonResourceURL);
  const name = given(input.name);
  const subresource = given(input.subresource);
  const namespace = given(input.namespace);
  const allNamespaces = input.allNamespaces === true;

  if ((resource === undefined) === (url === undefined)) throw bad('give either "resource" (TYPE[.GROUP]) or "nonResourceURL", not both or neither');
  if (namespace !== undefined && (namespace.length > 63 || !NAMESPACE.test(namespace))) throw bad(`namespace "${namespace}" is not a namespace name (lower-case letters, digits and "-", at most 63)`);
  if (namespace !== undefined && allNamespaces) throw bad('"namespace" and "allNamespaces" cannot be used together');
  if (allNamespaces && question === 'can') throw bad('"allNamespaces" is for whoCan; can answers for one namespace (or cluster-wide)');

  if (url !== undefined) {
    if (!url.startsWith('/')) throw bad(`nonResourceURL "${url}" must start with "/" (for example /healthz, /metrics, /logs/*)`);
    if (name !== undefined || subresource !== undefined || namespace !== undefined || allNamespaces) throw bad('a nonResourceURL has no name, subresource or namespace');
    return { request: parseOrBad(verb, url, '', ''), anyNamespace: false, warnings };
  }
  const type = resource ?? '';
  if (type.includes('/')) throw bad(`resource "${type}": give the object's name in "name", not after "/"`);
  if (!RESOURCE.test(type)) throw bad(`resource "${type}" is not TYPE[.GROUP] (for example secrets, deployments.apps, certificates.cert-manager.io, or *)`);
  if (name !== undefined && (name.includes('/') || name.length > 253)) throw bad(`name "${name}" is not an object name`);
  if (subresource !== undefined && !SUBRESOURCE.test(subresource)) throw bad(`subresource "${subresource}" is not a subresource name (for example exec, log, status, scale)`);

  const target = name === undefined ? type : `${type}/${name}`;
  const parsed = parseTargetOrBad(verb, target, subresource ?? '', namespace ?? '');
  warnings.push(...parsed.warnings);
  const request = parsed.request;
  if (request.type === 'resource' && parsed.namespaced === false) {
    if (namespace !== undefined) warnings.push(`${request.resource} is cluster-scoped: a real request has no namespace; answered as a SubjectAccessReview for namespace ${namespace} would be`);
    if (allNamespaces) {
      warnings.push(`${request.resource} is cluster-scoped; allNamespaces answers for the cluster-scoped request`);
      return { request, anyNamespace: false, warnings };
    }
  }
  return { request, anyNamespace: allNamespaces, warnings };
}

function parseTargetOrBad(verb: string, target: string, subresource: string, namespace: string): ReturnType<typeof parseTarget> {
  try {
    return parseTarget(verb, target, subresource, namespace);
  } catch (error) {
    if (error instanceof UsageError) throw bad(error.message);
    throw error;
  }
}

function parseOrBad(verb: string, url: string, subresource: string, namespace: string): AccessRequest {
  return parseTargetOrBad(verb, url, subresource, namespace).request;
}
