import type { K8sServiceAccount } from '../model/k8sInventory.ts';
import { KEPT_SERVICE_ACCOUNT_ANNOTATIONS } from '../collectors/k8s-rbac/transform.ts';
import { isObject, list, obj, requiredStr, str } from './jsonFields.ts';

/*
 * Pure: service accounts from manifests or `kubectl get serviceaccounts -A -o json`, for the escalation paths
 * (a workload-identity annotation starts the cluster → cloud pivot). Only the annotations the collector keeps
 * are kept here too: never token secrets.
 */

export function extractServiceAccounts(documents: readonly { value: unknown; source: string }[]): K8sServiceAccount[] {
  const out: K8sServiceAccount[] = [];
  const visit = (item: unknown, where: string) => {
    if (!isObject(item)) return;
    const kind = str(item, 'kind', where);
    if (kind === 'List' || kind === 'ServiceAccountList') {
      list(item, 'items', where).forEach((x, i) => {
        visit(kind === 'ServiceAccountList' && isObject(x) && x.kind === undefined ? { ...x, kind: 'ServiceAccount' } : x, `${where} items[${String(i)}]`);
      });
      return;
    }
    if (kind !== 'ServiceAccount') return;
    const meta = obj(item, 'metadata') ?? {};
    const name = requiredStr(meta, 'name', `${where}: ServiceAccount metadata`);
    const all = obj(meta, 'annotations') ?? {};
    const annotations: Record<string, string> = {};
    for (const key of KEPT_SERVICE_ACCOUNT_ANNOTATIONS) {
      const value = all[key];
      if (typeof value === 'string') annotations[key] = value;
    }
    // A manifest may leave the namespace to kubectl's context: `default`, as kubectl apply would.
    out.push({ namespace: str(meta, 'namespace', where) || 'default', name, annotations });
  };
  for (const { value, source } of documents) {
    if (Array.isArray(value)) value.forEach((x, i) => { visit(x, `${source} [${String(i)}]`); });
    else visit(value, source);
  }
  return out;
}
