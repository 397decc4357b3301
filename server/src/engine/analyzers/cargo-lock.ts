// Cargo.lock (Cargo, Rust).
//
// smol-toml reads the values; a linear scan of the lines locates each `[[package]]` table, as
// Cargo writes them (a header line, then its keys). Where the scan and the parser disagree
// (TOML written by hand in another shape), toml-eslint-parser, which gives positions but takes
// time that grows faster than the file, locates them instead.
//
// Each `[[package]]` table has `name`, `version`, a `source` for crates from a registry or git,
// and `dependencies`: `"name"` where the lockfile holds one version of that crate,
// `"name version"` where it holds several, and `"name version (source)"` in old lockfiles.
// Packages without a `source` are the workspace's own crates (the root crate, members, path
// dependencies): they are not reported, and what they depend on is direct. Registry and git
// crates are reported, as in Trivy.
//
// Dev: the Cargo.toml beside the lockfile says which of the root crate's dependencies are
// `[dev-dependencies]` only; a crate reached only through those is dev. Without it nothing is dev.
//
// Members: Cargo.lock names the workspace's crates, not their folders. The `[workspace] members`
// of the Cargo.toml beside it do: each folder's own Cargo.toml names its crate (read in `gather`).
// A pattern (`crates/*`) cannot be listed through the scan's reader, so its `*` is tried with the
// name of each local crate, which finds the usual layout; the crate's own Cargo.toml confirms it.
// A package belongs to the members whose dependencies pull it in, through path crates that are no
// member. When some crate's folder stays unknown, nothing is attributed, and a note says why.
import { parse as parseToml } from 'smol-toml';
import { parseTOML, type AST } from 'toml-eslint-parser';
import { attributeToMembers, memberFolder, sortUnique } from '../depgraph';
import { hexHashes } from '../hashes';
import { buildPurl } from '../purl';
import { resolveRelative } from '../source';
import type { Analyzer, AnalyzerInput, AnalyzerOutput, Package, PackageCopy, RelatedReader, SourceRange } from '../types';

const MANIFEST = 'Cargo.toml';

export const cargoLockAnalyzer: Analyzer = {
  id: 'cargo-lock',
  type: 'cargo',
  scanner: 'vuln',
  ecosystem: 'crates.io',
  fileNames: ['Cargo.lock'],
  siblings: [MANIFEST],
  manifest: MANIFEST,
  inlineIgnores: false,
  trivyParser: 'rust/cargo',
  fixes: 'none',
  gather: readMemberManifests,
  analyze: analyzeCargoLock,
};

/** The crates of a workspace's members by name, and what could not be attributed. */
export interface CargoWorkspace {
  /** Each member crate's folder, relative to the lockfile's (`''` for the root crate). */
  folderOf: ReadonlyMap<string, string>;
  /** Where the notes about members that could not be attributed go. */
  notes: string[];
}

function analyzeCargoLock(input: AnalyzerInput): AnalyzerOutput {
  const manifestText = input.siblings?.get(MANIFEST);
  const declared = declaredMembers(manifestText);
  if (!declared) return { packages: parseCargoLock(input.content, input.path, manifestText) };
  const folderOf = new Map<string, string>();
  if (declared.rootName !== undefined) folderOf.set(declared.rootName, '');
  for (const { folder } of candidateFolders(declared, localCrateNames(input.content))) {
    const manifestPath = memberManifestPath(input.path, folder);
    const name = manifestPath === undefined ? undefined : crateName(input.related?.get(manifestPath));
    if (name !== undefined && !folderOf.has(name)) folderOf.set(name, folder);
  }
  const notes: string[] = [];
  const packages = parseCargoLock(input.content, input.path, manifestText, { folderOf, notes });
  return notes.length > 0 ? { packages, notes } : { packages };
}

/** Reads the Cargo.toml of each workspace member the root Cargo.toml lists, for `analyze` to name their crates. */
async function readMemberManifests(input: AnalyzerInput, read: RelatedReader): Promise<void> {
  const declared = declaredMembers(input.siblings?.get(MANIFEST));
  if (!declared) return;
  const found = new Set<string>(declared.rootName === undefined ? [] : [declared.rootName]);
  for (const { folder, guessedFor } of candidateFolders(declared, declared.patterns.length > 0 ? localCrateNames(input.content) : [])) {
    const manifestPath = memberManifestPath(input.path, folder);
    // The reads are limited: a pattern's guess for a crate already found elsewhere is not made.
    if (manifestPath === undefined || (guessedFor !== undefined && found.has(guessedFor))) continue;
    const name = crateName(await read(manifestPath));
    if (name !== undefined) found.add(name);
  }
}

