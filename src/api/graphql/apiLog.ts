/** One structured log line of the API; every line names the request it belongs to. */
export interface ApiLogLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly requestId: string;
  readonly [field: string]: unknown;
}

export type ApiLog = (line: ApiLogLine) => void;

/** JSON lines on stdout / stderr: what the Functions host and Application Insights pick up as they are. */
export const consoleApiLog: ApiLog = (line) => {
  const text = JSON.stringify({ time: new Date().toISOString(), ...line }, (_key, value: unknown) => (value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value));
  if (line.level === 'error') console.error(text);
  else console.log(text);
};
