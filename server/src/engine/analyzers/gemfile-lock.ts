// Gemfile.lock (Bundler), read line by line.
//
// The file is a list of sections, each a header at column 1. Source sections (GEM, GIT, PATH,
// PLUGIN SOURCE) hold a `specs:` list: a gem is `    name (version)` at four spaces, and each of
// its dependencies `      name (requirements)` at six. DEPENDENCIES lists what the Gemfile
// declares, at two spaces, with a trailing `!` for a gem from a non-default source. Other
// sections (PLATFORMS, RUBY VERSION, BUNDLED WITH, CHECKSUMS) are passed over.
//
// A version's platform suffix is dropped, as Trivy does (`1.13.6-x86_64-linux` is 1.13.6), so the
// platform variants of one gem are copies of one package. PATH gems are the user's own code:
// they are not reported, and what they depend on is direct when the Gemfile declares them.
// Direct = declared in DEPENDENCIES (the Gemfile's list, written by Bundler); Gemfile.lock does
// not record groups, so nothing is dev.
import { buildPurl } from '../purl';
import { compareStrings, LineCursor } from '../text';
import type { Analyzer, Package, SourceRange } from '../types';

const MANIFEST = 'Gemfile';

export const gemfileLockAnalyzer: Analyzer = {
  id: 'gemfile-lock',
  type: 'bundler',
  scanner: 'vuln',
  ecosystem: 'RubyGems',
  fileNames: ['Gemfile.lock'],
  // Read for nothing (DEPENDENCIES says what is direct): named so that the editor annotates and
  // fixes the Gemfile, and re-checks the lockfile when it changes.
  siblings: [MANIFEST],
  manifest: MANIFEST,
  inlineIgnores: false,
  trivyParser: 'ruby/bundler',
  fixes: 'none',
  analyze: input => ({ packages: parseGemfileLock(input.content, input.path) }),
};

interface Spec {
  name: string;
  version: string;
  /** From a PATH source: the user's own code. */
  local: boolean;
  /** Names of the gems it depends on. */
  dependencies: string[];
  /** Offsets of the spec line, of its text (`name (version)`) and of the end of its last dependency line. */
  lineStart: number;
  start: number;
  textEnd: number;
  end: number;
}

const SOURCE_SECTIONS = new Set(['GEM', 'GIT', 'PATH', 'PLUGIN SOURCE']);
const KNOWN_SECTIONS = new Set([...SOURCE_SECTIONS, 'DEPENDENCIES', 'PLATFORMS', 'RUBY VERSION', 'BUNDLED WITH', 'CHECKSUMS']);

export function parseGemfileLock(content: string, file: string): Package[] {
  const specs: Spec[] = [];
  const declared: string[] = [];
  let section: string | undefined;
  let inSpecs = false;
  let sawSection = false;
  let spec: Spec | undefined;

  let lineNumber = 0;
  for (let lineStart = 0; lineStart < content.length; ) {
    lineNumber++;
    let lineEnd = content.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = content.length;
    let stop = lineEnd;
    while (stop > lineStart && isBlank(content.charCodeAt(stop - 1))) stop--;
    let first = lineStart;
    while (first < stop && content.charCodeAt(first) === SPACE) first++;
    const leading = first - lineStart;
    const thisLine = lineStart;
    lineStart = lineEnd + 1;
    if (first === stop) continue; // blank line

    if (leading === 0) {
      section = content.slice(first, stop);
      if (!KNOWN_SECTIONS.has(section) && section.toUpperCase() !== section) {
        throw malformed(lineNumber, 'a line at column 1 is not a section header');
      }
      sawSection ||= KNOWN_SECTIONS.has(section);
      inSpecs = false;
      spec = undefined;
      continue;
    }
    if (section === undefined) throw malformed(lineNumber, 'an indented line comes before any section header');

    if (section === 'DEPENDENCIES') {
      if (leading === 2) declared.push(trimBang(firstToken(content, first, stop)));
      continue;
    }
    if (!SOURCE_SECTIONS.has(section)) continue;
    if (leading === 2) {
      inSpecs = content.slice(first, stop) === 'specs:';
      spec = undefined;
    } else if (leading === 4 && inSpecs) {
      spec = readSpec(content, thisLine, first, stop, lineNumber, section === 'PATH');
      specs.push(spec);
    } else if (leading === 6 && spec) {
      spec.dependencies.push(firstToken(content, first, stop));
      spec.end = stop;
    }
  }
  if (!sawSection && content.trim() !== '') throw new Error('not a valid Gemfile.lock: it has none of the sections Bundler writes');
  return buildPackages(specs, declared, new LineCursor(content, file));
}

