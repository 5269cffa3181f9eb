import { ParameterError } from './parameters.ts';

/** The renderings of an answer: the full JSON, or a chat message. */
export type Format = 'json' | 'markdown' | 'slack' | 'teams';

export const FORMATS: readonly Format[] = ['json', 'markdown', 'slack', 'teams'];

export const CONTENT_TYPES: Readonly<Record<Format, string>> = {
  json: 'application/json; charset=utf-8',
  markdown: 'text/markdown; charset=utf-8',
  slack: 'application/vnd.slack.blocks+json; charset=utf-8',
  teams: 'application/vnd.microsoft.card.adaptive+json; charset=utf-8',
};

const MEDIA_TYPES: readonly (readonly [string, Format])[] = [
  ['application/json', 'json'],
  ['text/markdown', 'markdown'],
  ['application/vnd.slack.blocks+json', 'slack'],
  ['application/vnd.microsoft.card.adaptive+json', 'teams'],
  ['application/vnd.microsoft.card.adaptive', 'teams'],
];

/** The request's Accept header names no rendering this API has: a 406. */
export class NotAcceptableError extends Error {
  override readonly name = 'NotAcceptableError';
}

/**
 * `format=` wins; else the Accept header's most preferred media type that has a rendering (`*\/*`, `application/*`
 * and no header at all mean JSON). An Accept header that excludes every rendering is a NotAcceptableError.
 */
export function negotiateFormat(format: string | undefined, accept: string | null): Format {
  if (format !== undefined) {
    const chosen = FORMATS.find((f) => f === format);
    if (chosen === undefined) throw new ParameterError('format', `parameter "format"="${format}" must be one of ${FORMATS.join(', ')}`, FORMATS.join(', '));
    return chosen;
  }
  if (accept === null || accept.trim() === '') return 'json';
  const ranges = accept
    .split(',')
    .map((part, order) => {
      const [type = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      return { type, q: q === undefined ? 1 : Number(q.slice(2)), order };
    })
    .filter((r) => r.type !== '' && Number.isFinite(r.q) && r.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
  for (const range of ranges) {
    if (range.type === '*/*' || range.type === 'application/*') return 'json';
    const exact = MEDIA_TYPES.find(([type]) => type === range.type);
    if (exact !== undefined) return exact[1];
    if (range.type === 'text/*') return 'markdown';
  }
  throw new NotAcceptableError(`none of the media types in Accept "${accept}" is served; ask for ${MEDIA_TYPES.map(([t]) => t).join(', ')} (or use format=${FORMATS.join('|')})`);
}
