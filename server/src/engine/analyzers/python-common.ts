// What the Python lockfile analyzers share: the direct dependencies a pyproject.toml or Pipfile
// declares, dev status from the dependency graph, and turning lockfile entries into Packages.
import { parse as parseToml } from 'smol-toml';
import { normalizePackageName } from '../ecosystems';
import { sortUnique } from '../depgraph';
import { buildPurl } from '../purl';
import { LineCursor } from '../text';
import type { Package, PackageCopy, PackageHash } from '../types';
import type { TomlEntry } from './toml-entries';

/** PEP 503 normalised names of the dependencies a manifest declares. */
export interface DeclaredDependencies {
  production: Set<string>;
  development: Set<string>;
}

export function pypiKey(name: string): string {
  return normalizePackageName('PyPI', name);
}

/**
 * The direct dependencies of a pyproject.toml: PEP 621 `[project.dependencies]` and
 * `[project.optional-dependencies]`, Poetry's `[tool.poetry.dependencies]` (production), and
 * Poetry's `[tool.poetry.dev-dependencies]`, `[tool.poetry.group.*.dependencies]` (except the
 * `main` group) and PEP 735 `[dependency-groups]` (development). Undefined without a file or when
 * it is not valid TOML: the lockfile still reads, with nothing direct.
 */
export function readPyproject(text: string | undefined): DeclaredDependencies | undefined {
  const root = parseTomlQuietly(text);
  if (!root) return undefined;
  const declared: DeclaredDependencies = { production: new Set(), development: new Set() };
  const project = table(root.project);
  for (const requirement of list(project.dependencies)) addRequirement(declared.production, requirement);
  for (const extra of Object.values(table(project['optional-dependencies']))) {
    for (const requirement of list(extra)) addRequirement(declared.production, requirement);
  }
  for (const group of Object.values(table(root['dependency-groups']))) {
    for (const requirement of list(group)) addRequirement(declared.development, requirement);
  }
  const poetry = table(table(root.tool).poetry);
  addPoetryNames(declared.production, poetry.dependencies);
  addPoetryNames(declared.development, poetry['dev-dependencies']);
  for (const [group, content] of Object.entries(table(poetry.group))) {
    addPoetryNames(group === 'main' ? declared.production : declared.development, table(content).dependencies);
  }
  return declared;
}

/** The direct dependencies of a Pipfile: `[packages]` (production) and `[dev-packages]`. */
export function readPipfile(text: string | undefined): DeclaredDependencies | undefined {
  const root = parseTomlQuietly(text);
  if (!root) return undefined;
  const declared: DeclaredDependencies = { production: new Set(), development: new Set() };
  for (const name of Object.keys(table(root.packages))) declared.production.add(pypiKey(name));
  for (const name of Object.keys(table(root['dev-packages']))) declared.development.add(pypiKey(name));
  return declared;
}

function parseTomlQuietly(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch {
    return undefined; // a broken manifest leaves the lockfile readable
  }
}

function addPoetryNames(names: Set<string>, dependencies: unknown): void {
  for (const name of Object.keys(table(dependencies))) {
    if (name.toLowerCase() !== 'python') names.add(pypiKey(name)); // the interpreter, not a package
  }
}

function addRequirement(names: Set<string>, requirement: unknown): void {
  if (typeof requirement !== 'string') return;
  const name = requirementName(requirement);
  if (name) names.add(pypiKey(name));
}

/** The project name a PEP 508 requirement starts with (`requests[socks]>=2; python_version>"3"` -> `requests`). */
export function requirementName(requirement: string): string {
  let start = 0;
  while (start < requirement.length && (requirement[start] === ' ' || requirement[start] === '\t')) start++;
  let end = start;
  while (end < requirement.length && isNameChar(requirement.charCodeAt(end))) end++;
  return requirement.slice(start, end);
}

function isNameChar(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) ||
    code === 0x2d || code === 0x2e || code === 0x5f; // digits, letters, - . _
}

/** The 1-based line of an offset, for error messages. */
export function lineOf(content: string, offset: number): number {
  let line = 1;
  for (let at = content.indexOf('\n'); at !== -1 && at < offset; at = content.indexOf('\n', at + 1)) line++;
  return line;
}

