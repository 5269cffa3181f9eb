import { describe, expect, it } from 'vitest';
import { flagSet, flagValue, flagValues, parseArgs, type FlagSpec } from './parseArgs.ts';
import { UsageError } from '../present/UsageError.ts';

/** Paths that "exist" for the `belongs` predicate, so the tests do not depend on the file system. */
const EXISTING = new Set(['rbac/', 'extra.yaml', 'more.json']);

const SPECS: readonly FlagSpec[] = [
  { name: 'namespace', aliases: ['n'], arity: 'single' },
  { name: 'all-namespaces', aliases: ['A'], arity: 'boolean' },
  { name: 'as', arity: 'single' },
  { name: 'as-group', arity: 'repeat' },
  { name: 'from-files', aliases: ['f', 'from-file'], arity: 'many', belongs: (word) => EXISTING.has(word) },
  { name: 'output', aliases: ['o'], arity: 'single' },
];

const parse = (argv: string[]) => parseArgs(argv, SPECS);

function usageErrorOf(argv: string[]): string {
  try {
    parse(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected parseArgs to throw');
}

describe('parseArgs: value forms', () => {
  it.each([
    [['-n', 'kube-system']],
    [['-nkube-system']],
    [['-n=kube-system']],
    [['--namespace', 'kube-system']],
    [['--namespace=kube-system']],
  ])('%j sets namespace kube-system', (argv) => {
    const args = parse(['get', 'pods', ...argv]);
    expect(flagValue(args, 'namespace')).toBe('kube-system');
    expect(args.positionals).toEqual(['get', 'pods']);
  });

  it('keeps "=" inside a value: only the separator is dropped', () => {
    expect(flagValue(parse(['--as=a=b']), 'as')).toBe('a=b');
    expect(flagValue(parse(['-o=json']), 'output')).toBe('json');
    expect(flagValue(parse(['-o', '=json']), 'output')).toBe('=json');
  });

  it('takes the next word as the value even when it looks like a flag', () => {
    // kubectl does the same: `--as -n` asks about a user named "-n".
    expect(flagValue(parse(['--as', '-n']), 'as')).toBe('-n');
  });

  it('collects a repeatable flag in order, in any form', () => {
    const args = parse(['--as-group', 'devs', '--as-group=ops', '--as', 'alice', '--as-group', 'system:masters']);
    expect(flagValues(args, 'as-group')).toEqual(['devs', 'ops', 'system:masters']);
    expect(flagValue(args, 'as-group')).toBe('devs');
  });

  it('rejects a single-valued flag given twice', () => {
    expect(usageErrorOf(['-n', 'a', '--namespace', 'b'])).toBe('flag --namespace given twice');
  });

  it('reads boolean flags, with optional =true/=false', () => {
    expect(flagSet(parse(['-A']), 'all-namespaces')).toBe(true);
    expect(flagSet(parse(['--all-namespaces']), 'all-namespaces')).toBe(true);
    expect(flagSet(parse(['--all-namespaces=true']), 'all-namespaces')).toBe(true);
    expect(flagSet(parse(['--all-namespaces=false']), 'all-namespaces')).toBe(false);
    expect(flagSet(parse(['-A=true']), 'all-namespaces')).toBe(true);
    expect(flagSet(parse([]), 'all-namespaces')).toBe(false);
    expect(usageErrorOf(['--all-namespaces=yes'])).toBe('flag --all-namespaces takes no value');
    expect(usageErrorOf(['-Ax'])).toBe('flag -A takes no value');
  });

  it('a boolean flag does not swallow the next word', () => {
    expect(parse(['-A', 'get', 'pods']).positionals).toEqual(['get', 'pods']);
  });

  it('reports a missing value', () => {
    expect(usageErrorOf(['get', 'pods', '-n'])).toBe('flag -n needs a value');
    expect(usageErrorOf(['--as'])).toBe('flag --as needs a value');
  });
});

describe('parseArgs: --from-files PATH...', () => {
  it('takes the following words while they are paths, leaving the rest as positionals', () => {
    const args = parse(['--from-files', 'rbac/', 'extra.yaml', 'get', 'secrets', '-n', 'x']);
    expect(flagValues(args, 'from-files')).toEqual(['rbac/', 'extra.yaml']);
    expect(args.positionals).toEqual(['get', 'secrets']);
  });

  it('always takes the first word, even when it is not a path (so the error is "cannot read", not a stray argument)', () => {
    const args = parse(['get', 'secrets', '--from-files', 'typo.yaml']);
    expect(flagValues(args, 'from-files')).toEqual(['typo.yaml']);
    expect(args.positionals).toEqual(['get', 'secrets']);
  });

  it('stops at the next flag', () => {
    const args = parse(['--from-files', 'rbac/', 'extra.yaml', '-o', 'json', 'get', 'pods']);
    expect(flagValues(args, 'from-files')).toEqual(['rbac/', 'extra.yaml']);
    expect(flagValue(args, 'output')).toBe('json');
    expect(args.positionals).toEqual(['get', 'pods']);
  });

  it('accepts -f, --from-file, a comma list after "=", and accumulates when repeated', () => {
    expect(flagValues(parse(['-f', 'rbac/']), 'from-files')).toEqual(['rbac/']);
    expect(flagValues(parse(['--from-file', 'rbac/']), 'from-files')).toEqual(['rbac/']);
    expect(flagValues(parse(['--from-files=rbac/,extra.yaml,']), 'from-files')).toEqual(['rbac/', 'extra.yaml']);
    expect(flagValues(parse(['--from-files', 'rbac/', '-f', 'more.json', 'extra.yaml']), 'from-files')).toEqual(['rbac/', 'more.json', 'extra.yaml']);
  });

  it('without a belongs predicate takes every following non-flag word', () => {
    const args = parseArgs(['--from-files', 'a', 'b', 'c', '-A'], [
      { name: 'from-files', arity: 'many' },
      { name: 'A', arity: 'boolean' },
    ]);
    expect(flagValues(args, 'from-files')).toEqual(['a', 'b', 'c']);
    expect(flagSet(args, 'A')).toBe(true);
  });

  it('needs at least one path', () => {
    expect(usageErrorOf(['get', 'pods', '--from-files'])).toBe('flag --from-files needs at least one value');
    expect(usageErrorOf(['--from-files', '-n', 'x'])).toBe('flag --from-files needs at least one value');
  });
});

describe('parseArgs: positionals and errors', () => {
  it('reads non-resource URLs, "-" and everything after "--" as positionals', () => {
    expect(parse(['get', '/healthz']).positionals).toEqual(['get', '/healthz']);
    expect(parse(['-']).positionals).toEqual(['-']);
    expect(parse(['get', '--', '-weird', '--as']).positionals).toEqual(['get', '-weird', '--as']);
  });

  it('rejects an unknown flag with a UsageError naming it', () => {
    expect(usageErrorOf(['get', 'pods', '--bogus'])).toBe('unknown flag --bogus');
    expect(usageErrorOf(['--bogus=1'])).toBe('unknown flag --bogus');
    expect(usageErrorOf(['-x'])).toBe('unknown flag -x');
    expect(usageErrorOf(['-xvalue'])).toBe('unknown flag -x');
    // One-letter names take one dash, long names two.
    expect(usageErrorOf(['--n', 'x'])).toBe('unknown flag --n');
  });

  it('reads a long name with one dash as the short flag with an attached value, as kubectl (pflag) does', () => {
    const args = parse(['-namespace', 'payments']);
    expect(flagValue(args, 'namespace')).toBe('amespace');
    expect(args.positionals).toEqual(['payments']);
  });

  it('returns no flags it was not given', () => {
    const args = parse(['get', 'pods']);
    expect(args.flags.size).toBe(0);
    expect(flagValue(args, 'namespace')).toBeUndefined();
    expect(flagValues(args, 'as-group')).toEqual([]);
  });
});
