import type { FaultKind, FaultRule, SimService } from '../server/faults.ts';
import type { Cursor, ScenarioDocument } from './scenarioDocument.ts';

const SERVICES: readonly SimService[] = ['arm', 'graph', 'k8s'];
const KINDS: readonly FaultKind[] = ['429', '500', '503', 'timeout', '401', '403', '410', 'malformed'];

/**
 * `faults:` — failures the simulated tenant injects from the start, so a scenario file alone can show how the
 * indexer behaves when a subscription is denied or a cluster throttles:
 * `- {service: arm, match: '/subscriptions/.*\/roleAssignments', kind: '403', times: all}`.
 */
export function parseFaults(doc: ScenarioDocument, at: Cursor): FaultRule[] {
  return doc.items(at).map((item) => {
    doc.mapping(item, ['service', 'match', 'kind', 'times', 'retryAfterSeconds'], 'a fault {service, match, kind, times, retryAfterSeconds}');
    const serviceAt = doc.field(item, 'service');
    const service = doc.string(serviceAt);
    if (!(SERVICES as readonly string[]).includes(service)) doc.fail(serviceAt, `unknown service '${service}'; expected one of ${SERVICES.join(', ')}`);
    const kindAt = doc.field(item, 'kind');
    // `kind: 403` unquoted is a number in YAML; both spellings mean the same fault.
    const kind = typeof kindAt.value === 'number' ? String(kindAt.value) : typeof kindAt.value === 'string' ? kindAt.value : '';
    if (!(KINDS as readonly string[]).includes(kind)) doc.fail(kindAt, `unknown fault kind '${kind}'; expected one of ${KINDS.join(', ')}`);
    const matchAt = doc.field(item, 'match');
    const source = doc.string(matchAt);
    let match: RegExp;
    try {
      match = new RegExp(source, 'i');
    } catch (error) {
      doc.fail(matchAt, `not a regular expression: ${error instanceof Error ? error.message : String(error)}`);
    }
    const timesAt = doc.field(item, 'times');
    const times = timesAt.value === 'all' ? Infinity : doc.integer(timesAt, 1, 1);
    const retryAfterSeconds = doc.integer(doc.field(item, 'retryAfterSeconds'), 1, 0);
    return { service: service as SimService, match, kind: kind as FaultKind, times, retryAfterSeconds };
  });
}
