// pip requirements.txt. As in Trivy, only exactly pinned requirements (`name==version`,
// `name===version`) name a package; ranges, wildcards (`==1.*`), URLs, paths, editable installs
// and option lines (`-r`, `-c`, `--index-url`, ...) are skipped, and referenced files are not
// followed. Every package is direct.
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
import { parseInlineIgnores } from '../inline-ignore';
import { buildPurl } from '../purl';
import type { Analyzer, AnalyzerInput, AnalyzerOutput, InlineIgnore, Package, PackageCopy } from '../types';
import { LineIndex } from '../text';

export const pipRequirementsAnalyzer: Analyzer = {
  id: 'pip-requirements',
  type: 'pip',
  scanner: 'vuln',
  ecosystem: 'PyPI',
  fileNames: ['requirements.txt'],
  inlineIgnores: true,
  trivyParser: 'python/pip',
  fixes: 'pip-pin',
  analyze(input) {
    return parseRequirements(input);
  },
};

export function parseRequirements(input: AnalyzerInput): AnalyzerOutput {
  const content = repairEncoding(input.content);
  const lines = new LineIndex(content, input.path);
  const byId = new Map<string, Package>();

  let lineAbove: LogicalLine | undefined;
  for (const line of logicalLines(content)) {
    const above = lineAbove;
    lineAbove = line;
    const requirement = stripComment(line.text);
    if (requirement.trimStart().startsWith('-')) continue; // -r, -c, -e, --index-url, ...
    const withoutMarker = requirement.split(';')[0];
    const withoutOptions = withoutMarker.split(/\s--?[A-Za-z]/)[0];
    const pin = parsePinned(withoutOptions);
    if (!pin) continue;
    const { name, operator, version } = pin;
    if (version.includes('*')) continue;
    if (operator === '==' && !validPep440(version)) continue;

    const start = line.offsets[pin.nameStart];
    const end = line.offsets[pin.versionEnd - 1] + 1;
    const location = lines.range(start, end);
    // The underline is the name, on its line (a backslash can continue a requirement, even a name, on the next).
    const nameEnd = line.offsets[pin.nameStart + name.length - 1] + 1;
    const lineEnd = content.indexOf('\n', start);
    const highlight = lines.range(start, lineEnd === -1 ? nameEnd : Math.min(nameEnd, lineEnd));
    const copy: PackageCopy = { key: `line ${location.startLine}`, location, highlight, direct: true, dev: false };
    const id = `${name}@${version}`;
    const ignores = inlineIgnoresOf(line, above);
    const known = byId.get(id);
    if (known) {
      // A second pin of the same version: a copy of its own, so the editor marks both lines.
      known.copies!.push(copy);
      // One entry of a duplicated pin is enough to ignore: findings are per package, not per line.
      // Appended in place: copying the list for each repeat was quadratic in the repeats.
      const list = (known.inlineIgnores ??= []);
      for (const ignore of ignores) list.push(ignore);
      continue;
    }
    byId.set(id, {
      id,
      name,
      version,
      ecosystem: 'PyPI',
      purl: buildPurl('PyPI', name, version),
      direct: true,
      dev: false,
      location,
      copies: [copy],
      ...(ignores.length > 0 ? { inlineIgnores: ignores } : {}),
    });
  }
  return { packages: [...byId.values()] };
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
  /** Offset in the file of each character of `text`. */
  offsets: number[];
}

/** Joins physical lines ending in a backslash, keeping each character's file offset. */
function* logicalLines(content: string): Generator<LogicalLine> {
  let text = '';
  let offsets: number[] = [];
  let lineStart = 0;
  while (lineStart <= content.length) {
    let lineEnd = content.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = content.length;
    let physical = content.slice(lineStart, lineEnd);
    if (physical.endsWith('\r')) physical = physical.slice(0, -1);

    // pip: a comment line never continues, and continued lines lose their backslashes.
    const continues = physical.endsWith('\\') && !/^\s*#/.test(physical);
    const kept = continues ? physical.slice(0, trailingBackslashesStart(physical)) : physical;
    for (let i = 0; i < kept.length; i++) offsets.push(lineStart + i);
    text += kept;
    if (!continues || lineEnd === content.length) {
      yield { text, offsets };
      text = '';
      offsets = [];
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
