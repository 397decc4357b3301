// npm package-lock.json (lockfileVersion 1, 2 and 3) and npm-shrinkwrap.json.
//
// v2/v3 lockfiles list every installed folder under `packages`, keyed by its path
// (`node_modules/a/node_modules/b`). Folders outside node_modules (`""`, workspaces,
// `file:` dependencies) are the user's own projects: they are not reported as packages, and what
// they depend on is direct. `link: true` entries point at such a folder. v1 lockfiles nest
// `dependencies` objects and do not say what the root depends on: the package.json beside the
// lockfile does. A top-level entry it declares is direct; without it every v1 package is indirect.
//
// Dev: `dev: true` only. `devOptional` means the package is also reachable as an optional
// dependency of production code, so it may ship; `optional` and `peer` packages ship too.
// The same name@version under several paths is one package with one copy per entry, each with
// its own dev flag and the copies that require it, so the editor marks every copy.
import { attributeToMembers, sortIfNeeded, sortUnique } from '../depgraph';
import { buildPurl } from '../purl';
import { sriHashes } from '../hashes';
import type { Analyzer, AnalyzerInput, AnalyzerOutput, Package, PackageCopy } from '../types';
import { locateMembers, locateObjectMembers, parseJson, stringEnd, type JsonObject, type LocatedMembers, type MemberSpan, type MemberSpans } from './json-offsets';
import { LineCursor } from '../text';

const MANIFEST = 'package.json';

export const npmLockAnalyzer: Analyzer = {
  id: 'npm-lock',
  type: 'npm',
  scanner: 'vuln',
  ecosystem: 'npm',
  fileNames: ['package-lock.json', 'npm-shrinkwrap.json'],
  siblings: [MANIFEST],
  manifest: MANIFEST,
  inlineIgnores: false,
  trivyParser: 'nodejs/npm',
  fixes: 'npm',
  analyze(input) {
    return parsePackageLock(input);
  },
};

// JSON.parse gives the values; locateMembers gives the source span of just the entries we
// report, which is several times cheaper than building a full syntax tree.
export function parsePackageLock(input: AnalyzerInput): AnalyzerOutput {
  const root = parseJson(input.content);
  if (!isObject(root)) throw new Error('a package-lock.json must hold a JSON object');

  const collector = new PackageCollector(new LineCursor(input.content, input.path), input.content);
  if (isObject(root.packages) && root.lockfileVersion !== 1) {
    const directs = readPackagesSection(locateObjectMembers(input.content, ['packages'], root.packages), collector);
    const packages = collector.packages();
    attributeToMembers(packages, directs);
    return { packages };
  } else if (isObject(root.dependencies)) {
    const spans = locateMembers(input.content, ['dependencies'], 'dependencies');
    const declared = declaredDependencies(input.siblings?.get(MANIFEST));
    readDependenciesSection(root.dependencies, spans, [], collector, declared, new Map());
  }
  return { packages: collector.packages() };
}

// ---- lockfileVersion 2 and 3: the flat `packages` map ----

interface FolderEntry {
  path: string;
  /** Where the entry's key starts and its value ends, for the location. */
  start: number;
  end: number;
  value: JsonObject;
  /** The package's name (packageName), for an installed folder. */
  name: string;
  /** name@version for an installed registry package; undefined for links, projects and entries without a version. */
  id: string | undefined;
  /** Set when a project folder (the root, a workspace) depends on this folder. */
  direct: boolean;
  /** Paths of the installed folders that resolve a dependency to this one; undefined until one does. */
  requiredBy: string[] | undefined;
}

/** Installed folders by the name they provide, for one node_modules. */
type NodeModules = Map<string, FolderEntry>;

const NODE_MODULES = 'node_modules/';
const NESTED_NODE_MODULES = '/node_modules/';
const PROJECT_DEPENDENCY_SECTIONS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const;

