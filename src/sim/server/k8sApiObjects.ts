import { createHash } from 'node:crypto';
import type { Binding, LabelSelector, PolicyRule, Role, Subject } from '../../model/k8sRbac.ts';
import type { K8sNamespace, K8sPod, K8sServiceAccount } from '../../model/k8sInventory.ts';

/*
 * The scenario's normalised objects written back the way kube-apiserver serialises them: Go struct field
 * order, `omitempty` where the Go type has it (`rules` and `verbs` have none, so an empty list is `null`),
 * server-set metadata (uid, resourceVersion, creationTimestamp, managedFields) and the annotations the
 * apiserver or kubectl add. List items carry no kind/apiVersion (see the reference list captures).
 */

type Json = Record<string, unknown>;

/** Server-set metadata for one object: deterministic, so a scenario always serves the same bytes. */
export interface ServerMeta {
  readonly uid: string;
  readonly resourceVersion: string;
  readonly creationTimestamp: string;
}

export function deterministicUid(key: string): string {
  const hex = createHash('sha256').update(key).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function nonEmpty<T>(values: readonly T[]): readonly T[] | undefined {
  return values.length === 0 ? undefined : values;
}

function nonEmptyMap(map: Readonly<Record<string, string>>): Readonly<Record<string, string>> | undefined {
  return Object.keys(map).length === 0 ? undefined : map;
}

/** ObjectMeta in Go field order; JSON.stringify drops the undefined (omitempty) fields. */
function objectMeta(name: string, namespace: string, meta: ServerMeta, labels: Readonly<Record<string, string>>, annotations: Readonly<Record<string, string>>, managedFields?: readonly Json[]): Json {
  return {
    name,
    namespace: namespace === '' ? undefined : namespace,
    uid: meta.uid,
    resourceVersion: meta.resourceVersion,
    creationTimestamp: meta.creationTimestamp,
    labels: nonEmptyMap(labels),
    annotations: nonEmptyMap(annotations),
    managedFields,
  };
}

function managedBy(manager: string, apiVersion: string, time: string, fields: Json): Json[] {
  return [{ manager, operation: 'Update', apiVersion, time, fieldsType: 'FieldsV1', fieldsV1: fields }];
}

const BOOTSTRAP_LABEL = 'kubernetes.io/bootstrapping';

/** The bootstrap policy is written by the apiserver itself and marked for auto-update; the rest was applied. */
function rbacAnnotations(labels: Readonly<Record<string, string>>): Record<string, string> {
  return labels[BOOTSTRAP_LABEL] === 'rbac-defaults' ? { 'rbac.authorization.kubernetes.io/autoupdate': 'true' } : {};
}

function rbacManager(labels: Readonly<Record<string, string>>): string {
  return labels[BOOTSTRAP_LABEL] === 'rbac-defaults' ? 'kube-apiserver' : 'kubectl-client-side-apply';
}

function policyRule(rule: PolicyRule): Json {
  return {
    verbs: rule.verbs,
    apiGroups: nonEmpty(rule.apiGroups),
    resources: nonEmpty(rule.resources),
    resourceNames: nonEmpty(rule.resourceNames),
    nonResourceURLs: nonEmpty(rule.nonResourceURLs),
  };
}

function labelSelector(selector: LabelSelector): Json {
  return {
    matchLabels: nonEmptyMap(selector.matchLabels),
    matchExpressions: nonEmpty(selector.matchExpressions.map((e) => ({ key: e.key, operator: e.operator, values: nonEmpty(e.values) }))),
  };
}

function subject(s: Subject): Json {
  return { kind: s.kind, apiGroup: s.apiGroup === '' ? undefined : s.apiGroup, name: s.name, namespace: s.namespace === '' ? undefined : s.namespace };
}

const RBAC_V1 = 'rbac.authorization.k8s.io/v1';

/** A Role or ClusterRole; `rules` are the effective rules (aggregated roles come filled in, as from a live API). */
export function roleJson(role: Role, rules: readonly PolicyRule[], meta: ServerMeta): Json {
  const fields: Json = { 'f:metadata': {}, 'f:rules': {} };
  return {
    metadata: objectMeta(role.name, role.namespace, meta, role.labels, rbacAnnotations(role.labels), managedBy(rbacManager(role.labels), RBAC_V1, meta.creationTimestamp, fields)),
    rules: rules.length === 0 ? null : rules.map(policyRule),
    aggregationRule: role.aggregationRule === undefined ? undefined : { clusterRoleSelectors: role.aggregationRule.clusterRoleSelectors.map(labelSelector) },
  };
}

/** The model keeps no labels on bindings (they never decide access), so none are served. */
export function bindingJson(binding: Binding, meta: ServerMeta): Json {
  const fields: Json = { 'f:metadata': {}, 'f:roleRef': {}, 'f:subjects': {} };
  const manager = binding.name.startsWith('system:') ? 'kube-apiserver' : 'kubectl-client-side-apply';
  return {
    metadata: objectMeta(binding.name, binding.namespace, meta, {}, {}, managedBy(manager, RBAC_V1, meta.creationTimestamp, fields)),
    subjects: nonEmpty(binding.subjects.map(subject)),
    roleRef: { apiGroup: binding.roleRef.apiGroup, kind: binding.roleRef.kind, name: binding.roleRef.name },
  };
}

export function namespaceJson(ns: K8sNamespace, meta: ServerMeta): Json {
  return {
    metadata: objectMeta(ns.name, '', meta, ns.labels, {}),
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

/** Service accounts a team created carry kubectl's last-applied annotation next to the ones that matter. */
export function serviceAccountJson(sa: K8sServiceAccount, meta: ServerMeta): Json {
  const applied: Record<string, string> = sa.name === 'default'
    ? {}
    : {
        'kubectl.kubernetes.io/last-applied-configuration': `${JSON.stringify({
          apiVersion: 'v1',
          kind: 'ServiceAccount',
          metadata: { annotations: sa.annotations, name: sa.name, namespace: sa.namespace },
        })}\n`,
      };
  return { metadata: objectMeta(sa.name, sa.namespace, meta, {}, { ...sa.annotations, ...applied }) };
}

/**
 * A running pod. The model keeps only the images (containers and init containers alike), so they are all
 * served as containers; the projected token volume is what a real pod mounts (never a Secret volume).
 */
export function podJson(pod: K8sPod, meta: ServerMeta, nodeName: string): Json {
  const mount = [{ name: 'kube-api-access', readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }];
  return {
    metadata: objectMeta(pod.name, pod.namespace, meta, pod.labels, {}),
    spec: {
      volumes: [
        {
          name: 'kube-api-access',
          projected: {
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
              { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
            ],
            defaultMode: 420,
          },
        },
      ],
      containers: pod.images.map((image, i) => ({
        name: i === 0 ? 'main' : `sidecar-${i}`,
        image,
        resources: {},
        volumeMounts: mount,
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        imagePullPolicy: 'IfNotPresent',
      })),
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: pod.serviceAccountName,
      serviceAccount: pod.serviceAccountName,
      nodeName,
      securityContext: {},
      schedulerName: 'default-scheduler',
    },
    status: { phase: 'Running', qosClass: 'BestEffort', startTime: meta.creationTimestamp },
  };
}
