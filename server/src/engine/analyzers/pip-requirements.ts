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
import type { Analyzer, AnalyzerInput, AnalyzerOutput, InlineIgnore, Package, PackageCopy, SourceRange } from '../types';
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

/**
 * `name[extras] == version` with optional trailing `,<other clauses>`; groups: name, operator,
 * version. Offsets come from the `d` flag.
 */
const PINNED = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*(===?)\s*([^\s,;]+)\s*(?:,[^;]*)?$/d;

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
    const match = PINNED.exec(withoutOptions);
    if (!match?.indices) continue;
    const [, name, operator, version] = match;
    if (version.includes('*')) continue;
    if (operator === '==' && !validPep440(version)) continue;

    const start = line.offsets[match.indices[1][0]];
    const end = line.offsets[match.indices[3][1] - 1] + 1;
    const location = lines.range(start, end);
    const id = `${name}@${version}`;
    const ignores = inlineIgnoresOf(line, above);
    const known = byId.get(id);
    if (known) {
      // A second pin of the same version: a copy of its own, so the editor marks both lines.
      known.copies ??= [requirementCopy(known.location!)];
      known.copies.push(requirementCopy(location));
      // One entry of a duplicated pin is enough to ignore: findings are per package, not per line.
      if (ignores.length > 0) known.inlineIgnores = [...(known.inlineIgnores ?? []), ...ignores];
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
      ...(ignores.length > 0 ? { inlineIgnores: ignores } : {}),
    });
  }
  return { packages: [...byId.values()] };
}

function requirementCopy(location: SourceRange): PackageCopy {
  return { key: `line ${location.startLine}`, location, highlight: location, direct: true, dev: false };
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
    const kept = continues ? physical.replace(/\\+$/, '') : physical;
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

/** Cuts at the first `#`. pip wants whitespace before it; Trivy does not, and neither do we. */
function stripComment(text: string): string {
  const hash = text.indexOf('#');
  return hash === -1 ? text : text.slice(0, hash);
}

/** Drops a BOM, and undoes UTF-16LE bytes that were decoded as UTF-8 (ASCII text only). */
function repairEncoding(content: string): string {
  let text = content.startsWith('\uFEFF') ? content.slice(1) : content;
  if (text.includes('\u0000')) {
    text = text.replace(/^\uFFFD+/, '').replace(/\u0000/g, '');
  }
  return text;
}
