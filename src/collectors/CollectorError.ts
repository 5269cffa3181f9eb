/**
 * Why a collector could not return a complete answer, classified by who must act:
 * `denied` — the indexer lacks a permission (which one is named); `transient` — throttling, server errors,
 * timeouts (retried already, try again later); `invalid` — the source returned data we cannot use (which
 * object, what is wrong). A collector never returns partial data: it throws one of these.
 */
export type CollectorFailureKind = 'denied' | 'transient' | 'invalid';

export class CollectorError extends Error {
  override readonly name = 'CollectorError';
  readonly kind: CollectorFailureKind;
  /** Which collector and scope (e.g. `azure-rbac sub:1111…`). */
  readonly unit: string;
  /** For `denied`: the permission to grant (Azure action, Graph permission, Kubernetes verb and resource). */
  readonly permission?: string;
  readonly status?: number;

  constructor(kind: CollectorFailureKind, unit: string, message: string, options: { permission?: string; status?: number; cause?: unknown } = {}) {
    super(`${unit}: ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.unit = unit;
    if (options.permission !== undefined) this.permission = options.permission;
    if (options.status !== undefined) this.status = options.status;
  }
}