interface DeclaredMembers {
  /** The root crate's name, when the root Cargo.toml is a package too. */
  rootName?: string;
  /** Member folders given as paths, normalised. */
  folders: string[];
  /** Member patterns with one `*` in their last segment (`crates/*`, `libs/foo-*`). */
  patterns: string[];
  excluded: Set<string>;
}

/** `[workspace] members` and `exclude` of the root Cargo.toml; undefined without one or without a workspace. */
function declaredMembers(text: string | undefined): DeclaredMembers | undefined {
  const manifest = parseTomlQuietly(text);
  if (!manifest || !isTable(manifest.workspace)) return undefined;
  const strings = (value: unknown) => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);
  const folders: string[] = [];
  const patterns: string[] = [];
  for (const member of strings(manifest.workspace.members)) {
    const normal = memberFolder(member);
    if (!/[*?[\]]/.test(normal)) folders.push(normal);
    else if (isSimplePattern(normal)) patterns.push(normal);
  }
  const rootName = isTable(manifest.package) && typeof manifest.package.name === 'string' ? manifest.package.name : undefined;
  return { rootName, folders, patterns, excluded: new Set(strings(manifest.workspace.exclude).map(memberFolder)) };
}

/** One `*` in the last segment and no other glob character. */
function isSimplePattern(pattern: string): boolean {
  const last = pattern.slice(pattern.lastIndexOf('/') + 1);
  return !/[?[\]]/.test(pattern) && pattern.indexOf('*') === pattern.lastIndexOf('*') && last.includes('*');
}

/**
 * The member folders to look in: the listed ones, then each pattern with the name of each local
 * crate in its last segment (`crates/*` and crate `web` give `crates/web`), which it was guessed for.
 */
function candidateFolders(declared: DeclaredMembers, crateNames: readonly string[]): { folder: string; guessedFor?: string }[] {
  const candidates = new Map<string, string | undefined>(declared.folders.map(folder => [folder, undefined]));
  for (const pattern of declared.patterns) {
    const slash = pattern.lastIndexOf('/');
    const parent = pattern.slice(0, slash + 1);
    const [prefix, suffix] = pattern.slice(slash + 1).split('*');
    for (const name of crateNames) {
      const folder = `${parent}${name}`;
      if (name.length >= prefix.length + suffix.length && name.startsWith(prefix) && name.endsWith(suffix) && !candidates.has(folder)) {
        candidates.set(folder, name);
      }
    }
  }
  for (const excluded of declared.excluded) candidates.delete(excluded);
  candidates.delete('');
  return [...candidates].map(([folder, guessedFor]) => ({ folder, guessedFor }));
}

/** The root-relative path of a member's Cargo.toml; undefined when it leaves the scan root. */
function memberManifestPath(lockfilePath: string, folder: string): string | undefined {
  return resolveRelative(lockfilePath, `${folder}/${MANIFEST}`);
}

/** `[package] name` of a Cargo.toml; undefined without one or when it does not parse. */
function crateName(text: string | undefined): string | undefined {
  const manifest = parseTomlQuietly(text);
  return manifest && isTable(manifest.package) && typeof manifest.package.name === 'string' ? manifest.package.name : undefined;
}

function parseTomlQuietly(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch {
    return undefined; // the lockfile still reads; the manifest's own analysis reports it
  }
}

/**
 * The names of the crates without a `source` (the workspace's own), by a scan of the lines as
 * Cargo writes them: candidates only, each confirmed by its own Cargo.toml.
 */
function localCrateNames(content: string): string[] {
  const names: string[] = [];
  let name: string | undefined;
  let sourced = false;
  let inPackage = false;
  const finish = () => {
    if (inPackage && name !== undefined && !sourced) names.push(name);
    name = undefined;
    sourced = false;
  };
  for (let lineStart = 0; lineStart < content.length; ) {
    let lineEnd = content.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = content.length;
    const line = content.slice(lineStart, lineEnd).trim();
    if (line.startsWith('[')) {
      finish();
      inPackage = line === PACKAGE_HEADER;
    } else if (inPackage && line.startsWith('name = "') && line.endsWith('"')) {
      name = line.slice(8, -1);
    } else if (inPackage && line.startsWith('source = ')) {
      sourced = true;
    }
    lineStart = lineEnd + 1;
  }
  finish();
  return names;
}