/** `name (version)`: the version in parentheses, without a platform suffix. */
function readSpec(content: string, lineStart: number, first: number, stop: number, lineNumber: number, local: boolean): Spec {
  const space = content.indexOf(' (', first);
  if (space === -1 || space >= stop || content.charCodeAt(stop - 1) !== CLOSE_PAREN) {
    throw malformed(lineNumber, "a gem in specs is not written 'name (version)'");
  }
  const name = content.slice(first, space);
  const written = content.slice(space + 2, stop - 1);
  const dash = written.indexOf('-');
  const version = dash === -1 ? written : written.slice(0, dash);
  if (name === '' || version === '' || name.includes(' ') || version.includes(' ')) {
    throw malformed(lineNumber, "a gem in specs is not written 'name (version)'");
  }
  return { name, version, local, dependencies: [], lineStart, start: first, textEnd: stop, end: stop };
}

function firstToken(content: string, first: number, stop: number): string {
  let end = first;
  while (end < stop && content.charCodeAt(end) !== SPACE) end++;
  return content.slice(first, end);
}

function trimBang(name: string): string {
  return name.endsWith('!') ? name.slice(0, -1) : name;
}

function buildPackages(specs: Spec[], declared: string[], lines: LineCursor): Package[] {
  const idByName = new Map<string, string>();
  const localByName = new Map<string, Spec>();
  for (const spec of specs) {
    if (spec.local) localByName.set(spec.name, spec);
    else if (!idByName.has(spec.name)) idByName.set(spec.name, `${spec.name}@${spec.version}`);
  }
  const direct = new Set<string>();
  for (const name of declared) {
    const local = localByName.get(name);
    if (local) for (const dependency of local.dependencies) direct.add(dependency);
    else direct.add(name);
  }

  const packages = new Map<string, Package>();
  for (const spec of specs) {
    if (spec.local) continue;
    const id = `${spec.name}@${spec.version}`;
    // The entry from column 1 (as Trivy's line), the underline on the gem's own text.
    const location: SourceRange = lines.range(spec.lineStart, spec.end);
    // Every member named: spreading `location` took V8's slow object-clone path for each gem.
    const highlight: SourceRange = {
      file: location.file, startLine: location.startLine, startColumn: spec.start - spec.lineStart + 1, endLine: location.startLine, endColumn: spec.textEnd - spec.lineStart + 1,
    };
    const isDirect = direct.has(spec.name);
    const copy = { key: `${spec.name} (${spec.version})`, location, highlight, direct: isDirect, dev: false };
    const known = packages.get(id);
    const dependsOn = known ? known.dependsOn! : [];
    for (const name of spec.dependencies) {
      const dependency = idByName.get(name);
      if (dependency !== undefined) dependsOn.push(dependency);
    }
    if (known) {
      known.copies!.push(copy);
      continue;
    }
    packages.set(id, {
      id, name: spec.name, version: spec.version, ecosystem: 'RubyGems', purl: buildPurl('RubyGems', spec.name, spec.version),
      direct: isDirect, dev: false, location, copies: [copy], dependsOn,
    });
  }
  for (const pkg of packages.values()) pkg.dependsOn = sortedUnique(pkg.dependsOn!);
  return [...packages.values()];
}

/** Sorted, each once: sorting first and dropping neighbours saves a Set per gem. */
function sortedUnique(ids: string[]): string[] {
  if (ids.length < 2) return ids;
  ids.sort(compareStrings); // the default order, without the default sort's conversion of each item to a string
  let kept = 0;
  for (const id of ids) if (kept === 0 || ids[kept - 1] !== id) ids[kept++] = id;
  ids.length = kept;
  return ids;
}

const SPACE = 0x20;
const CLOSE_PAREN = 0x29;

function isBlank(code: number): boolean {
  return code === SPACE || code === 0x09 || code === 0x0d;
}

function malformed(lineNumber: number, what: string): Error {
  return new Error(`not a valid Gemfile.lock: ${what} (line ${lineNumber})`);
}
