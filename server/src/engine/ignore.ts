// Ignore files: Trivy's `.trivyignore` (one ID per line) and `.trivyignore.yaml`, and Vigil's
// `.vigilignore` / `.vigilignore.yaml`, which use the same syntax.
//
// Text syntax, as Trivy reads it:
//   # a comment
//   CVE-2019-11358
//   GHSA-6c3j-c64m-qhgq exp:2025-06-30      <- ignored until that date
//   CVE-2020-28724 exp:2025-06-30 # reason   <- the text after `#` is a comment
//
// YAML syntax (https://trivy.dev/latest/docs/configuration/filtering/#trivyignoreyaml):
//   vulnerabilities:
//     - id: CVE-2022-40897
//       paths: ["requirements.txt", "services/**/package-lock.json"]
//       purls: ["pkg:pypi/setuptools"]
//       expired_at: 2025-01-01
//       statement: Accept the risk
//   misconfigurations: [...]   secrets: [...]   licenses: [...]
//
// An entry stops ignoring on its expiry day (the date is read as midnight UTC). Expired entries
// stay in the policy with `expired: true` so the CLI can warn about them.
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { checkFoundFile } from './found-files';
import { anyChar, literal, notSlash, runGlob, type GlobStep } from './glob';
import { escapeControl, LineIndex } from './text';
import { purlMatches } from './purl';

export type IgnoreKind = 'vulnerability' | 'misconfiguration' | 'secret' | 'license';

export interface IgnoreEntry {
  id: string;
  /** Which list of a YAML file the entry came from; text files apply to every kind. */
  kind?: IgnoreKind;
  /** Globs over the finding's file path (`*`, `**`, `?`); any one must match. */
  paths?: string[];
  /** Package URLs; one without a version matches every version of the package. */
  purls?: string[];
  /** `YYYY-MM-DD`. */
  expiresAt?: string;
  statement?: string;
  expired: boolean;
  file: string;
  /** 1-based line of the entry in its file. */
  line: number;
}

/** A problem in an ignore file, e.g. `.trivyignore:3: invalid expiry "exp:2025-13-01" ...`. */
export interface IgnoreWarning {
  file: string;
  line?: number;
  message: string;
}

function warningText(w: IgnoreWarning): string {
  return `${w.file}${w.line ? `:${w.line}` : ''}: ${w.message}`;
}

export interface IgnorableFinding {
  id: string;
  aliases?: string[];
  /** Path of the file the finding is in, relative to the scan root. */
  path?: string;
  purl?: string;
  kind?: IgnoreKind;
}

export interface IgnorePolicy {
  /** Every entry read, expired ones included. */
  entries: IgnoreEntry[];
  /** Printable `file:line: message` lines: malformed lines, and entries that have expired. */
  warnings: string[];
  /** The same problems as structured values, for the editor's diagnostics. */
  problems: IgnoreWarning[];
  /** Ignore files given but not present. */
  missing: string[];
  expired(): IgnoreEntry[];
  /** True when a live entry matches the finding's ID or one of its aliases (and its paths/purls, if any). */
  isIgnored(finding: IgnorableFinding): boolean;
  /** The live entry that ignores the finding, for messages such as "ignored by .trivyignore:4". */
  matchingEntry(finding: IgnorableFinding): IgnoreEntry | undefined;
}

/** The ignore files read from a folder when none is named: Trivy's and Vigil's, text and YAML. */
export const IGNORE_FILE_NAMES: readonly string[] = ['.trivyignore', '.vigilignore', '.trivyignore.yaml', '.vigilignore.yaml'];

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/**
 * An ignore file to read: a path the user named (`--ignorefile`), or a file found by its default
 * name in a folder. A found file is written by whoever wrote the repository: it is read only as
 * `checkFoundFile` allows (never through a symlink out of `foundIn`), and its warnings never
 * quote its text.
 */
export type IgnoreFileRef = string | { file: string; foundIn: string };