interface Crate {
  name: string;
  version: string;
  /** `name@version`, the id of its package. */
  id: string;
  local: boolean;
  dependencies: string[];
  /** The crates its dependency entries name, where one is found (see resolveDependencies). */
  requires: Crate[];
  /** The SHA-256 of the crate's archive, as the lockfile gives it (checked where it is used). */
  checksum: unknown;
  location: SourceRange;
  highlight: SourceRange;
}

export function parseCargoLock(content: string, file: string, manifestText?: string, workspace?: CargoWorkspace): Package[] {
  const crates = readCrates(content, file);
  resolveDependencies(crates);
  const packages = new Map<string, Package>();
  const direct = new Set<string>();
  for (const crate of crates) {
    if (crate.local) {
      for (const dependency of crate.requires) if (!dependency.local) direct.add(dependency.id);
      continue;
    }
    const copy: PackageCopy = { key: `${crate.name} ${crate.version}`, location: crate.location, highlight: crate.highlight, direct: false, dev: false };
    const known = packages.get(crate.id);
    const dependsOn = known ? known.dependsOn! : [];
    for (const dependency of crate.requires) if (!dependency.local) dependsOn.push(dependency.id);
    if (known) {
      known.copies!.push(copy);
      continue;
    }
    const { id, name, version, location } = crate;
    const purl = buildPurl('crates.io', name, version);
    const hashes = hexHashes('SHA-256', crate.checksum);
    // Two literals rather than a spread of the hashes, which is a slow store.
    packages.set(id, hashes
      ? { id, name, version, ecosystem: 'crates.io', purl, direct: false, dev: false, location, copies: [copy], dependsOn, hashes }
      : { id, name, version, ecosystem: 'crates.io', purl, direct: false, dev: false, location, copies: [copy], dependsOn });
  }
  for (const pkg of packages.values()) {
    sortUnique(pkg.dependsOn!);
    pkg.direct = direct.has(pkg.id);
  }
  markDev(packages, crates, manifestText);
  for (const pkg of packages.values()) {
    for (const copy of pkg.copies!) {
      copy.direct = pkg.direct;
      copy.dev = pkg.dev;
    }
  }
  const list = [...packages.values()];
  if (workspace) attributeCrates(list, crates, workspace);
  return list;
}

/**
 * Sets each crate's `requires`: the crate each dependency entry names, `name`, `name version` or
 * `name version (source)`; an entry that names none is left out.
 */
function resolveDependencies(crates: Crate[]): void {
  const byName = new Map<string, Crate[]>();
  for (const crate of crates) {
    const named = byName.get(crate.name);
    if (named) named.push(crate);
    else byName.set(crate.name, [crate]);
  }
  for (const crate of crates) {
    for (const entry of crate.dependencies) {
      const space = entry.indexOf(' ');
      const named = byName.get(space === -1 ? entry : entry.slice(0, space));
      if (!named) continue;
      let found: Crate | undefined;
      if (space === -1) {
        if (named.length === 1) found = named[0];
      } else {
        const end = entry.indexOf(' ', space + 1);
        const version = entry.slice(space + 1, end === -1 ? entry.length : end);
        found = named.find(candidate => candidate.version === version && !candidate.local) ?? named.find(candidate => candidate.version === version);
      }
      if (found) crate.requires.push(found);
    }
  }
}

/**
 * Sets `members` from each member crate's dependencies, through path crates of unknown folder.
 * Gives up, with a note, when a local crate with dependencies is neither a known member nor reached from one.
 */
