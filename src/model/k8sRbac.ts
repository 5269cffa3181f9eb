/**
 * Kubernetes RBAC objects, normalised from manifests or the API. Field names follow rbac.authorization.k8s.io/v1
 * so that a reader can map them back to `kubectl get -o yaml` output without a dictionary.
 */

export interface PolicyRule {
  readonly verbs: readonly string[];
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly resourceNames: readonly string[];
  readonly nonResourceURLs: readonly string[];
}

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values: readonly string[];
}

export interface LabelSelector {
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly matchExpressions: readonly LabelSelectorRequirement[];
}

export interface AggregationRule {
  readonly clusterRoleSelectors: readonly LabelSelector[];
}

export type RoleKind = 'Role' | 'ClusterRole';
export type BindingKind = 'RoleBinding' | 'ClusterRoleBinding';

/** Where an object came from (file and position, or API path), so errors and warnings can point at it. */
export interface SourceRef {
  readonly source: string;
}

export interface Role extends SourceRef {
  readonly kind: RoleKind;
  readonly name: string;
  /** "" for ClusterRoles. */
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly rules: readonly PolicyRule[];
  /** ClusterRoles only. */
  readonly aggregationRule?: AggregationRule;
}

export interface RoleRef {
  readonly apiGroup: string;
  /** Upstream accepts only Role and ClusterRole; anything else is kept so it can be reported as dangling. */
  readonly kind: string;
  readonly name: string;
}

export interface Subject {
  /** User, Group or ServiceAccount; other kinds never match (kept to be reported). */
  readonly kind: string;
  readonly name: string;
  /** ServiceAccount only; "" means "the binding's namespace" (never matches in a ClusterRoleBinding). */
  readonly namespace: string;
  readonly apiGroup: string;
}

export interface Binding extends SourceRef {
  readonly kind: BindingKind;
  readonly name: string;
  /** "" for ClusterRoleBindings. */
  readonly namespace: string;
  readonly roleRef: RoleRef;
  readonly subjects: readonly Subject[];
}

/** One cluster's RBAC objects, as listed from the API or read from manifests. */
export interface RbacObjects {
  readonly roles: readonly Role[];
  readonly bindings: readonly Binding[];
}

export interface ObjectKey {
  readonly kind: string;
  readonly name: string;
  /** Omitted for cluster-scoped objects. */
  readonly namespace?: string;
}
