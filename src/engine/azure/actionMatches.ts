import type { Permission } from '../../model/azureRbac.ts';

const compiled = new Map<string, RegExp>();

/**
 * Azure action patterns compare case-insensitively, and `*` matches any run of characters, inside a
 * segment or across segments (`Microsoft.Authorization/*\/read`, `Microsoft.ContainerService/managedClusters/*`).
 */
export function actionMatches(pattern: string, action: string): boolean {
  if (!pattern.includes('*')) return pattern.toLowerCase() === action.toLowerCase();
  let re = compiled.get(pattern);
  if (re === undefined) {
    const body = pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
      .join('.*');
    re = new RegExp(`^${body}$`, 'i');
    compiled.set(pattern, re);
  }
  return re.test(action);
}

export type ActionKind = 'action' | 'dataAction';

export interface BlockMatch {
  /** The pattern in actions/dataActions that matched. */
  readonly matchedBy: string;
}

/** Whether one permission block grants an action: some allow pattern matches and no not-pattern of the same block does. */
export function permissionGrants(permission: Permission, action: string, kind: ActionKind): BlockMatch | undefined {
  const allow = kind === 'action' ? permission.actions : permission.dataActions;
  const not = kind === 'action' ? permission.notActions : permission.notDataActions;
  const matchedBy = allow.find((p) => actionMatches(p, action));
  if (matchedBy === undefined) return undefined;
  if (not.some((p) => actionMatches(p, action))) return undefined;
  return { matchedBy };
}

/** The not-pattern that removed an action from a block that would otherwise grant it (for explanations). */
export function excludedBy(permission: Permission, action: string, kind: ActionKind): string | undefined {
  const allow = kind === 'action' ? permission.actions : permission.dataActions;
  const not = kind === 'action' ? permission.notActions : permission.notDataActions;
  if (!allow.some((p) => actionMatches(p, action))) return undefined;
  return not.find((p) => actionMatches(p, action));
}
