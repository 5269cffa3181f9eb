/**
 * Faults injected on demand, per service and request: throttling, server errors, timeouts, auth failures,
 * expired continue tokens and malformed objects. Each fault fires `times` times (default once) and then
 * the request is served normally, so "429 then success" is one rule.
 */
export type SimService = 'arm' | 'graph' | 'k8s';

export type FaultKind = '429' | '500' | '503' | 'timeout' | '401' | '403' | '410' | 'malformed';

export interface FaultRule {
  readonly service: SimService;
  /** Matched against `METHOD path?query` (e.g. `GET /subscriptions/…/roleAssignments?api-version=…`). */
  readonly match: RegExp;
  readonly kind: FaultKind;
  /** How many matching requests get the fault; Infinity for all. */
  readonly times?: number;
  /** For 429: the Retry-After header in seconds. */
  readonly retryAfterSeconds?: number;
}

export interface ActiveFault extends FaultRule {
  remaining: number;
  hits: number;
}

export class FaultRegistry {
  private readonly rules: ActiveFault[] = [];

  add(rule: FaultRule): ActiveFault {
    const active: ActiveFault = { ...rule, remaining: rule.times ?? 1, hits: 0 };
    this.rules.push(active);
    return active;
  }

  clear(): void {
    this.rules.length = 0;
  }

  /** The fault to apply to this request, if any (consumes one use). */
  take(service: SimService, requestLine: string): ActiveFault | undefined {
    const rule = this.rules.find((r) => r.service === service && r.remaining > 0 && r.match.test(requestLine));
    if (rule === undefined) return undefined;
    rule.remaining--;
    rule.hits++;
    return rule;
  }
}
