// Gemfile as a manifest. A Gemfile is Ruby; Vigil reads the part of it Bundler's DSL gives a
// shape to, with a one-pass scanner and no evaluation: `gem 'name', 'requirement', ...` calls
// (parenthesised or not, continued over lines after a comma), whose leading string literals are
// the name and the version requirements, up to the first argument that is not a string literal
// (`require: false`, `git: '...'`). `group ... do` blocks name the section. A gem whose
// requirements are not plain literals (interpolated strings, variables) is listed without a
// requirement, and nothing is bumped: the scanner cannot tell what Ruby would make of it.
import type { TextEditAt } from './edits';
import type { BumpEdit, ManifestDependency, ManifestFormat } from './manifests';
import { bumpGemRequirements } from './versions';

interface StringLiteral {
  value: string;
  start: number;
  end: number;
  quote: string;
  /** `"#{...}"`: Ruby fills it in at run time. */
  dynamic: boolean;
}

interface GemDeclaration extends ManifestDependency {
  requirements: StringLiteral[];
}

/** Every `gem` call of a Gemfile, in file order. */
export function gemDeclarations(text: string): GemDeclaration[] {
  const found: GemDeclaration[] = [];
  // The section of each open block: its group, or the group around it.
  const blocks: string[] = [];
  const open = (group?: string) => blocks.push(group ?? blocks[blocks.length - 1] ?? 'gem');
  let at = 0;
  while (at < text.length) {
    let lineEnd = text.indexOf('\n', at);
    if (lineEnd === -1) lineEnd = text.length;
    const first = skipBlanks(text, at, lineEnd);
    const word = readWord(text, first, lineEnd);
    let next = lineEnd + 1;
    if (word === 'gem' && (text[first + 3] === ' ' || text[first + 3] === '\t' || text[first + 3] === '(')) {
      const { literals, end } = readArguments(text, text[first + 3] === '(' ? first + 4 : first + 3);
      const [name, ...requirements] = literals;
      if (name && !name.dynamic && name.value !== '') {
        const plain = requirements.every(requirement => !requirement.dynamic);
        found.push({
          name: name.value, spec: plain ? requirements.map(r => r.value).join(', ') : '', section: blocks[blocks.length - 1] ?? 'gem',
          offset: first, length: end - first, requirements: plain ? requirements : [],
        });
      }
      if (end > lineEnd) next = (text.indexOf('\n', end) + 1) || text.length;
    } else if (word === 'end') {
      blocks.pop();
    } else if (OPENERS.has(word)) {
      open();
    } else if (opensBlock(text.slice(first, lineEnd))) {
      open(word === 'group' ? groupLabel(text.slice(first + 5, lineEnd)) : undefined);
    }
    at = next;
  }
  return found;
}

/** Keywords that open a block an `end` closes, at the start of a line. */
const OPENERS = new Set(['if', 'unless', 'case', 'begin', 'while', 'until', 'def', 'class', 'module']);

/** A line that ends with `do` or `do |args|`, whatever the comment after it. */
function opensBlock(line: string): boolean {
  const hash = line.indexOf('#');
  const code = (hash === -1 ? line : line.slice(0, hash)).trimEnd();
  if (code === 'do' || code.endsWith(' do') || code.endsWith('\tdo')) return true;
  return code.endsWith('|') && code.lastIndexOf(' do |') !== -1;
}

/** `group :development, :test do` is `group development, test`. */
function groupLabel(rest: string): string {
  const body = rest.slice(0, rest.lastIndexOf(' do')).split(',').map(part => part.trim().replace(/^:/, '')).filter(Boolean);
  return `group ${body.join(', ')}`;
}

/** The string literals a call starts with, and where the last one ends. */
function readArguments(text: string, from: number): { literals: StringLiteral[]; end: number } {
  const literals: StringLiteral[] = [];
  let at = from;
  let end = from;
  let afterComma = true;
  while (at < text.length && afterComma) {
    // After a comma, the call goes on over blank space and line breaks.
    while (at < text.length && (text[at] === ' ' || text[at] === '\t' || text[at] === '\r' || text[at] === '\n')) at++;
    const quote = text[at];
    if (quote !== "'" && quote !== '"') break;
    const literal = readString(text, at);
    if (!literal) break;
    literals.push(literal);
    end = literal.end;
    at = skipBlanks(text, literal.end, text.length);
    afterComma = text[at] === ',';
    at++;
  }
  return { literals, end };
}

/** A one-line Ruby string literal at `start`, or undefined when it is not closed on its line. */
function readString(text: string, start: number): StringLiteral | undefined {
  const quote = text[start];
  let value = '';
  let dynamic = false;
  for (let at = start + 1; at < text.length; at++) {
    const char = text[at];
    if (char === '\n') return undefined;
    if (char === quote) return { value, start, end: at + 1, quote, dynamic };
    if (char === '\\' && at + 1 < text.length) {
      const escaped = text[++at];
      // In single quotes only \\ and \' are escapes; other escapes of double quotes stay as written.
      value += quote === "'" && escaped !== '\\' && escaped !== "'" ? `\\${escaped}` : escaped;
      dynamic ||= quote === '"' && !'\\"'.includes(escaped);
    } else {
      dynamic ||= quote === '"' && char === '#' && text[at + 1] === '{';
      value += char;
    }
  }
  return undefined;
}

function skipBlanks(text: string, at: number, end: number): number {
  while (at < end && (text[at] === ' ' || text[at] === '\t')) at++;
  return at;
}

function readWord(text: string, at: number, end: number): string {
  let stop = at;
  while (stop < end && /[A-Za-z0-9_]/.test(text[stop])) stop++;
  return text.slice(at, stop);
}

export const gemfileManifest: ManifestFormat = {
  fileNames: ['Gemfile'],
  ecosystem: 'RubyGems',
  list: text => gemDeclarations(text).map(({ requirements: _, ...dependency }) => dependency),
  bump(text, name, version): BumpEdit | undefined {
    const edits: TextEditAt[] = [];
    let spec: string | undefined;
    for (const gem of gemDeclarations(text)) {
      if (gem.name !== name || gem.requirements.length === 0) continue;
      const bumped = bumpGemRequirements(gem.requirements.map(requirement => requirement.value), version);
      if (!bumped) continue;
      gem.requirements.forEach((requirement, index) => {
        if (bumped[index] !== requirement.value) {
          edits.push({ offset: requirement.start, length: requirement.end - requirement.start, newText: `${requirement.quote}${bumped[index]}${requirement.quote}` });
        }
      });
      spec ??= bumped.join(', ');
    }
    return spec ? { edits, spec } : undefined;
  },
};
