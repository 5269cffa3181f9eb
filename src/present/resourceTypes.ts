/**
 * The built-in resource types of a current Kubernetes API server, for what kubectl learns from discovery:
 * the API group a bare plural belongs to (`deployments` → `apps`), singular and short names, and whether
 * the resource is namespaced. Offline we have no discovery; custom resources are written TYPE.GROUP.
 */
export interface ResourceType {
  readonly resource: string;
  readonly group: string;
  readonly namespaced: boolean;
  readonly aliases: readonly string[];
}

// [plural, group, namespaced, aliases (singular first, then short names)]
const TABLE: readonly (readonly [string, string, boolean, readonly string[]])[] = [
  ['pods', '', true, ['pod', 'po']],
  ['services', '', true, ['service', 'svc']],
  ['configmaps', '', true, ['configmap', 'cm']],
  ['secrets', '', true, ['secret']],
  ['serviceaccounts', '', true, ['serviceaccount', 'sa']],
  ['namespaces', '', false, ['namespace', 'ns']],
  ['nodes', '', false, ['node', 'no']],
  ['persistentvolumes', '', false, ['persistentvolume', 'pv']],
  ['persistentvolumeclaims', '', true, ['persistentvolumeclaim', 'pvc']],
  ['endpoints', '', true, ['ep']],
  ['events', '', true, ['event', 'ev']],
  ['limitranges', '', true, ['limitrange', 'limits']],
  ['resourcequotas', '', true, ['resourcequota', 'quota']],
  ['replicationcontrollers', '', true, ['replicationcontroller', 'rc']],
  ['podtemplates', '', true, ['podtemplate']],
  ['componentstatuses', '', false, ['componentstatus', 'cs']],
  ['bindings', '', true, ['binding']],
  // Impersonation targets (verb impersonate).
  ['users', '', false, ['user']],
  ['groups', '', false, ['group']],
  ['uids', 'authentication.k8s.io', false, ['uid']],
  ['userextras', 'authentication.k8s.io', false, ['userextra']],
  ['deployments', 'apps', true, ['deployment', 'deploy']],
  ['replicasets', 'apps', true, ['replicaset', 'rs']],
  ['statefulsets', 'apps', true, ['statefulset', 'sts']],
  ['daemonsets', 'apps', true, ['daemonset', 'ds']],
  ['controllerrevisions', 'apps', true, ['controllerrevision']],
  ['jobs', 'batch', true, ['job']],
  ['cronjobs', 'batch', true, ['cronjob', 'cj']],
  ['horizontalpodautoscalers', 'autoscaling', true, ['horizontalpodautoscaler', 'hpa']],
  ['poddisruptionbudgets', 'policy', true, ['poddisruptionbudget', 'pdb']],
  ['ingresses', 'networking.k8s.io', true, ['ingress', 'ing']],
  ['networkpolicies', 'networking.k8s.io', true, ['networkpolicy', 'netpol']],
  ['ingressclasses', 'networking.k8s.io', false, ['ingressclass']],
  ['ipaddresses', 'networking.k8s.io', false, ['ipaddress']],
  ['servicecidrs', 'networking.k8s.io', false, ['servicecidr']],
  ['roles', 'rbac.authorization.k8s.io', true, ['role']],
  ['rolebindings', 'rbac.authorization.k8s.io', true, ['rolebinding']],
  ['clusterroles', 'rbac.authorization.k8s.io', false, ['clusterrole']],
  ['clusterrolebindings', 'rbac.authorization.k8s.io', false, ['clusterrolebinding']],
  ['storageclasses', 'storage.k8s.io', false, ['storageclass', 'sc']],
  ['volumeattachments', 'storage.k8s.io', false, ['volumeattachment']],
  ['csidrivers', 'storage.k8s.io', false, ['csidriver']],
  ['csinodes', 'storage.k8s.io', false, ['csinode']],
  ['csistoragecapacities', 'storage.k8s.io', true, ['csistoragecapacity']],
  ['customresourcedefinitions', 'apiextensions.k8s.io', false, ['customresourcedefinition', 'crd', 'crds']],
  ['mutatingwebhookconfigurations', 'admissionregistration.k8s.io', false, ['mutatingwebhookconfiguration']],
  ['validatingwebhookconfigurations', 'admissionregistration.k8s.io', false, ['validatingwebhookconfiguration']],
  ['validatingadmissionpolicies', 'admissionregistration.k8s.io', false, ['validatingadmissionpolicy']],
  ['validatingadmissionpolicybindings', 'admissionregistration.k8s.io', false, ['validatingadmissionpolicybinding']],
  ['certificatesigningrequests', 'certificates.k8s.io', false, ['certificatesigningrequest', 'csr']],
  ['signers', 'certificates.k8s.io', false, ['signer']],
  ['leases', 'coordination.k8s.io', true, ['lease']],
  ['endpointslices', 'discovery.k8s.io', true, ['endpointslice']],
  ['priorityclasses', 'scheduling.k8s.io', false, ['priorityclass', 'pc']],
  ['runtimeclasses', 'node.k8s.io', false, ['runtimeclass']],
  ['tokenreviews', 'authentication.k8s.io', false, ['tokenreview']],
  ['selfsubjectreviews', 'authentication.k8s.io', false, ['selfsubjectreview']],
  ['subjectaccessreviews', 'authorization.k8s.io', false, ['subjectaccessreview']],
  ['selfsubjectaccessreviews', 'authorization.k8s.io', false, ['selfsubjectaccessreview']],
  ['selfsubjectrulesreviews', 'authorization.k8s.io', false, ['selfsubjectrulesreview']],
  ['localsubjectaccessreviews', 'authorization.k8s.io', true, ['localsubjectaccessreview']],
  ['apiservices', 'apiregistration.k8s.io', false, ['apiservice']],
  ['flowschemas', 'flowcontrol.apiserver.k8s.io', false, ['flowschema']],
  ['prioritylevelconfigurations', 'flowcontrol.apiserver.k8s.io', false, ['prioritylevelconfiguration']],
];

const BY_NAME = new Map<string, ResourceType>();
for (const [resource, group, namespaced, aliases] of TABLE) {
  const type: ResourceType = { resource, group, namespaced, aliases };
  for (const name of [resource, ...aliases]) if (!BY_NAME.has(name)) BY_NAME.set(name, type);
}

/** The built-in type a name (plural, singular or short) stands for, optionally within a given group. */
export function lookupResourceType(name: string, group?: string): ResourceType | undefined {
  // Case-sensitive, like the authorizer: `Pods` is not `pods` to RBAC, so we must not quietly fix it.
  const type = BY_NAME.get(name);
  if (type === undefined) return undefined;
  if (group !== undefined && type.group !== group) return undefined;
  return type;
}
