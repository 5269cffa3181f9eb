import { UsageError } from '../present/UsageError.ts';

/** How a flag takes values: none (boolean), one, one per occurrence (repeatable), or every following non-flag word. */
export type FlagArity = 'boolean' | 'single' | 'repeat' | 'many';

export interface FlagSpec {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly arity: FlagArity;
  /**
   * For `many`: whether a following word still belongs to the flag (e.g. "is an existing path"), so that
   * `--from-files rbac/ get secrets` leaves `get secrets` as positionals. The first word always belongs.
   */
  readonly belongs?: (word: string) => boolean;
}

export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly flags: ReadonlyMap<string, readonly string[]>;
}

/**
 * kubectl-style flags: `-n NS`, `-nNS`, `--namespace NS`, `--namespace=NS`, repeatable `--as-group`, and
 * `--from-files A B C` taking every following word up to the next flag (also `--from-files=A,B`).
 */
export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[]): ParsedArgs {
  const byName = new Map<string, FlagSpec>();
  for (const spec of specs) {
    byName.set(spec.name.length === 1 ? `-${spec.name}` : `--${spec.name}`, spec);
    for (const alias of spec.aliases ?? []) byName.set(alias.length === 1 ? `-${alias}` : `--${alias}`, spec);
  }
  const positionals: string[] = [];
  const flags = new Map<string, string[]>();
  const add = (spec: FlagSpec, values: string[]) => {
    const list = flags.get(spec.name) ?? [];
    if (spec.arity === 'single' && list.length > 0) throw new UsageError(`flag --${spec.name} given twice`);
    list.push(...values);
    flags.set(spec.name, list);
  };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    // A lone "-" or anything not starting with "-" is a positional; so is a non-resource URL like "/healthz".
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    let flag = arg;
    let inline: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      flag = arg.slice(0, eq);
      inline = arg.slice(eq + 1);
    } else if (!arg.startsWith('--') && arg.length > 2) {
      // -nkube-system, and -n=kube-system: kubectl (pflag) drops the "=" of a short flag; keeping it would
      // silently ask about namespace "=kube-system".
      flag = arg.slice(0, 2);
      inline = arg[2] === '=' ? arg.slice(3) : arg.slice(2);
    }
    const spec = byName.get(flag);
    if (spec === undefined) throw new UsageError(`unknown flag ${flag}`);
    if (spec.arity === 'boolean') {
      if (inline !== undefined && inline !== 'true' && inline !== 'false') throw new UsageError(`flag ${flag} takes no value`);
      if (inline !== 'false') add(spec, ['true']);
      continue;
    }
    if (inline !== undefined) {
      add(spec, spec.arity === 'many' ? inline.split(',').filter((v) => v !== '') : [inline]);
      continue;
    }
    if (spec.arity === 'many') {
      const values: string[] = [];
      while (i + 1 < argv.length && !(argv[i + 1] ?? '').startsWith('-')) {
        const next = argv[i + 1] ?? '';
        if (values.length > 0 && spec.belongs !== undefined && !spec.belongs(next)) break;
        values.push(next);
        i++;
      }
      if (values.length === 0) throw new UsageError(`flag ${flag} needs at least one value`);
      add(spec, values);
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined) throw new UsageError(`flag ${flag} needs a value`);
    i++;
    add(spec, [value]);
  }
  return { positionals, flags };
}

export function flagValue(args: ParsedArgs, name: string): string | undefined {
  return args.flags.get(name)?.[0];
}

export function flagValues(args: ParsedArgs, name: string): readonly string[] {
  return args.flags.get(name) ?? [];
}

export function flagSet(args: ParsedArgs, name: string): boolean {
  return args.flags.has(name);
}
