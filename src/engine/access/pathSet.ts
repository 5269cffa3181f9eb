import type { AccessPath, EscalationPath } from './accessPath.ts';

/*
 * Answers list each path once, and "the same path" has always meant the same JSON. Stringifying every path to
 * check was most of a compile's findings time at M (thousands of paths per question, most of them distinct), so a
 * set keeps paths by a cheap bucket of the fields that tell grants apart and compares JSON only within a bucket.
 * Equal JSON means equal fields means the same bucket, so the set keeps exactly what the JSON set kept.
 */

type AnyPath = AccessPath | EscalationPath;

/** Paths are never changed once built: each one's JSON is computed at most once, however many sets it meets. */
const jsonOf = new WeakMap<AnyPath, string>();

function pathJson(p: AnyPath): string {
  let json = jsonOf.get(p);
  if (json === undefined) {
    json = JSON.stringify(p);
    jsonOf.set(p, json);
  }
  return json;
}

function bucketOf(p: AnyPath): string {
  const via = 'viaGroup' in p ? (p.viaGroup?.groupId ?? '') : '';
  switch (p.kind) {
    case 'rbac':
      return `rbac\0${p.binding.kind}\0${p.binding.namespace ?? ''}\0${p.binding.name}\0${String(p.ruleIndex)}\0${via}`;
    case 'dataAction':
      return `dataAction\0${p.assignmentId}\0${p.dataAction}\0${via}`;
    case 'adminCredential':
    case 'escalation':
      return `${p.kind}\0${p.assignmentId}\0${p.action}\0${via}`;
    case 'adminGroup':
      return `adminGroup\0${p.groupId}\0${via}`;
    default:
      return p.kind;
  }
}

export interface PathSet<P extends AnyPath = AccessPath> {
  /** Adds the path unless an equal one (same JSON) is in already; true when it was added. */
  add(path: P): boolean;
}

/** An empty set of paths, compared by value (JSON), first one kept. */
export function pathSet<P extends AnyPath = AccessPath>(): PathSet<P> {
  // Most subjects of an answer hold one path: the rest is made only when a second one comes.
  let first: P | undefined;
  /** Every path object added: the same object again (answers built from one memo share their paths) needs no bucket. */
  let objects: Set<P> | undefined;
  let buckets: Map<string, P[]> | undefined;
  return {
    add(path) {
      if (first === undefined) {
        first = path;
        return true;
      }
      if (path === first) return false;
      if (objects === undefined || buckets === undefined) {
        objects = new Set([first]);
        buckets = new Map([[bucketOf(first), [first]]]);
      }
      if (objects.has(path)) return false;
      const bucket = bucketOf(path);
      const held = buckets.get(bucket);
      if (held === undefined) {
        buckets.set(bucket, [path]);
      } else {
        const json = pathJson(path);
        if (held.some((q) => pathJson(q) === json)) return false;
        held.push(path);
      }
      objects.add(path);
      return true;
    },
  };
}