export function table(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The indexes of the packages of each PEP 503 normalised name, in order. */
export function indexesByName(packages: readonly { name: string }[]): Map<string, number[]> {
  const byName = new Map<string, number[]>();
  packages.forEach((pkg, index) => {
    const key = pypiKey(pkg.name);
    const same = byName.get(key);
    if (same) same.push(index);
    else byName.set(key, [index]);
  });
  return byName;
}

/** Every node reachable from `starts` along `edges` (node indexes), the starts included. */
export function reachableFrom(starts: Iterable<number>, edges: readonly (readonly number[])[]): Set<number> {
  const seen = new Set<number>();
  const queue: number[] = [];
  const visit = (node: number) => {
    if (seen.has(node)) return;
    seen.add(node);
    queue.push(node);
  };
  for (const start of starts) visit(start);
  for (let at = 0; at < queue.length; at++) for (const next of edges[queue[at]]) visit(next);
  return seen;
}

/** One entry of a lockfile, before entries of the same name@version merge into a Package. */
export interface LockEntry {
  name: string;
  version: string;
  /** Names the entry among its copies (`default.requests`, `package[3]`). */
  key: string;
  /** The whole entry, and what the editor underlines (its name), as text offsets. */
  start: number;
  end: number;
  nameStart: number;
  nameEnd: number;
  direct: boolean;
  dev: boolean;
  /** Indexes (in the entry list) of the entries this one depends on. */
  dependsOn: number[];
  /** The release's hashes (see releaseHashes). */
  hashes?: PackageHash[];
}

/** A TOML `[[table]]` entry as a LockEntry: named `table[index]` among its copies, at the entry's offsets. */
export function tomlLockEntry(entry: TomlEntry, table: string, fields: Omit<LockEntry, 'key' | 'start' | 'end' | 'nameStart' | 'nameEnd'>): LockEntry {
  return {
    name: fields.name, version: fields.version, key: `${table}[${entry.index}]`, start: entry.start, end: entry.end, nameStart: entry.nameStart,
    nameEnd: entry.nameEnd, direct: fields.direct, dev: fields.dev, dependsOn: fields.dependsOn, hashes: fields.hashes,
  };
}

/**
 * Packages from lockfile entries given in file order: one per name@version, direct if any of its
 * entries is, dev only if every one is, with each entry as a copy and `requiredBy` from the graph.
 */
export function buildPackages(entries: readonly LockEntry[], content: string, file: string): Package[] {
  const lines = new LineCursor(content, file);
  const ids = entries.map(entry => `${entry.name}@${entry.version}`);
  const requiredBy: string[][] = entries.map(() => []);
  for (const entry of entries) for (const target of entry.dependsOn) requiredBy[target].push(entry.key);
  const byId = new Map<string, Package>();
  entries.forEach((entry, index) => {
    const id = ids[index];
    const location = lines.range(entry.start, entry.end);
    const lineEnd = content.indexOf('\n', entry.nameStart);
    const highlight = lines.range(entry.nameStart, lineEnd !== -1 && lineEnd < entry.nameEnd ? lineEnd : entry.nameEnd); // one line
    const copy: PackageCopy = { key: entry.key, location, highlight, direct: entry.direct, dev: entry.dev, requiredBy: requiredBy[index] };
    const known = byId.get(id);
    if (!known) {
      const { name, version, hashes, direct, dev } = entry;
      const purl = buildPurl('PyPI', name, version);
      const dependsOn = entry.dependsOn.map(target => ids[target]);
      // Two literals rather than a spread of the hashes, which made every later field a slow store.
      byId.set(id, hashes
        ? { id, name, version, ecosystem: 'PyPI', purl, hashes, direct, dev, location, copies: [copy], dependsOn }
        : { id, name, version, ecosystem: 'PyPI', purl, direct, dev, location, copies: [copy], dependsOn });
      return;
    }
    known.direct ||= entry.direct;
    known.dev &&= entry.dev;
    known.copies!.push(copy);
    for (const target of entry.dependsOn) known.dependsOn!.push(ids[target]);
  });
  const packages = [...byId.values()];
  for (const pkg of packages) sortUnique(pkg.dependsOn!);
  return packages;
}
