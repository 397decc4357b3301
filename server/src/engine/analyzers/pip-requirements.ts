// pip requirements files: `requirements.txt` and the names projects give their variants
// (`requirements-dev.txt`, `requirements_test.txt`, `dev-requirements.txt`). As in Trivy, only
// exactly pinned requirements (`name==version`, `name===version`) name a package; ranges and
// wildcards (`==1.*`) are passed over. Editable installs (`-e`) and requirements given by URL or
// path name no version to check: skipped, and a note says how many. Every package is direct.
//
// `-r file` and `-c file` are followed relative to the file, as pip does: the scan reads the
// files through the file source (held to the scan root, each once, within a depth and count
// cap) and hands them over in `related`. A file's requirements count as this file's, located in
// the file that pins them. A constraints file adds no packages: its pins give the version of a
// requirement left unpinned (`flask` with `-c constraints.txt` pinning `flask==2.0.1`). An
// include that leads back to a file being read (a cycle), climbs out of the root, or cannot be
// read is noted and not followed.
//
// Lines are joined at a trailing backslash and comments stripped afterwards, as pip does, so
// `name==1.0 \` + `--hash=...` works. Environment markers (`; python_version < "3"`),
// extras (`pkg[extra]==1`) and per-requirement options (`--hash=...`) are allowed.
//
// Inline ignores: a `# vigil:ignore:ID` or `# trivy:ignore:ID` comment on a requirement's line, or
// alone on the line just above it, is recorded in the package's `inlineIgnores`.
//
// Encoding: the scan should decode bytes with `decodeText` (./text.ts), which honours UTF-16 and
// UTF-8 byte order marks. The analyzer also drops a leading BOM, and if it is handed UTF-16LE
// bytes decoded as UTF-8 (NULs between ASCII characters) it recovers the ASCII text.
import { valid as validPep440 } from '@renovatebot/pep440';
import { normalizePackageName } from '../ecosystems';
import { parseInlineIgnores } from '../inline-ignore';
import { buildPurl } from '../purl';
import { resolveRelative } from '../source';
import type { Analyzer, AnalyzerInput, AnalyzerOutput, InlineIgnore, Package, PackageCopy, RelatedReader, SourceRange } from '../types';
import { LineIndex } from '../text';

export const pipRequirementsAnalyzer: Analyzer = {
  id: 'pip-requirements',
  type: 'pip',
  scanner: 'vuln',
  ecosystem: 'PyPI',
  fileNames: ['requirements*.txt', '*-requirements.txt', '*_requirements.txt'],
  inlineIgnores: true,
  trivyParser: 'python/pip',
  fixes: 'pip-pin',
  gather: readIncludes,
  analyze(input) {
    return parseRequirements(input);
  },
};

/** How deep `-r` and `-c` includes are followed. */
export const MAX_INCLUDE_DEPTH = 10;

type FileKind = 'requirements' | 'constraints';

interface Include {
  kind: FileKind;
  target: string;
  line: number;
}

/**
 * Reads the files a requirements file includes, and those they include, breadth first and each
 * once, down to MAX_INCLUDE_DEPTH: the analysis finds their text in `related`.
 */
async function readIncludes(input: AnalyzerInput, read: RelatedReader): Promise<void> {
  const seen = new Set([input.path]);
  let level = [{ path: input.path, content: input.content }];
  for (let depth = 1; depth <= MAX_INCLUDE_DEPTH && level.length > 0; depth++) {
    const next: typeof level = [];
    for (const file of level) {
      for (const target of includedPaths(file.content, file.path)) {
        if (seen.has(target)) continue;
        seen.add(target);
        const text = await read(target);
        if (text !== undefined) next.push({ path: target, content: text });
      }
    }
    level = next;
  }
}

/** The root-relative paths a requirements file's `-r` and `-c` lines name (those that stay in the root). */
function includedPaths(content: string, path: string): string[] {
  let text: string;
  try {
    text = repairEncoding(content);
  } catch {
    return []; // binary: analyze says so
  }
  const paths: string[] = [];
  for (const line of logicalLines(text)) {
    const include = includeOf(stripComment(line.text), 0);
    const resolved = include && resolveRelative(path, include.target);
    if (resolved) paths.push(resolved);
  }
  return paths;
}

/** `-r file`, `-rfile`, `--requirement file`, `--requirement=file`, and the same for `-c` / `--constraint`. */
function includeOf(text: string, line: number): Include | undefined {
  const trimmed = text.trim();
  for (const [short, long, kind] of [['-r', '--requirement', 'requirements'], ['-c', '--constraint', 'constraints']] as const) {
    let rest: string | undefined;
    if (trimmed.startsWith(long)) rest = trimmed.slice(long.length);
    else if (trimmed.startsWith(short)) rest = trimmed.slice(short.length);
    if (rest === undefined) continue;
    if (rest.startsWith('=')) rest = rest.slice(1);
    const target = rest.trim();
    if (target !== '' && !/\s/.test(target)) return { kind, target, line };
  }
  return undefined;
}