/** Reads the entries into `collector`; gives, per project folder, the ids of what it depends on itself. */
function readPackagesSection(packages: LocatedMembers, collector: PackageCollector): Map<string, string[]> {
  const all: FolderEntry[] = [];
  // Each node_modules, keyed by the folder that holds it ('' for the top level): resolving a
  // name is then one lookup per enclosing node_modules, however many folders provide it.
  const nodeModulesOf = new Map<string, NodeModules>();
  const projects: FolderEntry[] = [];
  const installed: FolderEntry[] = [];
  for (let i = 0; i < packages.keys.length; i++) {
    const path = packages.keys[i];
    const value = packages.values[i];
    if (!isObject(value)) continue;
    const folder: FolderEntry = {
      path, start: packages.starts[i], end: packages.ends[i], value, name: '', id: undefined, direct: false, requiredBy: undefined,
    };
    all.push(folder);

    const split = path.lastIndexOf(NESTED_NODE_MODULES);
    if (split === -1 && !path.startsWith(NODE_MODULES)) {
      projects.push(folder); // not under any node_modules: the user's own project
      continue;
    }
    // The folder's name: the package's too, unless it is an alias.
    const name = path.slice(split >= 0 ? split + NESTED_NODE_MODULES.length : NODE_MODULES.length);
    folder.name = packageName(name, value);
    folder.id = folderId(folder.name, value);
    installed.push(folder);
    if (split === 0) continue; // `/node_modules/x`: installed, yet in no folder's node_modules
    const parent = split > 0 ? path.slice(0, split) : '';
    let nodeModules = nodeModulesOf.get(parent);
    if (!nodeModules) nodeModulesOf.set(parent, (nodeModules = new Map()));
    nodeModules.set(name, folder);
  }

  /** Folders by path, made when the first link is followed: most lockfiles have none. */
  let folders: Map<string, FolderEntry> | undefined;
  /** Follows `link: true` entries to their target folder. */
  const followLink = (folder: FolderEntry): FolderEntry | undefined => {
    if (folder.value.link !== true) return folder;
    const target = folder.value.resolved;
    folders ??= new Map(all.map(entry => [entry.path, entry]));
    return typeof target === 'string' && target !== '' ? folders.get(target) : undefined;
  };

  // The node_modules that Node searches from a folder, nearest first: its own, then each folder
  // above it, then the top level. Each folder's list is the one of the folder above it, with its
  // own node_modules in front if it has one: built once per folder above a folder, shared where
  // nothing is added.
  const searchFromFolder = new Map<string, NodeModules[]>();
  /** From `path` and every prefix of it that ends before a `/`, then the top level. */
  const searchFrom = (path: string): NodeModules[] => {
    let found = searchFromFolder.get(path);
    if (!found) searchFromFolder.set(path, (found = searchFromUncached(path)));
    return found;
  };
  /** searchFrom without remembering the list for `path` itself: for the folders that depend on something, each asked once. */
  const searchFromUncached = (path: string): NodeModules[] => {
    const slash = path.lastIndexOf('/');
    const above = path === '' ? [] : searchFrom(slash > 0 ? path.slice(0, slash) : '');
    const own = nodeModulesOf.get(path);
    return own ? [own, ...above] : above;
  };
  /** Node's module resolution: the `name` in the nearest node_modules. */
  const resolve = (search: NodeModules[], name: string): FolderEntry | undefined => {
    for (const nodeModules of search) {
      const folder = nodeModules.get(name);
      if (folder) return followLink(folder);
    }
    return undefined;
  };

  const directs = new Map<string, string[]>();
  for (const project of projects) {
    const search = searchFrom(project.path);
    const own: string[] = [];
    directs.set(project.path, own);
    for (const section of PROJECT_DEPENDENCY_SECTIONS) {
      const names = project.value[section];
      if (!isObject(names)) continue;
      for (const name in names) {
        const target = resolve(search, name);
        if (!target) continue;
        target.direct = true;
        if (target.id) own.push(target.id);
      }
    }
  }

  const dependsOnOf: string[][] = [];
  // Filled per folder, then copied at its length: an array grown from [] reserves room for 16.
  // Counted rather than emptied: setting the length to 0 gives its room back.
  const found: string[] = [];
  for (const folder of installed) {
    let count = 0;
    if (folder.id) {
      let search: NodeModules[] | undefined;
      // Named loads: a keyed load of each section name was a tenth of this loop.
      const { dependencies, optionalDependencies, peerDependencies } = folder.value;
      for (const names of [dependencies, optionalDependencies, peerDependencies]) {
        if (names === undefined || !isObject(names)) continue;
        search ??= searchFromUncached(folder.path);
        for (const name in names) {
          const target = resolve(search, name);
          if (!target?.id) continue;
          found[count++] = target.id;
          if (target.requiredBy) target.requiredBy.push(folder.path);
          else target.requiredBy = [folder.path];
        }
      }
    }
    dependsOnOf.push(found.slice(0, count));
  }
  for (let i = 0; i < installed.length; i++) {
    const folder = installed[i];
    if (!folder.id) continue;
    collector.add({
      key: folder.path,
      id: folder.id,
      name: folder.name,
      version: folder.value.version as string,
      direct: folder.direct,
      dev: folder.value.dev === true,
      start: folder.start,
      end: folder.end,
      dependsOn: dependsOnOf[i],
      requiredBy: folder.requiredBy ?? [],
      integrity: folder.value.integrity,
    });
  }
  return directs;
}

