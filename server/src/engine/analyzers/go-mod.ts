// go.mod (Go modules), read line by line as the go command does: a directive and its arguments
// per line, or a directive followed by a `( ... )` block of argument lines; `//` starts a comment;
// arguments may be quoted ("..." or `...`).
//
// Every `require` is a package; `// indirect` marks it indirect, the rest are direct. `replace`
// directives apply as in Trivy: one that names a required module (at its version, when it gives
// one) swaps it for the replacement module and version, written on the replace line; a
// replacement by a local path leaves the module out (it is the user's own code). The Go toolchain
// the module asks for is the `stdlib` package (from `toolchain`, else from `go` when it is 1.21 or
// later), as Trivy reports it.
//
// Before Go 1.17 go.mod lists only part of the build; the go.sum beside it adds, as indirect, the
// modules it holds code hashes for and go.mod does not name (at the highest such version). They
// have no place in go.mod.
import { sortIfNeeded } from '../depgraph';
import { buildPurl } from '../purl';
import { LineCursor } from '../text';
import type { Analyzer, Package, ProjectInfo, SourceRange } from '../types';
import { compareGo } from '../versions/go';

const GO_SUM = 'go.sum';

export const goModAnalyzer: Analyzer = {
  id: 'go-mod',
  type: 'gomod',
  scanner: 'vuln',
  ecosystem: 'Go',
  fileNames: ['go.mod'],
  siblings: [GO_SUM],
  inlineIgnores: false,
  trivyParser: 'golang/mod',
  fixes: 'none',
  analyze: input => {
    // Read once for both: the module line used to be found by a second read of the whole file.
    const directives = readDirectives(input.content);
    return { packages: packagesOf(directives, input.content, input.path, input.siblings?.get(GO_SUM)), project: moduleOf(directives) };
  },
};

export interface Token {
  text: string;
  start: number;
  end: number;
}

export interface Directive {
  verb: string;
  args: Token[];
  comment: string;
  lineNumber: number;
  lineStart: number;
  lineEnd: number;
}

const VERBS = new Set(['module', 'go', 'toolchain', 'godebug', 'require', 'replace', 'exclude', 'retract', 'tool', 'ignore']);

interface Requirement {
  name: string;
  version: string;
  indirect: boolean;
  /** Its line and its path-and-version text; none for a module only go.sum names. */
  place?: { location: SourceRange; highlight: SourceRange };
}

/** The module go.mod declares (its `module` line): the project, as Trivy's root package, without a version. */
function moduleOf(directives: Directive[]): ProjectInfo | undefined {
  const name = directives.find(directive => directive.verb === 'module')?.args[0]?.text;
  return name ? { name, purl: buildPurl('Go', name, '') } : undefined;
}

export function parseGoMod(content: string, file: string, goSum?: string): Package[] {
  return packagesOf(readDirectives(content), content, file, goSum);
}