/** What reading a file and its includes gathers. */
class Reading {
  readonly packages = new Map<string, Package>();
  /** Pins of the constraints files, by normalised name. */
  readonly constraints = new Map<string, string>();
  /** Requirements without a pin, which a constraint may pin. */
  readonly unpinned: { name: string; location: SourceRange; highlight: SourceRange; ignores: InlineIgnore[] }[] = [];
  readonly notes: string[] = [];
  readonly read = new Set<string>();
  editable = 0;
  byLocation = 0;

  constructor(readonly input: AnalyzerInput) {}

  addPackage(name: string, version: string, location: SourceRange, highlight: SourceRange, ignores: InlineIgnore[]): void {
    const prefix = location.file === this.input.path ? '' : `${location.file} `;
    const copy: PackageCopy = { key: `${prefix}line ${location.startLine}`, location, highlight, direct: true, dev: false };
    const id = `${name}@${version}`;
    const known = this.packages.get(id);
    if (known) {
      // A second pin of the same version: a copy of its own, so the editor marks both lines.
      known.copies!.push(copy);
      // One entry of a duplicated pin is enough to ignore: findings are per package, not per line.
      // Appended in place: copying the list for each repeat was quadratic in the repeats.
      const list = (known.inlineIgnores ??= []);
      for (const ignore of ignores) list.push(ignore);
      return;
    }
    const pkg: Package = {
      id, name, version, ecosystem: 'PyPI', purl: buildPurl('PyPI', name, version), direct: true, dev: false, location, copies: [copy],
    };
    // Set afterwards: spreading an optional member into the literal takes V8's slow object-clone path.
    if (ignores.length > 0) pkg.inlineIgnores = ignores;
    this.packages.set(id, pkg);
  }
}

export function parseRequirements(input: AnalyzerInput): AnalyzerOutput {
  const reading = new Reading(input);
  readFile(reading, input.path, input.content, 'requirements', [input.path]);
  const pinned = new Set([...reading.packages.values()].map(pkg => normalizePackageName('PyPI', pkg.name)));
  for (const requirement of reading.unpinned) {
    const version = reading.constraints.get(normalizePackageName('PyPI', requirement.name));
    if (version === undefined || pinned.has(normalizePackageName('PyPI', requirement.name))) continue;
    reading.addPackage(requirement.name, version, requirement.location, requirement.highlight, requirement.ignores);
  }
  const skipped: string[] = [];
  if (reading.editable > 0) skipped.push(`${reading.editable} editable (-e) requirement${reading.editable === 1 ? '' : 's'}`);
  if (reading.byLocation > 0) skipped.push(`${reading.byLocation} requirement${reading.byLocation === 1 ? '' : 's'} given by URL or path`);
  if (skipped.length > 0) reading.notes.push(`${skipped.join(' and ')} skipped: they name no version to check`);
  const output: AnalyzerOutput = { packages: [...reading.packages.values()] };
  if (reading.notes.length > 0) output.notes = reading.notes;
  return output;
}

/** Reads one file of the include tree; `stack` holds the files being read, this one last. */
function readFile(reading: Reading, file: string, raw: string, kind: FileKind, stack: string[]): void {
  reading.read.add(file);
  const content = repairEncoding(raw);
  const lines = new LineIndex(content, file);
  let lineAbove: LogicalLine | undefined;
  for (const line of logicalLines(content)) {
    const above = lineAbove;
    lineAbove = line;
    const requirement = stripComment(line.text);
    const trimmed = requirement.trimStart();
    if (trimmed.startsWith('-')) {
      // -r, -c, -e, --index-url, ...
      const lineNumber = lines.position(offsetAt(line, 0)).line + 1;
      const include = includeOf(requirement, lineNumber);
      if (include) follow(reading, file, include, kind, stack);
      else if (trimmed.startsWith('-e') || trimmed.startsWith('--editable')) reading.editable++;
      continue;
    }
    const withoutMarker = requirement.split(';')[0];
    const withoutOptions = withoutMarker.split(/\s--?[A-Za-z]/)[0];
    const pin = parsePinned(withoutOptions);
    if (!pin) {
      noteUnpinned(reading, withoutOptions, line, above, content, lines, kind);
      continue;
    }
    const { name, operator, version } = pin;
    if (version.includes('*')) continue;
    if (operator === '==' && !validPep440(version)) continue;
    if (kind === 'constraints') {
      reading.constraints.set(normalizePackageName('PyPI', name), version);
      continue;
    }
    const start = offsetAt(line, pin.nameStart);
    const end = offsetAt(line, pin.versionEnd - 1) + 1;
    reading.addPackage(name, version, lines.range(start, end), nameHighlight(content, lines, line, pin.nameStart, name.length), inlineIgnoresOf(line, above));
  }
}

