import type { AccessChangesRecorded } from './recordAccessChanges.ts';

/** One log line for what a compile did about changes over time; `warn` when the history or the webhook failed. */
export function accessChangesLogLine(changes: AccessChangesRecorded): { readonly level: 'info' | 'warn'; readonly text: string } {
  const parts = [`access history ${changes.history}`];
  if (changes.changed !== undefined) parts.push(`${changes.changed} principal(s) changed since ${changes.previousGeneration ?? '?'}, ${changes.riskyGained ?? 0} risky capability(ies) gained`);
  const n = changes.notification;
  if (n !== undefined) parts.push(n.state === 'skipped' ? `webhook skipped (${n.reason})` : `webhook ${n.state} after ${n.attempts} attempt(s)`);
  const errors = [changes.error, n?.state === 'failed' ? n.error : undefined].filter((e): e is string => e !== undefined);
  return { level: errors.length > 0 ? 'warn' : 'info', text: [parts.join(', '), ...errors].join(': ') };
}