function folderId(name: string, value: JsonObject): string | undefined {
  const version = value.version;
  if (value.link === true || typeof version !== 'string' || version === '') return undefined;
  return `${name}@${version}`;
}

/** The `name` field when the folder is an alias (`"x": "npm:real@1"`), else the folder name. */
function packageName(folderName: string, value: JsonObject): string {
  const name = value.name;
  return typeof name === 'string' && name !== '' ? name : folderName;
}

// ---- lockfileVersion 1: nested `dependencies` ----

/** A v1 entry as a dependency resolves to it: its package id and its copy's key (names from the top, joined by `/`). */
interface Resolved {
  id: string;
  key: string;
}

/** Resolved entries by name, one map per nesting level, innermost last. */
type Scope = Map<string, Resolved | undefined>;

/** The names a package.json declares in any dependency section; empty when there is none or it does not parse. */
function declaredDependencies(manifest: string | undefined): Set<string> {
  const names = new Set<string>();
  if (manifest === undefined) return names;
  let parsed: unknown;
  try {
    parsed = JSON.parse(manifest);
  } catch {
    return names; // a broken package.json leaves the lockfile readable; its own diagnostics say why
  }
  if (!isObject(parsed)) return names;
  for (const section of [parsed.dependencies, parsed.devDependencies, parsed.optionalDependencies, parsed.peerDependencies]) {
    for (const name of objectKeys(section)) names.add(name);
  }
  return names;
}

/** `declared`: what package.json names, which makes a top-level entry direct (empty for nested levels). */
function readDependenciesSection(
  dependencies: JsonObject, spans: MemberSpans, outer: Scope[], collector: PackageCollector, declared: ReadonlySet<string>,
  requiredBy: Map<string, string[]>, parentKey = '',
): void {
  const scope: Scope = new Map();
  const entries: { key: string; copyKey: string; span: MemberSpan; value: JsonObject; name: string; version: string; id?: string }[] = [];
  for (const [key, span] of spans) {
    const value = dependencies[key];
    if (!isObject(value)) continue;
    const [name, version] = realNameAndVersion(key, value.version);
    const id = version && !version.startsWith('file:') ? `${name}@${version}` : undefined;
    const copyKey = parentKey ? `${parentKey}/${key}` : key;
    scope.set(key, id ? { id, key: copyKey } : undefined);
    entries.push({ key, copyKey, span, value, name, version, id });
  }

  const scopes = [...outer, scope];
  for (const entry of entries) {
    const nested = entry.value.dependencies;
    if (entry.id) {
      const nestedScope: Scope = new Map();
      for (const key of entry.span.nested?.keys() ?? []) {
        const value = isObject(nested) ? nested[key] : undefined;
        if (!isObject(value)) continue;
        const [name, version] = realNameAndVersion(key, value.version);
        nestedScope.set(key, version ? { id: `${name}@${version}`, key: `${entry.copyKey}/${key}` } : undefined);
      }
      const dependsOn: string[] = [];
      for (const required of objectKeys(entry.value.requires)) {
        const target = nestedScope.has(required) ? nestedScope.get(required) : lookup(scopes, required);
        if (!target) continue;
        dependsOn.push(target.id);
        const list = requiredBy.get(target.key);
        if (list) list.push(entry.copyKey);
        else requiredBy.set(target.key, [entry.copyKey]);
      }
      // Shared with `requiredBy`, so entries read later that require this copy still add to it.
      let requirers = requiredBy.get(entry.copyKey);
      if (!requirers) requiredBy.set(entry.copyKey, (requirers = []));
      collector.add({
        key: entry.copyKey,
        requiredBy: requirers,
        id: entry.id,
        name: entry.name,
        version: entry.version,
        direct: declared.has(entry.key),
        dev: entry.value.dev === true,
        start: entry.span.start,
        end: entry.span.end,
        dependsOn,
        integrity: entry.value.integrity,
      });
    }
    if (isObject(nested)) readDependenciesSection(nested, entry.span.nested ?? new Map(), scopes, collector, new Set(), requiredBy, entry.copyKey);
  }
}