/** Reads and merges the given ignore files. Missing files are listed in `missing`, not errors. */
export function loadIgnorePolicy(files: IgnoreFileRef[], now: Date = new Date()): IgnorePolicy {
  const entries: IgnoreEntry[] = [];
  const warnings: IgnoreWarning[] = [];
  const missing: string[] = [];
  for (const ref of files) {
    const named = typeof ref === 'string';
    const file = named ? ref : ref.file;
    let readFrom = file;
    if (!named) {
      const found = checkFoundFile(file, ref.foundIn);
      if (found.kind === 'absent') {
        missing.push(file);
        continue;
      }
      if (found.kind === 'refused') {
        warnings.push({ file, message: `ignore file ${found.reason}` });
        continue;
      }
      readFrom = found.real;
    }
    let content: string;
    try {
      content = fs.readFileSync(readFrom, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') missing.push(file);
      else warnings.push({ file, message: `cannot read ignore file (${code ?? 'error'})` });
      continue;
    }
    const parsed = parseIgnoreFile(content, file, now, { named });
    entries.push(...parsed.entries);
    warnings.push(...parsed.warnings);
  }
  return createIgnorePolicy(entries, warnings, missing);
}

export interface ParseIgnoreOptions {
  /**
   * The user named this file. Only then may a warning quote a short, escaped piece of it; for a
   * file found by its name a warning gives the line and the kind of problem, never the text.
   */
  named?: boolean;
}

/** Parses one ignore file's text; YAML when the name ends in `.yaml`/`.yml`. */
export function parseIgnoreFile(
  content: string,
  file: string,
  now: Date = new Date(),
  options: ParseIgnoreOptions = {},
): { entries: IgnoreEntry[]; warnings: IgnoreWarning[] } {
  const ext = path.extname(file).toLowerCase();
  const context: ParseContext = { file, now, named: options.named === true, entries: [], warnings: [] };
  if (ext === '.yaml' || ext === '.yml') parseYamlIgnore(content, context);
  else parseTextIgnore(content, context);
  return { entries: context.entries, warnings: context.warnings };
}

interface ParseContext {
  file: string;
  now: Date;
  named: boolean;
  entries: IgnoreEntry[];
  warnings: IgnoreWarning[];
}

/** ` "token"`, cut short and escaped, for a file the user named; nothing for a found file. */
function quoted(context: ParseContext, token: string): string {
  if (!context.named) return '';
  const chars = Array.from(token);
  const short = chars.length > 40 ? `${chars.slice(0, 39).join('')}…` : token;
  return ` "${escapeControl(short)}"`;
}

export function createIgnorePolicy(
  entries: IgnoreEntry[],
  warnings: IgnoreWarning[] = [],
  missing: string[] = [],
): IgnorePolicy {
  const live = entries.filter((e) => !e.expired);
  const matchingEntry = (finding: IgnorableFinding) => live.find((entry) => entryMatches(entry, finding));
  return {
    entries,
    warnings: warnings.map(warningText),
    problems: warnings,
    missing,
    expired: () => entries.filter((e) => e.expired),
    matchingEntry,
    isIgnored: (finding) => matchingEntry(finding) !== undefined,
  };
}

/**
 * One line in `.trivyignore` syntax, for the editor's "Ignore this finding" action.
 * `expires` is a Date or `YYYY-MM-DD`; the reason becomes a trailing comment on the same line.
 */
export function formatIgnoreEntry(id: string, options: { reason?: string; expires?: Date | string } = {}): string {
  const cleanId = id.trim();
  if (!cleanId || /\s|#/.test(cleanId)) throw new Error(`not a valid finding ID for an ignore file: ${JSON.stringify(id)}`);
  let line = cleanId;
  if (options.expires !== undefined) {
    const date = typeof options.expires === 'string' ? options.expires : options.expires.toISOString().slice(0, 10);
    if (!isValidDate(date)) throw new Error(`expiry must be a date YYYY-MM-DD, got ${JSON.stringify(options.expires)}`);
    line += ` exp:${date}`;
  }
  const reason = options.reason?.replace(/\s+/g, ' ').trim();
  if (reason) line += ` # ${reason}`;
  return line;
}

function parseTextIgnore(content: string, context: ParseContext) {
  const { file } = context;
  content.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const text = raw.replace(/^\uFEFF/, '').split('#')[0].trim();
    if (!text) return;
    const [id, ...rest] = splitWhitespace(text);
    const entry: IgnoreEntry = { id, expired: false, file, line };
    for (const field of rest) {
      if (field.startsWith('exp:')) {
        const date = field.slice(4);
        if (isValidDate(date)) setExpiry(entry, date, context);
        else context.warnings.push({ file, line, message: `invalid expiry${quoted(context, field)} (want exp:YYYY-MM-DD); the entry never expires` });
      } else {
        const after = context.named ? ` after ID${quoted(context, id)}` : ' after the ID';
        context.warnings.push({ file, line, message: `unexpected text${quoted(context, field)}${after}; put comments after #` });
      }
    }
    context.entries.push(entry);
  });
}

