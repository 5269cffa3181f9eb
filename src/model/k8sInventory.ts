/** The non-RBAC Kubernetes objects the indexer reads: where identities live and what runs (never Secrets). */

export interface K8sNamespace {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface K8sServiceAccount {
  readonly namespace: string;
  readonly name: string;
  /** Only the annotations that matter for access (e.g. `azure.workload.identity/client-id`); never token secrets. */
  readonly annotations: Readonly<Record<string, string>>;
}

export interface K8sPod {
  readonly namespace: string;
  readonly name: string;
  readonly serviceAccountName: string;
  /** Container and init-container images, to find the registries a kubelet pulls from. */
  readonly images: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}

export interface K8sInventory {
  readonly namespaces: readonly K8sNamespace[];
  readonly serviceAccounts: readonly K8sServiceAccount[];
  readonly pods: readonly K8sPod[];
}
