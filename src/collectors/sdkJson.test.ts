import { describe, expect, it } from 'vitest';
import { isoInstant, itemLabel, sdkJson } from './sdkJson.ts';

describe('sdkJson', () => {
  it.each([
    ['2026-09-01T00:00:00Z', '2026-09-01T00:00:00Z'],
    ['2020-09-10T00:32:36.86Z', '2020-09-10T00:32:36.86Z'],
    ['2021-09-10T00:31:41.477Z', '2021-09-10T00:31:41.477Z'],
    ['2020-01-01T00:00:10.500Z', '2020-01-01T00:00:10.5Z'],
    // ARM's 7-digit fractions: Dates keep milliseconds only.
    ['2022-01-15T21:08:45.4904312Z', '2022-01-15T21:08:45.49Z'],
  ])('an instant read as %s is written %s', (input, output) => {
    expect(isoInstant(new Date(input))).toBe(output);
  });

  it('Dates become strings at any depth; undefined fields disappear; nothing else changes', () => {
    expect(sdkJson({ a: new Date('2024-01-01T00:00:00Z'), b: undefined, c: [{ d: new Date('2024-01-01T00:00:01.2Z'), e: null }], f: { g: 1 } })).toEqual({
      a: '2024-01-01T00:00:00Z',
      c: [{ d: '2024-01-01T00:00:01.2Z', e: null }],
      f: { g: 1 },
    });
  });

  it('items name themselves by id, else name, else position', () => {
    expect(itemLabel('role assignment', { id: '/x', name: 'n' }, 3)).toBe('role assignment /x');
    expect(itemLabel('managed cluster', { name: 'aks-1' }, 3)).toBe('managed cluster aks-1');
    expect(itemLabel('subnet', {}, 3)).toBe('subnet #3 (no id)');
  });
});
