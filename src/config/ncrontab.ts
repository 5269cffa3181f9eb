/*
 * NCRONTAB as the Functions timer trigger reads it: six fields, `{second} {minute} {hour} {day} {month}
 * {day-of-week}`, each `*`, a value, a range `a-b`, a list `a,b`, a step `* /n` or `a-b/n`; months and days
 * may be named (Jan, Mon). The host's TimeSpan form (`hh:mm:ss`) only works on dedicated plans and is refused.
 */

const FIELDS: readonly { readonly name: string; readonly min: number; readonly max: number; readonly names?: readonly string[] }[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { name: 'day-of-week', min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

/** Why `expression` is not a six-field NCRONTAB schedule, or undefined when it is one. */
export function ncrontabProblem(expression: string): string | undefined {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 6) return `expected 6 fields "{second} {minute} {hour} {day} {month} {day-of-week}" (e.g. "0 0 * * * *" for hourly), got ${parts.length}`;
  for (const [i, part] of parts.entries()) {
    const field = FIELDS[i];
    if (field === undefined) break;
    for (const item of part.split(',')) {
      const problem = itemProblem(item, field);
      if (problem !== undefined) return `${field.name} field "${part}": ${problem}`;
    }
  }
  return undefined;
}

function itemProblem(item: string, field: (typeof FIELDS)[number]): string | undefined {
  const [range = '', step, extra] = item.split('/');
  if (extra !== undefined) return `"${item}" has more than one "/"`;
  if (step !== undefined && !/^[1-9]\d*$/.test(step)) return `step "${step}" must be a positive number`;
  if (range === '*') return undefined;
  const bounds = range.split('-');
  if (bounds.length > 2) return `"${range}" is not a value or a range a-b`;
  const values = bounds.map((b) => value(b, field));
  if (values.some((v) => v === undefined)) return `"${range}" is not in ${field.min}-${field.max}${field.names === undefined ? '' : ` (or ${field.names[0] ?? ''}…${field.names.at(-1) ?? ''})`}`;
  const [from = 0, to = from] = values as number[];
  if (to < from) return `range "${range}" runs backwards`;
  return undefined;
}

function value(text: string, field: (typeof FIELDS)[number]): number | undefined {
  const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + (field.name === 'month' ? 1 : 0);
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= field.min && n <= field.max ? n : undefined;
}