function attributeCrates(packages: Package[], crates: Crate[], workspace: CargoWorkspace): void {
  const { folderOf, notes } = workspace;
  const directs = new Map<string, string[]>();
  const reached = new Set<Crate>();
  for (const member of crates) {
    const folder = member.local ? folderOf.get(member.name) : undefined;
    if (folder === undefined) continue;
    const ids = directs.get(folder) ?? [];
    directs.set(folder, ids);
    reached.add(member);
    const queue = [member];
    const seen = new Set(queue);
    while (queue.length > 0) {
      for (const dependency of queue.pop()!.requires) {
        if (seen.has(dependency)) continue;
        seen.add(dependency);
        if (!dependency.local) ids.push(dependency.id);
        else if (!folderOf.has(dependency.name)) {
          reached.add(dependency);
          queue.push(dependency);
        }
      }
    }
  }
  const lost = crates.filter(crate => crate.local && !reached.has(crate) && crate.requires.some(dependency => !dependency.local));
  if (lost.length > 0) {
    notes.push(`packages are not attributed to workspace members: the folder of ${lost.length === 1 ? 'a member crate' : `${lost.length} member crates`} is not among the [workspace] members of Cargo.toml that could be read (a pattern's folder is found only where it is named after its crate)`);
    return;
  }
  attributeToMembers(packages, directs);
}

function readCrates(content: string, file: string): Crate[] {
  let document: Record<string, unknown>;
  try {
    document = parseToml(content) as Record<string, unknown>;
  } catch (error) {
    // smol-toml's message quotes the file; say where instead.
    const { line, column } = error as { line?: number; column?: number };
    throw new Error(`not a valid Cargo.lock: invalid TOML${line ? ` (line ${line}, column ${column ?? 1})` : ''}`);
  }
  const tables = document.package ?? [];
  if (!Array.isArray(tables)) throw new Error('not a valid Cargo.lock: "package" is not an array of tables');
  const located = locateTables(content, file);
  const fits = located.length === tables.length && tables.every((table, i) => isTable(table) && table.name === located[i].name);
  const places = fits ? located : locateTablesWithParser(content, file);
  if (places.length !== tables.length) throw new Error('not a valid Cargo.lock: packages must be [[package]] tables');
  return tables.map((table, i) => toCrate(table, places[i]));
}

interface TablePlace {
  /** The name as the scan read it, to check it against the parser's values. */
  name?: string;
  location: SourceRange;
  highlight: SourceRange;
}

function toCrate(table: unknown, place: TablePlace): Crate {
  const line = place.location.startLine;
  if (!isTable(table)) throw new Error(`not a valid Cargo.lock: the package at line ${line} is not a table`);
  const name = stringField(table.name, line, 'name');
  const version = stringField(table.version, line, 'version');
  const dependencies = table.dependencies ?? [];
  if (!Array.isArray(dependencies) || dependencies.some(entry => typeof entry !== 'string')) {
    throw new Error(`not a valid Cargo.lock: the dependencies of the package at line ${line} are not a list of strings`);
  }
  return { name, version, id: `${name}@${version}`, local: table.source === undefined, dependencies, requires: [], checksum: table.checksum, location: place.location, highlight: place.highlight };
}

function stringField(value: unknown, line: number, what: string): string {
  if (typeof value !== 'string' || value === '') throw new Error(`not a valid Cargo.lock: the package at line ${line} has no ${what}`);
  return value;
}

/**
 * Each `[[package]]` table as Cargo writes it: from its header line to its last key line, and its
 * `name = "..."` line. Other headers end a table; blank and comment lines do not belong to one.
 * The scan counts the lines itself, so each range is made as the lines are read.
 */
function locateTables(content: string, file: string): TablePlace[] {
  const places: TablePlace[] = [];
  let current: { name?: string; location: SourceRange; highlight?: SourceRange } | undefined;
  const finish = () => {
    if (!current) return;
    const { startLine, startColumn } = current.location;
    places.push({
      name: current.name,
      location: current.location,
      highlight: current.highlight ?? { file, startLine, startColumn, endLine: startLine, endColumn: startColumn + PACKAGE_HEADER.length },
    });
    current = undefined;
  };
  for (let lineStart = 0, line = 1; lineStart < content.length; line++) {
    let lineEnd = content.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = content.length;
    let stop = lineEnd;
    while (stop > lineStart && isBlank(content.charCodeAt(stop - 1))) stop--;
    let first = lineStart;
    while (first < stop && isBlank(content.charCodeAt(first))) first++;
    const char = content.charCodeAt(first);
    if (first < stop && char === OPEN_BRACKET) {
      finish();
      if (first === lineStart && stop - first === PACKAGE_HEADER.length && content.startsWith(PACKAGE_HEADER, first)) {
        current = { location: { file, startLine: line, startColumn: 1, endLine: line, endColumn: stop - lineStart + 1 } };
      }
    } else if (current && first < stop && char !== HASH) {
      current.location.endLine = line;
      current.location.endColumn = stop - lineStart + 1;
      if (!current.highlight && content.startsWith('name = "', first) && content.charCodeAt(stop - 1) === QUOTE) {
        current.name = content.slice(first + 8, stop - 1);
        current.highlight = { file, startLine: line, startColumn: first - lineStart + 1, endLine: line, endColumn: stop - lineStart + 1 };
      }
    }
    lineStart = lineEnd + 1;
  }
  finish();
  return places;
}