function lookup(scopes: Scope[], name: string): Resolved | undefined {
  for (let i = scopes.length - 1; i >= 0; i--) {
    if (scopes[i].has(name)) return scopes[i].get(name);
  }
  return undefined;
}

/** v1 writes an alias as `"version": "npm:@scope/real@1.2.3"`. */
function realNameAndVersion(key: string, version: unknown): [string, string] {
  if (typeof version !== 'string') return [key, ''];
  if (!version.startsWith('npm:')) return [key, version];
  const spec = version.slice('npm:'.length);
  const at = spec.lastIndexOf('@');
  return at > 0 ? [spec.slice(0, at), spec.slice(at + 1)] : [key, ''];
}

// ---- shared ----

interface Occurrence {
  /** The entry's key in the lockfile: its folder path (v2, v3) or nesting of names (v1). */
  key: string;
  /** Keys of the entries that require this one. */
  requiredBy: string[];
  id: string;
  name: string;
  version: string;
  direct: boolean;
  dev: boolean;
  /** Where the entry's key starts and its value ends. */
  start: number;
  end: number;
  dependsOn: string[];
  /** The entry's `integrity`, for the package's hashes. */
  integrity?: unknown;
}

/** Merges occurrences of the same name@version: dev only if every one is dev, direct if any is. */
class PackageCollector {
  private readonly byId = new Map<string, Package>();

  constructor(private readonly lines: LineCursor, private readonly text: string) {}

  add(occurrence: Occurrence): void {
    const { id, start, end } = occurrence;
    // In source order: the key's range first, then the whole entry's.
    const highlight = this.lines.range(start, stringEnd(this.text, start));
    const location = this.lines.range(start, end);
    const copy: PackageCopy = {
      key: occurrence.key, location, highlight, direct: occurrence.direct, dev: occurrence.dev, requiredBy: occurrence.requiredBy,
    };
    const known = this.byId.get(id);
    if (!known) {
      const { name, version, direct, dev, dependsOn } = occurrence; // dependsOn: sorted once every occurrence is in, by packages()
      const purl = buildPurl('npm', name, version);
      const hashes = sriHashes(occurrence.integrity);
      // One of two literals, the same members in the same order: spreading an optional member
      // into one took V8's slow object-clone path (30 µs a package), and adding it afterwards
      // gave every package with hashes a second store for its properties.
      const pkg: Package = hashes
        ? { id, name, version, ecosystem: 'npm', purl, direct, dev, location, copies: [copy], dependsOn, hashes }
        : { id, name, version, ecosystem: 'npm', purl, direct, dev, location, copies: [copy], dependsOn };
      this.byId.set(id, pkg);
      return;
    }
    known.dev = known.dev && occurrence.dev;
    known.direct = known.direct || occurrence.direct;
    for (const dependency of occurrence.dependsOn) known.dependsOn!.push(dependency);
    known.copies!.push(copy);
  }

  /** Sorted by file position of the first occurrence. */
  packages(): Package[] {
    const packages = [...this.byId.values()];
    for (const pkg of packages) sortUnique(pkg.dependsOn!);
    // Entries are read in file order, so the packages mostly are too.
    return sortIfNeeded(packages, comparePositions);
  }
}

function comparePositions(a: Package, b: Package): number {
  return a.location!.startLine - b.location!.startLine || a.location!.startColumn - b.location!.startColumn;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectKeys(value: unknown): string[] {
  return isObject(value) ? Object.keys(value) : [];
}
