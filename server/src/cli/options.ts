// Shared option parsing for the CLI commands.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { defaultCacheDir } from '../engine/db';
import { SCANNERS, SEVERITIES, type Rule, type Scanner, type Severity } from '../engine/types';
import { escapeControl } from '../engine/text';
import { RULE_TABLES } from '../engine/rules';

/** A mistake in how the command was called: exit code 2, the message, then the command's usage. */
export class UsageError extends Error {
  constructor(message: string, readonly usage?: string) {
    super(message);
  }
}


type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** Every command answers `--help` and `-h`. */
const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

/**
 * Parses a command's arguments. `usage` is what a mistake prints after Vigil's own one-line
 * message, in place of Node's argument-parser text.
 */
export function parse<Options extends OptionSpecs>(args: string[], options: Options, usage: string) {
  const specs = { ...HELP_OPTION, ...options };
  try {
    return parseArgs({ args, options: specs, allowPositionals: true as const, strict: true as const });
  } catch (error) {
    throw new UsageError(describeMistake(args, specs) ?? (error as Error).message, usage);
  }
}

/** The first option in `args` that strict parsing refuses, in Vigil's words. */
function describeMistake(args: string[], specs: OptionSpecs): string | undefined {
  const { tokens } = parseArgs({ args, options: specs, allowPositionals: true, strict: false, tokens: true });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const spec = Object.hasOwn(specs, token.name) ? specs[token.name] : undefined;
    if (!spec) return `unknown option '${token.rawName}'`;
    if (spec.type === 'boolean' && token.value !== undefined) return `${token.rawName} takes no value`;
    if (spec.type === 'string' && token.value === undefined) return `${token.rawName} needs a value`;
    if (spec.type === 'string' && !token.inlineValue && token.value?.startsWith('-')) {
      return `${token.rawName} needs a value, not '${token.value}' (write ${token.rawName}=${token.value} if that is the value)`;
    }
  }
  return undefined;
}

/** `a,b , c` -> ['a', 'b', 'c']; also accepts the option given several times. */
export function splitList(value: string | string[] | undefined): string[] {
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.flatMap(v => v.split(',')).map(v => v.trim()).filter(Boolean);
}

export function parseSeverities(value: string | string[] | undefined): Severity[] | undefined {
  const list = splitList(value).map(s => s.toUpperCase());
  if (!list.length) return undefined;
  for (const s of list) {
    if (!SEVERITIES.includes(s as Severity)) {
      throw new UsageError(`unknown severity '${s}': use ${SEVERITIES.join(', ')}`);
    }
  }
  return list as Severity[];
}

/** Every name a rule answers to (ID and aliases), upper-cased; `extra` are a secret config's rules. */
function knownRuleNames(extra: readonly Rule[]): Set<string> {
  return new Set([...Object.values(RULE_TABLES).flat(), ...extra].flatMap(rule => [rule.id, ...rule.aliases ?? []]).map(name => name.toUpperCase()));
}

/**
 * Rule names from --disable-rule, each one a rule Vigil has (a typo would switch nothing off):
 * a built-in one or one of `extra`, the rules of a secret config.
 */
export function parseRuleNames(value: string | string[] | undefined, extra: readonly Rule[] = []): string[] {
  const names = splitList(value);
  const known = knownRuleNames(extra);
  const unknown = names.filter(name => !known.has(name.toUpperCase()));
  if (unknown.length > 0) throw new UsageError(`unknown rule ${unknown.map(name => `'${escapeControl(name)}'`).join(', ')}: \`vigil rules\` lists them`);
  return names;
}

/** `--rule-severity ID=SEVERITY` options as a table. */
export function parseRuleSeverityOptions(values: string[] | undefined, extra: readonly Rule[] = []): Record<string, Severity> {
  const table: Record<string, Severity> = {};
  for (const option of values ?? []) {
    const [name, severity] = option.split('=', 2);
    const [level] = parseSeverities(severity ?? '') ?? [];
    if (!name || !level) throw new UsageError(`--rule-severity takes ID=SEVERITY, e.g. DS-0026=HIGH`);
    parseRuleNames(name, extra);
    table[name] = level;
  }
  return table;
}

export function parseScanners(value: string | string[] | undefined): Scanner[] {
  const list = splitList(value);
  if (!list.length) return ['vuln'];
  for (const s of list) {
    if (!SCANNERS.includes(s as Scanner)) throw new UsageError(`unknown scanner '${s}': use ${SCANNERS.join(', ')}`);
  }
  return list as Scanner[];
}

export function cacheDirOption(value: string | undefined): string {
  return value ?? defaultCacheDir();
}

export const CACHE_DIR_OPTION = { 'cache-dir': { type: 'string' } } as const;

/**
 * Prints one `vigil: MESSAGE` line on stderr. Messages carry file names and text from files and
 * feeds, so control characters are escaped: nothing read can drive the terminal or forge a line.
 */
export function printMessage(message: string) {
  process.stderr.write(`vigil: ${escapeControl(message)}\n`);
}

/**
 * An error of Vigil's own, whose text may run over several lines (the ways out of a missing DB):
 * each line escaped on its own. Text from scanned files never gets here, only paths the user gave.
 */
export function printErrorLines(message: string) {
  const [first, ...rest] = message.split('\n');
  printMessage(first);
  for (const line of rest) process.stderr.write(`${escapeControl(line)}\n`);
}

/** Progress on stderr, only for a person watching a terminal. */
export function progressPrinter(quiet: boolean) {
  const show = !quiet && process.stderr.isTTY === true;
  return (message: string) => {
    if (show) process.stderr.write(`\r\x1b[K${escapeControl(message)}`);
  };
}

export function endProgress(quiet: boolean) {
  if (!quiet && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
}