function locateTablesWithParser(content: string, file: string): TablePlace[] {
  let program: AST.TOMLProgram;
  try {
    program = parseTOML(content);
  } catch {
    return []; // smol-toml read it: the two parsers disagree, which the caller reports
  }
  const places: TablePlace[] = [];
  for (const node of program.body[0].body) {
    if (node.type !== 'TOMLTable' || node.kind !== 'array' || node.resolvedKey.length !== 2 || node.resolvedKey[0] !== 'package') continue;
    const nameField = node.body.find(field => field.key.keys.length === 1 && keyName(field.key.keys[0]) === 'name');
    places.push({ location: toRange(file, node.loc), highlight: toRange(file, (nameField ?? node.key).loc) });
  }
  return places;
}

const PACKAGE_HEADER = '[[package]]';
const OPEN_BRACKET = 0x5b;
const HASH = 0x23;
const QUOTE = 0x22;

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0d;
}

function keyName(key: AST.TOMLBare | AST.TOMLQuoted): string {
  return key.type === 'TOMLBare' ? key.name : key.value;
}

/** toml-eslint-parser's lines are 1-based and its columns 0-based. */
function toRange(file: string, loc: AST.SourceLocation): SourceRange {
  return { file, startLine: loc.start.line, startColumn: loc.start.column + 1, endLine: loc.end.line, endColumn: loc.end.column + 1 };
}

/**
 * Marks dev the crates reached only through the root crate's dev-dependencies: the dependencies of
 * every local crate are production roots, except those the Cargo.toml declares only under
 * `[dev-dependencies]` (plain or per target) of the root crate.
 */
function markDev(packages: Map<string, Package>, crates: Crate[], manifestText: string | undefined): void {
  const devOnly = devOnlyNames(manifestText);
  if (!devOnly || devOnly.rootName === undefined) return;
  const production: string[] = [];
  const development: string[] = [];
  for (const crate of crates) {
    if (!crate.local) continue;
    const isRoot = crate.name === devOnly.rootName;
    for (const dependency of crate.requires) {
      if (dependency.local) continue;
      (isRoot && devOnly.names.has(dependency.name) ? development : production).push(dependency.id);
    }
  }
  const shipped = reachable(production, packages);
  for (const id of reachable(development, packages)) if (!shipped.has(id)) packages.get(id)!.dev = true;
}

/** The root crate's name and the crates it declares only as dev-dependencies; undefined without a readable Cargo.toml. */
function devOnlyNames(text: string | undefined): { rootName?: string; names: Set<string> } | undefined {
  const manifest = parseTomlQuietly(text);
  if (!manifest) return undefined;
  const crateNames = (table: unknown): string[] =>
    isTable(table) ? Object.entries(table).map(([key, spec]) => (isTable(spec) && typeof spec.package === 'string' ? spec.package : key)) : [];
  const sections = (kind: string): string[] => {
    const names = crateNames(manifest[kind]);
    if (isTable(manifest.target)) for (const target of Object.values(manifest.target)) if (isTable(target)) names.push(...crateNames(target[kind]));
    return names;
  };
  const shipped = new Set([...sections('dependencies'), ...sections('build-dependencies')]);
  const names = new Set(sections('dev-dependencies').filter(name => !shipped.has(name)));
  const rootName = isTable(manifest.package) && typeof manifest.package.name === 'string' ? manifest.package.name : undefined;
  return { rootName, names };
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Ids reachable from `roots` through dependsOn, roots included. */
function reachable(roots: string[], packages: Map<string, Package>): Set<string> {
  const seen = new Set(roots);
  const queue = [...seen];
  while (queue.length > 0) {
    for (const id of packages.get(queue.pop()!)?.dependsOn ?? []) {
      if (!seen.has(id)) {
        seen.add(id);
        queue.push(id);
      }
    }
  }
  return seen;
}