function packagesOf(directives: Directive[], content: string, file: string, goSum: string | undefined): Package[] {
  const lines = new LineCursor(content, file);

  let goVersion: string | undefined;
  let stdlib: Requirement | undefined;
  let required: Requirement[] = [];
  const replaces: Replace[] = [];
  for (const directive of directives) {
    const { verb, args, lineNumber } = directive;
    if (verb === 'go' || verb === 'toolchain') {
      if (args.length !== 1) throw malformed(lineNumber, `'${verb}' takes one version`);
      const version = verb === 'go' ? toolchainFromGoLine(args[0].text) : toolchainFromName(args[0].text);
      if (verb === 'go') goVersion = args[0].text;
      if (version && (verb === 'toolchain' || !stdlib)) {
        stdlib = { name: 'stdlib', version: `v${version}`, indirect: false, place: placeOf(lines, directive, args[0], args[0]) };
      }
    } else if (verb === 'require') {
      if (args.length !== 2 || args[1].text === '') throw malformed(lineNumber, "a 'require' is not a module path and a version");
      required.push({ name: args[0].text, version: args[1].text, indirect: isIndirect(directive.comment), place: placeOf(lines, directive, args[0], args[1]) });
    } else if (verb === 'replace') {
      replaces.push(replaceOf(directive));
    }
  }

  // Replacements apply to the module paths go.mod requires, not to other replacements: each
  // requirement goes through the replaces of its own path, in file order. Indexed by the replaced
  // path, as there are few replaces and many requirements.
  const replacesOf = new Map<string, Replace[]>();
  for (const replace of replaces) {
    const known = replacesOf.get(replace.old.text);
    if (known) known.push(replace);
    else replacesOf.set(replace.old.text, [replace]);
  }
  const removed = new Set<number>();
  for (let index = 0; replacesOf.size > 0 && index < required.length; index++) {
    for (const { oldVersion, replacement, version, directive } of replacesOf.get(required[index].name) ?? []) {
      const requirement = required[index];
      if (oldVersion && oldVersion.text !== requirement.version) continue;
      if (!version) removed.add(index); // a local directory
      else required[index] = { name: replacement.text, version: version.text, indirect: requirement.indirect, place: placeOf(lines, directive, replacement, version) };
    }
  }
  if (removed.size > 0) required = required.filter((_, index) => !removed.has(index));

  const all = stdlib ? [...required, stdlib] : required;
  if (goSum !== undefined && before117(goVersion)) all.push(...fromGoSum(goSum, new Set(all.map(r => r.name))));
  // Each name@version once, the further entries as copies, in file order (go.sum's modules last).
  sortIfNeeded(all, (a, b) => lineOf(a) - lineOf(b));
  const packages = new Map<string, Package>();
  for (const { name, version, indirect, place: at } of all) {
    const id = `${name}@${version}`;
    const copy = at && { key: id, location: at.location, highlight: at.highlight, direct: !indirect, dev: false };
    const known = packages.get(id);
    if (known) {
      // Two requirements swapped by one replace share its line: one copy.
      const copies = (known.copies ??= []);
      if (copy && copies[copies.length - 1]?.location.startLine !== copy.location.startLine) copies.push(copy);
      known.direct ||= !indirect;
      continue;
    }
    const pkg: Package = { id, name, version, ecosystem: 'Go', purl: buildPurl('Go', name, version), direct: !indirect, dev: false };
    if (copy) {
      pkg.location = copy.location;
      pkg.copies = [copy];
    }
    packages.set(id, pkg);
  }
  return [...packages.values()];
}

// Object literals here name every member: spreading one object into another took V8's slow
// object-clone path, about a microsecond each, most of the analysis of a small go.mod.
function placeOf(lines: LineCursor, directive: Directive, from: Token, to: Token): { location: SourceRange; highlight: SourceRange } {
  return { location: lines.range(directive.lineStart, directive.lineEnd), highlight: lines.range(from.start, to.end) };
}

function lineOf(requirement: Requirement): number {
  return requirement.place?.location.startLine ?? Infinity;
}

/** A `replace` line: `module [version] => module [version]`; the replacement has no version when it is a local directory. */
export interface Replace {
  old: Token;
  oldVersion?: Token;
  replacement: Token;
  version?: Token;
  directive: Directive;
}

export function replaceOf(directive: Directive): Replace {
  const { args, lineNumber } = directive;
  const arrow = args.findIndex(arg => arg.text === '=>');
  if ((arrow !== 1 && arrow !== 2) || args.length - arrow - 1 < 1 || args.length - arrow - 1 > 2) {
    throw malformed(lineNumber, "a 'replace' is not 'module [version] => module [version]'");
  }
  return { old: args[0], oldVersion: arrow === 2 ? args[1] : undefined, replacement: args[arrow + 1], version: args[arrow + 2], directive };
}

/** modfile's rule: the line's comment is `indirect`, or starts `indirect;`. */
export function isIndirect(comment: string): boolean {
  const text = comment.trim();
  return text === 'indirect' || text.startsWith('indirect;');
}

/** A `go` line without a `toolchain` names the minimum toolchain from Go 1.21 on: `1.22` is 1.22.0. */
export function toolchainFromGoLine(version: string): string | undefined {
  const parts = version.split('.');
  const release = parts.length > 2 ? parts.slice(0, 2).join('.') : version.split('rc')[0];
  if (!atLeast(release, 1, 21)) return undefined;
  return parts.length === 2 && !version.includes('rc') ? `${version}.0` : version;
}

/** `go1.22.5-custom` is 1.22.5. */
export function toolchainFromName(name: string): string | undefined {
  const version = name.split('-')[0];
  return version.startsWith('go') && version.length > 2 ? version.slice(2) : undefined;
}

function atLeast(release: string, major: number, minor: number): boolean {
  const [majorText, minorText] = release.split('.');
  const found = [Number(majorText), Number(minorText)];
  if (!Number.isInteger(found[0]) || !Number.isInteger(found[1])) return false;
  return found[0] > major || (found[0] === major && found[1] >= minor);
}