/** Follows an include, or notes why not. */
function follow(reading: Reading, file: string, include: Include, kind: FileKind, stack: string[]): void {
  const option = include.kind === 'requirements' ? '-r' : '-c';
  const where = `${file} line ${include.line}`;
  const target = resolveRelative(file, include.target);
  if (!target || include.target.includes('://')) {
    reading.notes.push(`${where}: ${option} names a URL or a file outside the scan root: not followed`);
    return;
  }
  if (stack.includes(target)) {
    reading.notes.push(`${where}: ${option} leads back to ${target}, which includes it (a cycle): not followed again`);
    return;
  }
  if (reading.read.has(target)) return; // included twice: read once
  if (stack.length > MAX_INCLUDE_DEPTH) {
    reading.notes.push(`${where}: ${option} goes deeper than ${MAX_INCLUDE_DEPTH} includes: not followed`);
    return;
  }
  const text = reading.input.related?.get(target);
  if (text === undefined) {
    reading.notes.push(`${where}: ${option} names a file that could not be read (missing, too large, or past the include limit)`);
    return;
  }
  try {
    readFile(reading, target, text, kind === 'constraints' ? 'constraints' : include.kind, [...stack, target]);
  } catch (error) {
    reading.notes.push(`${where}: ${option} names a file that could not be read: ${(error as Error).message}`);
  }
}

/** An unpinned requirement: kept for a constraint to pin, or counted as skipped when it is an editable, URL or path one. */
function noteUnpinned(reading: Reading, text: string, line: LogicalLine, above: LogicalLine | undefined, content: string, lines: LineIndex, kind: FileKind): void {
  const trimmed = text.trim();
  if (trimmed === '') return;
  if (trimmed.includes('://') || trimmed.includes(' @ ') || trimmed.startsWith('.') || trimmed.startsWith('/') || trimmed.startsWith('~')) {
    if (kind === 'requirements') reading.byLocation++;
    return;
  }
  if (kind !== 'requirements') return;
  const nameStart = text.length - text.trimStart().length;
  let nameEnd = nameStart;
  while (nameEnd < text.length && isNameChar(text[nameEnd])) nameEnd++;
  if (nameEnd === nameStart || !isAlphanumeric(text[nameStart]) || !isAlphanumeric(text[nameEnd - 1])) return;
  const name = text.slice(nameStart, nameEnd);
  const start = offsetAt(line, nameStart);
  const end = offsetAt(line, nameEnd - 1) + 1;
  reading.unpinned.push({ name, location: lines.range(start, end), highlight: nameHighlight(content, lines, line, nameStart, name.length), ignores: inlineIgnoresOf(line, above) });
}

/** The name, on its line (a backslash can continue a requirement, even a name, on the next). */
function nameHighlight(content: string, lines: LineIndex, line: LogicalLine, nameStart: number, nameLength: number): SourceRange {
  const start = offsetAt(line, nameStart);
  const nameEnd = offsetAt(line, nameStart + nameLength - 1) + 1;
  const lineEnd = content.indexOf('\n', start);
  return lines.range(start, lineEnd === -1 ? nameEnd : Math.min(nameEnd, lineEnd));
}

/** Ignore comments of a requirement: its own trailing comment, and a comment-only line just above. */
function inlineIgnoresOf(line: LogicalLine, above: LogicalLine | undefined): InlineIgnore[] {
  const own = commentOf(line.text);
  const previous = above && /^\s*#/.test(above.text) ? above.text : '';
  return [...parseInlineIgnores(previous), ...parseInlineIgnores(own)];
}

function commentOf(text: string): string {
  const hash = text.indexOf('#');
  return hash === -1 ? '' : text.slice(hash);
}

interface LogicalLine {
  text: string;
  /** Where `text` starts in the file. */
  start: number;
  /** Offset in the file of each character of `text`, for a line joined from several; else each is `start` plus its index. */
  offsets?: number[];
}

function offsetAt(line: LogicalLine, index: number): number {
  return line.offsets ? line.offsets[index] : line.start + index;
}

