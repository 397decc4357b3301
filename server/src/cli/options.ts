// Shared option parsing for the CLI commands.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { defaultCacheDir } from '../engine/db';
import { SEVERITIES, type Scanner, type Severity } from '../engine/types';
import { escapeControl } from '../engine/text';

/** A mistake in how the command was called: exit code 2, message only. */
export class UsageError extends Error {}

export const SCANNERS: readonly Scanner[] = ['vuln', 'misconfig', 'secret', 'license'];

export function parse<Options extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: Options) {
  try {
    return parseArgs({ args, options, allowPositionals: true as const, strict: true as const });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
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