/** The whitespace-separated words of a line (a plain scan; `trim` has removed the ends). */
function splitWhitespace(text: string): string[] {
  return text.split(/\s/).filter(Boolean);
}

const YAML_SECTIONS: Record<string, IgnoreKind> = {
  vulnerabilities: 'vulnerability',
  misconfigurations: 'misconfiguration',
  secrets: 'secret',
  licenses: 'license',
};

function parseYamlIgnore(content: string, context: ParseContext) {
  const { file, warnings } = context;
  // prettyErrors would locate every error by rescanning the text: quadratic in a file of many
  // errors (64 KiB of `""` took 4 s). Only the first error is reported, with how many followed.
  const doc = YAML.parseDocument(content, { prettyErrors: false });
  const lines = new LineIndex(content);
  const lineAt = (offset: number) => lines.position(offset).line + 1;
  const [error] = doc.errors;
  if (error) {
    // The parser's message can quote the text; a found file gets its code only.
    const detail = context.named ? escapeControl(error.message.split('\n')[0]) : error.code;
    const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more)` : '';
    warnings.push({ file, line: lineAt(error.pos[0]), message: `YAML error: ${detail}${more}` });
    return;
  }
  const root = doc.contents;
  if (root === null || root === undefined) return;
  if (!YAML.isMap(root)) {
    warnings.push({ file, line: 1, message: 'expected a mapping with vulnerabilities/misconfigurations/secrets/licenses' });
    return;
  }
  for (const pair of root.items) {
    const section = String(YAML.isScalar(pair.key) ? pair.key.value : pair.key);
    const keyLine = lineAt((pair.key as YAML.Node | null)?.range?.[0] ?? 0);
    const kind = Object.hasOwn(YAML_SECTIONS, section) ? YAML_SECTIONS[section] : undefined;
    if (!kind) {
      warnings.push({ file, line: keyLine, message: `unknown section${quoted(context, section)} (want vulnerabilities, misconfigurations, secrets or licenses)` });
      continue;
    }
    const list = pair.value;
    if (list === null || (YAML.isScalar(list) && list.value === null)) continue; // `secrets:` with nothing under it
    if (!YAML.isSeq(list)) {
      warnings.push({ file, line: keyLine, message: `"${section}" should be a list` });
      continue;
    }
    for (const item of list.items) {
      const line = lineAt((item as YAML.Node | null)?.range?.[0] ?? 0);
      const value = YAML.isNode(item) ? item.toJSON() : item;
      const entry = yamlEntry(value, kind, line, context);
      if (entry) context.entries.push(entry);
    }
  }
}

const YAML_ENTRY_FIELDS = ['id', 'paths', 'purls', 'statement', 'expired_at'];

function yamlEntry(value: unknown, kind: IgnoreKind, line: number, context: ParseContext): IgnoreEntry | undefined {
  const { file, warnings } = context;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    warnings.push({ file, line, message: 'expected an entry with an "id"' });
    return undefined;
  }
  const record = value as Record<string, unknown>;
  if (typeof record.id !== 'string' || !record.id.trim()) {
    warnings.push({ file, line, message: 'entry without an "id" is skipped' });
    return undefined;
  }
  const entry: IgnoreEntry = { id: record.id.trim(), kind, expired: false, file, line };
  const paths = stringList(record.paths, 'paths', line, context);
  if (paths) entry.paths = paths;
  const purls = stringList(record.purls, 'purls', line, context);
  if (purls) entry.purls = purls;
  if (typeof record.statement === 'string') entry.statement = record.statement;
  if (record.expired_at !== undefined && record.expired_at !== null) {
    // YAML 1.2 keeps `2024-08-20` a string; a quoted or timestamp-tagged value may differ, so normalise.
    const date = record.expired_at instanceof Date ? record.expired_at.toISOString().slice(0, 10) : String(record.expired_at);
    if (isValidDate(date)) setExpiry(entry, date, context);
    else warnings.push({ file, line, message: `invalid expired_at${quoted(context, date)} (want YYYY-MM-DD); the entry never expires` });
  }
  for (const key of Object.keys(record)) {
    if (!YAML_ENTRY_FIELDS.includes(key)) {
      const where = context.named ? ` in entry${quoted(context, entry.id)}` : '';
      warnings.push({ file, line, message: `unknown field${quoted(context, key)}${where} (want ${YAML_ENTRY_FIELDS.join(', ')})` });
    }
  }
  return entry;
}

function stringList(value: unknown, field: string, line: number, context: ParseContext) {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  context.warnings.push({ file: context.file, line, message: `"${field}" should be a list of strings; it is left out` });
  return undefined;
}

/** Sets the expiry; an entry already expired is also a warning (the ID is quoted only from a named file). */
function setExpiry(entry: IgnoreEntry, date: string, context: ParseContext) {
  entry.expiresAt = date;
  entry.expired = context.now.getTime() >= Date.parse(`${date}T00:00:00Z`);
  if (entry.expired) {
    const what = context.named ? escapeControl(entry.id) : 'the entry on this line';
    context.warnings.push({ file: entry.file, line: entry.line, message: `${what} expired on ${date} and is no longer ignored` });
  }
}

function isValidDate(date: string): boolean {
  if (!DATE_PATTERN.test(date)) return false;
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(date);
}

function entryMatches(entry: IgnoreEntry, finding: IgnorableFinding): boolean {
  if (entry.kind && finding.kind && entry.kind !== finding.kind) return false;
  const wanted = entry.id.toUpperCase();
  const ids = [finding.id, ...(finding.aliases ?? [])];
  if (!ids.some((id) => id.toUpperCase() === wanted)) return false;
  if (entry.paths && !(finding.path !== undefined && entry.paths.some((glob) => globMatches(glob, finding.path!)))) {
    return false;
  }
  if (entry.purls && !(finding.purl !== undefined && entry.purls.some((p) => purlMatches(p, finding.purl!)))) {
    return false;
  }
  return true;
}

/**
 * Glob match over a slash-separated path: `**` spans directories, `*` and `?` do not. Matched
 * without backtracking (see glob.ts): the globs come from ignore files found in the repository.
 */
export function globMatches(glob: string, filePath: string): boolean {
  return runGlob(compileIgnoreGlob(normalizeGlobPath(glob)), normalizeGlobPath(filePath));
}

function normalizeGlobPath(p: string): string {
  let text = p.replaceAll('\\', '/');
  if (text.startsWith('./')) text = text.slice(2);
  let start = 0;
  while (text[start] === '/') start++;
  return text.slice(start);
}

/** Trivy's ignore-file dialect: `**` anywhere spans directories, `**\/` may match none. */
function compileIgnoreGlob(glob: string): GlobStep[] {
  const steps: GlobStep[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      if (glob[i + 2] === '/') {
        // `**/`: no directory at all, or anything ending in a slash.
        steps.push({ kind: 'skip', to: steps.length + 3 }, { kind: 'many', accepts: anyChar }, { kind: 'one', accepts: literal('/') });
        i += 2;
      } else {
        steps.push({ kind: 'many', accepts: anyChar });
        i += 1;
      }
    } else if (c === '*') steps.push({ kind: 'many', accepts: notSlash });
    else if (c === '?') steps.push({ kind: 'one', accepts: notSlash });
    else steps.push({ kind: 'one', accepts: literal(c) });
  }
  return steps;
}