/** Joins physical lines ending in a backslash, keeping each character's file offset. */
function* logicalLines(content: string): Generator<LogicalLine> {
  let joined: LogicalLine | undefined;
  let lineStart = 0;
  while (lineStart <= content.length) {
    let lineEnd = content.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = content.length;
    let physical = content.slice(lineStart, lineEnd);
    if (physical.endsWith('\r')) physical = physical.slice(0, -1);

    // pip: a comment line never continues, and continued lines lose their backslashes.
    const continues = physical.endsWith('\\') && !/^\s*#/.test(physical);
    const kept = continues ? physical.slice(0, trailingBackslashesStart(physical)) : physical;
    if (!continues && !joined) {
      yield { text: kept, start: lineStart }; // most lines: no list of offsets to build
    } else {
      joined ??= { text: '', start: lineStart, offsets: [] };
      for (let i = 0; i < kept.length; i++) joined.offsets!.push(lineStart + i);
      joined.text += kept;
      if (!continues || lineEnd === content.length) {
        yield joined;
        joined = undefined;
      }
    }
    lineStart = lineEnd + 1;
  }
}

/** Where the run of backslashes that ends `text` starts. */
function trailingBackslashesStart(text: string): number {
  let start = text.length;
  while (start > 0 && text[start - 1] === '\\') start--;
  return start;
}

interface Pin {
  name: string;
  operator: '==' | '===';
  version: string;
  /** Offsets in the scanned text: where the name starts, and just past the version. */
  nameStart: number;
  versionEnd: number;
}

/**
 * Reads `name[extras] == version` with optional trailing `,<other clauses>` (no `;`) from a
 * requirement whose comment, marker and options are already cut off. A single left-to-right
 * scan, so its time is linear in the line whatever the line holds (a regular expression for this
 * backtracked: `a`, 25,000 spaces and `x` took seconds).
 */
export function parsePinned(text: string): Pin | undefined {
  let at = skipSpaces(text, 0);
  const nameStart = at;
  while (at < text.length && isNameChar(text[at])) at++;
  if (at === nameStart || !isAlphanumeric(text[nameStart]) || !isAlphanumeric(text[at - 1])) return undefined;
  const name = text.slice(nameStart, at);
  at = skipSpaces(text, at);
  if (text[at] === '[') {
    const close = text.indexOf(']', at + 1);
    if (close === -1) return undefined;
    at = skipSpaces(text, close + 1);
  }
  if (!text.startsWith('==', at)) return undefined;
  const operator = text.startsWith('===', at) ? '===' : '==';
  at = skipSpaces(text, at + operator.length);
  const versionStart = at;
  while (at < text.length && !isSpace(text[at]) && text[at] !== ',' && text[at] !== ';') at++;
  if (at === versionStart) return undefined;
  const versionEnd = at;
  at = skipSpaces(text, at);
  if (at < text.length && (text[at] !== ',' || text.includes(';', at))) return undefined;
  return { name, operator, version: text.slice(versionStart, versionEnd), nameStart, versionEnd };
}

function skipSpaces(text: string, at: number): number {
  while (at < text.length && isSpace(text[at])) at++;
  return at;
}

/** JavaScript's `\s`, one character at a time. */
function isSpace(c: string): boolean {
  return /\s/.test(c);
}

function isAlphanumeric(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

function isNameChar(c: string): boolean {
  return isAlphanumeric(c) || c === '.' || c === '_' || c === '-';
}

/** Cuts at the first `#`. pip wants whitespace before it; Trivy does not, and neither do we. */
function stripComment(text: string): string {
  const hash = text.indexOf('#');
  return hash === -1 ? text : text.slice(0, hash);
}

/**
 * Drops a BOM, and undoes UTF-16LE bytes that were decoded as UTF-8 (ASCII text only: a NUL after
 * every character). Any other NUL means binary content, which is refused rather than read with
 * the NULs dropped (`fla\0sk==0.12` is not `flask==0.12`).
 */
function repairEncoding(content: string): string {
  const text = content.startsWith('\uFEFF') ? content.slice(1) : content;
  if (!text.includes('\u0000')) return text;
  let start = 0;
  while (text[start] === '\uFFFD') start++; // the UTF-16LE BOM, decoded as UTF-8
  if (!isUtf16LeAscii(text, start)) throw new Error('binary content, not a text file');
  let ascii = '';
  for (let at = start; at < text.length; at += 2) ascii += text[at];
  return ascii;
}

function isUtf16LeAscii(text: string, start: number): boolean {
  if ((text.length - start) % 2 !== 0) return false;
  for (let at = start; at < text.length; at += 2) {
    if (text[at] === '\u0000' || text[at] > '\u007f' || text[at + 1] !== '\u0000') return false;
  }
  return true;
}