/** A go.mod without a `go` line, or one below 1.17, predates the complete module list. */
function before117(goVersion: string | undefined): boolean {
  return goVersion === undefined || !atLeast(goVersion.split('rc')[0], 1, 17);
}

/** Modules go.sum holds a code hash for (`path version h1:...`, not `path version/go.mod`) that go.mod does not name. */
function fromGoSum(goSum: string, named: Set<string>): Requirement[] {
  const highest = new Map<string, string>();
  for (const line of goSum.split('\n')) {
    const [name, version, hash] = line.trim().split(/\s+/);
    if (!name || !version || !hash || version.endsWith('/go.mod') || named.has(name)) continue;
    const known = highest.get(name);
    if (known === undefined || compareGo(version, known) > 0) highest.set(name, version);
  }
  return [...highest].map(([name, version]) => ({ name, version, indirect: true }));
}

// ---- the line reader ----

/** go.mod's directives, block lines as directives of their block's verb; throws on a malformed line. */
export function readDirectives(content: string): Directive[] {
  const directives: Directive[] = [];
  let block: string | undefined;
  let blockLine = 0;
  let lineNumber = 0;
  for (let lineStart = 0; lineStart < content.length; ) {
    lineNumber++;
    let lineEnd = content.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = content.length;
    const { tokens, comment } = tokenize(content, lineStart, lineEnd, lineNumber);
    let end = lineEnd;
    while (end > lineStart && isSpace(content.charCodeAt(end - 1))) end--;
    const line = lineStart;
    lineStart = lineEnd + 1;
    if (tokens.length === 0) continue;

    if (block !== undefined) {
      if (tokens.length === 1 && tokens[0].text === ')') block = undefined;
      else directives.push({ verb: block, args: tokens, comment, lineNumber, lineStart: line, lineEnd: end });
      continue;
    }
    const verb = tokens[0].text;
    if (!VERBS.has(verb)) throw malformed(lineNumber, 'not a go.mod directive');
    if (tokens.length === 2 && tokens[1].text === '(') {
      block = verb;
      blockLine = lineNumber;
    } else {
      directives.push({ verb, args: tokens.slice(1), comment, lineNumber, lineStart: line, lineEnd: end });
    }
  }
  if (block !== undefined) throw malformed(blockLine, "a '(' block is not closed");
  return directives;
}

/** The tokens of one line and its `//` comment's text. Quoted tokens lose their quotes. */
function tokenize(content: string, start: number, end: number, lineNumber: number): { tokens: Token[]; comment: string } {
  const tokens: Token[] = [];
  let at = start;
  while (at < end) {
    const code = content.charCodeAt(at);
    if (isSpace(code)) {
      at++;
    } else if (code === SLASH && content.charCodeAt(at + 1) === SLASH) {
      return { tokens, comment: content.slice(at + 2, end) };
    } else if (code === QUOTE || code === BACKTICK) {
      const close = closingQuote(content, at, end, code);
      if (close === -1) throw malformed(lineNumber, 'a quoted string is not closed');
      const raw = content.slice(at, close + 1);
      let text: string;
      try {
        text = code === QUOTE ? (JSON.parse(raw) as string) : raw.slice(1, -1);
      } catch {
        throw malformed(lineNumber, 'a quoted string has an invalid escape');
      }
      tokens.push({ text, start: at, end: close + 1 });
      at = close + 1;
    } else {
      const tokenStart = at;
      while (at < end && !isSpace(content.charCodeAt(at)) && !(content.charCodeAt(at) === SLASH && content.charCodeAt(at + 1) === SLASH)) at++;
      tokens.push({ text: content.slice(tokenStart, at), start: tokenStart, end: at });
    }
  }
  return { tokens, comment: '' };
}

function closingQuote(content: string, open: number, end: number, quote: number): number {
  for (let at = open + 1; at < end; at++) {
    const code = content.charCodeAt(at);
    if (code === quote) return at;
    if (code === BACKSLASH && quote === QUOTE) at++;
  }
  return -1;
}

const SLASH = 0x2f;
const QUOTE = 0x22;
const BACKTICK = 0x60;
const BACKSLASH = 0x5c;

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0d;
}

function malformed(lineNumber: number, what: string): Error {
  return new Error(`not a valid go.mod: ${what} (line ${lineNumber})`);
}
