/** Real @azure/functions trigger inputs for handler tests: an InvocationContext whose log lines are kept, and a timer. */
import { InvocationContext, type LogLevel, type Timer } from '@azure/functions';

export interface RecordingContext {
  readonly context: InvocationContext;
  /** `level message` per log call. */
  readonly logs: string[];
}

export function invocationContext(functionName: string): RecordingContext {
  const logs: string[] = [];
  const context = new InvocationContext({
    functionName,
    invocationId: `test-${functionName}`,
    logHandler: (level: LogLevel, ...args: unknown[]) => logs.push(`${level} ${args.map(String).join(' ')}`),
  });
  return { context, logs };
}

/** The timer object the host passes (its `schedule` / `scheduleStatus` shape). */
export function timerTrigger(isPastDue = false): Timer {
  return {
    isPastDue,
    schedule: { adjustForDST: true },
    scheduleStatus: { last: '2025-06-01T06:00:00.000Z', next: '2025-06-01T12:00:00.000Z', lastUpdated: '2025-06-01T06:00:00.100Z' },
  };
}
