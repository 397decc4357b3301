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
import { LineCursor } from '../text';

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
  // Built only when a requirement is unpinned: a normalised name per package is a visible cost.
  const pinned = reading.unpinned.length > 0 ? new Set([...reading.packages.values()].map(pkg => normalizePackageName('PyPI', pkg.name))) : new Set<string>();
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
  const lines = new LineCursor(content, file);
  let lineAbove: LogicalLine | undefined;
  for (const line of logicalLines(content)) {
    const above = lineAbove;
    lineAbove = line;
    const requirement = stripComment(line.text);
    const trimmed = requirement.trimStart();
    if (trimmed.startsWith('-')) {
      // -r, -c, -e, --index-url, ...
      const lineNumber = lines.range(offsetAt(line, 0), offsetAt(line, 0)).startLine;
      const include = includeOf(requirement, lineNumber);
      if (include) follow(reading, file, include, kind, stack);
      else if (trimmed.startsWith('-e') || trimmed.startsWith('--editable')) reading.editable++;
      continue;
    }
    const semicolon = requirement.indexOf(';');
    const withoutOptions = beforeOptions(semicolon === -1 ? requirement : requirement.slice(0, semicolon));
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
function noteUnpinned(reading: Reading, text: string, line: LogicalLine, above: LogicalLine | undefined, content: string, lines: LineCursor, kind: FileKind): void {
  const trimmed = text.trim();
  if (trimmed === '') return;
  if (trimmed.includes('://') || trimmed.includes(' @ ') || trimmed.startsWith('.') || trimmed.startsWith('/') || trimmed.startsWith('~')) {
    if (kind === 'requirements') reading.byLocation++;
    return;
  }
  if (kind !== 'requirements') return;
  const nameStart = text.length - text.trimStart().length;
  let nameEnd = nameStart;
  while (nameEnd < text.length && isNameChar(text.charCodeAt(nameEnd))) nameEnd++;
  if (nameEnd === nameStart || !isAlphanumeric(text.charCodeAt(nameStart)) || !isAlphanumeric(text.charCodeAt(nameEnd - 1))) return;
  const name = text.slice(nameStart, nameEnd);
  const start = offsetAt(line, nameStart);
  const end = offsetAt(line, nameEnd - 1) + 1;
  reading.unpinned.push({ name, location: lines.range(start, end), highlight: nameHighlight(content, lines, line, nameStart, name.length), ignores: inlineIgnoresOf(line, above) });
}

/** The name, on its line (a backslash can continue a requirement, even a name, on the next). */
function nameHighlight(content: string, lines: LineCursor, line: LogicalLine, nameStart: number, nameLength: number): SourceRange {
  const start = offsetAt(line, nameStart);
  const nameEnd = offsetAt(line, nameStart + nameLength - 1) + 1;
  const lineEnd = content.indexOf('\n', start);
  return lines.range(start, lineEnd === -1 ? nameEnd : Math.min(nameEnd, lineEnd));
}

/** Ignore comments of a requirement: its own trailing comment, and a comment-only line just above. */
function inlineIgnoresOf(line: LogicalLine, above: LogicalLine | undefined): InlineIgnore[] {
  const own = parseInlineIgnores(commentOf(line.text));
  // The line above is only tested for being a comment when it names an ignore at all.
  if (!above || !above.text.includes(':ignore:') || !/^\s*#/.test(above.text)) return own;
  return [...parseInlineIgnores(above.text), ...own];
}

function commentOf(text: string): string {
  const hash = text.indexOf('#');
  return hash === -1 ? '' : text.slice(hash);
}

interface LogicalLine {
  text: string;
  /** Where `text` starts in the file. */
  start: number;
  /**
   * For a line joined from several, the physical pieces in order: where each starts in `text` and
   * in the file (one entry per piece, not per character: a `--hash` continuation is ~80 of them).
   */
  pieces?: { at: number; start: number }[];
}

function offsetAt(line: LogicalLine, index: number): number {
  const pieces = line.pieces;
  if (!pieces) return line.start + index;
  // The last piece starting at or before `index`; binary search, as a joined line may have many pieces.
  let low = 0;
  let high = pieces.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (pieces[mid].at <= index) low = mid;
    else high = mid - 1;
  }
  return pieces[low].start + index - pieces[low].at;
}

/**
 * Joins physical lines ending in a backslash, keeping each piece's file offset. A list rather
 * than a generator: resuming a generator per line cost more than the list.
 */
function logicalLines(content: string): LogicalLine[] {
  const logical: LogicalLine[] = [];
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
      logical.push({ text: kept, start: lineStart }); // most lines: no list of offsets to build
    } else {
      joined ??= { text: '', start: lineStart, pieces: [] };
      if (kept.length > 0) joined.pieces!.push({ at: joined.text.length, start: lineStart });
      joined.text += kept;
      if (!continues || lineEnd === content.length) {
        logical.push(joined);
        joined = undefined;
      }
    }
    lineStart = lineEnd + 1;
  }
  return logical;
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
  while (at < text.length && isNameChar(text.charCodeAt(at))) at++;
  if (at === nameStart || !isAlphanumeric(text.charCodeAt(nameStart)) || !isAlphanumeric(text.charCodeAt(at - 1))) return undefined;
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
  while (at < text.length && !isSpaceCode(text.charCodeAt(at)) && text[at] !== ',' && text[at] !== ';') at++;
  if (at === versionStart) return undefined;
  const versionEnd = at;
  at = skipSpaces(text, at);
  if (at < text.length && (text[at] !== ',' || text.includes(';', at))) return undefined;
  return { name, operator, version: text.slice(versionStart, versionEnd), nameStart, versionEnd };
}

function skipSpaces(text: string, at: number): number {
  while (at < text.length && isSpaceCode(text.charCodeAt(at))) at++;
  return at;
}

/** JavaScript's `\s`, by character code (a regular expression per character cost a tenth of the analysis). */
function isSpaceCode(code: number): boolean {
  if (code < 0x80) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  return code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029
    || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
}

/** The text before the first per-requirement option: a space then `-x` or `--x` (x a letter). */
function beforeOptions(text: string): string {
  for (let at = text.indexOf('-'); at !== -1; at = text.indexOf('-', at + 1)) {
    if (at === 0 || !isSpaceCode(text.charCodeAt(at - 1))) continue;
    const next = text.charCodeAt(at + 1) === 0x2d ? at + 2 : at + 1;
    if (isAsciiLetter(text.charCodeAt(next))) return text.slice(0, at - 1);
  }
  return text;
}

function isAsciiLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

/** The scanners work on character codes: comparing one-character strings cost a tenth of the analysis. */
function isAlphanumeric(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39);
}

/** A letter, a digit, `.`, `_` or `-`. */
function isNameChar(code: number): boolean {
  return isAlphanumeric(code) || code === 0x2e || code === 0x5f || code === 0x2d;
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
