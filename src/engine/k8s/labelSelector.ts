import type { LabelSelector } from '../../model/k8sRbac.ts';

/**
 * metav1.LabelSelector semantics: matchLabels and every matchExpression must hold (AND).
 * An empty selector matches everything, as LabelSelectorAsSelector makes it `labels.Everything()`.
 */
export function labelSelectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels)) {
    if (labels[key] !== value) return false;
  }
  for (const expr of selector.matchExpressions) {
    const has = Object.hasOwn(labels, expr.key);
    const value = labels[expr.key];
    switch (expr.operator) {
      case 'In':
        if (!has || value === undefined || !expr.values.includes(value)) return false;
        break;
      case 'NotIn':
        if (has && value !== undefined && expr.values.includes(value)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}
