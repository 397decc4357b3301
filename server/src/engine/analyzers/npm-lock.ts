// npm package-lock.json (lockfileVersion 1, 2 and 3) and npm-shrinkwrap.json.
//
// v2/v3 lockfiles list every installed folder under `packages`, keyed by its path
// (`node_modules/a/node_modules/b`). Folders outside node_modules (`""`, workspaces,
// `file:` dependencies) are the user's own projects: they are not reported as packages, and what
// they depend on is direct. `link: true` entries point at such a folder. v1 lockfiles nest
// `dependencies` objects and do not say what the root depends on, so every package is reported
// as indirect (Trivy reports "unknown").
//
// Dev: `dev: true` only. `devOptional` means the package is also reachable as an optional
// dependency of production code, so it may ship; `optional` and `peer` packages ship too.
// The same name@version under several paths is one package located at its first entry.
import { buildPurl } from '../purl';
import type { Analyzer, AnalyzerInput, AnalyzerOutput, Package } from '../types';
import { locateMembers, parseJson, type JsonObject, type MemberSpan, type MemberSpans } from './json-offsets';
import { LineIndex } from '../text';

const LOCKFILE_NAMES = new Set(['package-lock.json', 'npm-shrinkwrap.json']);

export const npmLockAnalyzer: Analyzer = {
  id: 'npm-lock',
  type: 'npm',
  scanner: 'vuln',
  claims(path) {
    return LOCKFILE_NAMES.has(path.slice(path.lastIndexOf('/') + 1));
  },
  analyze(input) {
    return parsePackageLock(input);
  },
};

// JSON.parse gives the values; locateMembers gives the source span of just the entries we
// report, which is several times cheaper than building a full syntax tree.
export function parsePackageLock(input: AnalyzerInput): AnalyzerOutput {
  const root = parseJson(input.content);
  if (!isObject(root)) throw new Error('a package-lock.json must hold a JSON object');

  const collector = new PackageCollector(new LineIndex(input.content, input.path));
  if (isObject(root.packages) && root.lockfileVersion !== 1) {
    const spans = locateMembers(input.content, ['packages']);
    readPackagesSection(root.packages, spans, collector);
  } else if (isObject(root.dependencies)) {
    const spans = locateMembers(input.content, ['dependencies'], 'dependencies');
    readDependenciesSection(root.dependencies, spans, [], collector);
  }
  return { packages: collector.packages() };
}

// ---- lockfileVersion 2 and 3: the flat `packages` map ----

interface FolderEntry {
  path: string;
  /** Key and value, for the location. */
  span: MemberSpan;
  value: JsonObject;
  /** name@version for an installed registry package; undefined for links, projects and entries without a version. */
  id: string | undefined;
}

function readPackagesSection(packages: JsonObject, spans: MemberSpans, collector: PackageCollector): void {
  const folders = new Map<string, FolderEntry>();
  for (const [path, span] of spans) {
    const value = packages[path];
    if (isObject(value)) folders.set(path, { path, span, value, id: folderId(path, value) });
  }

  /** Follows `link: true` entries to their target folder. */
  const followLink = (folder: FolderEntry): FolderEntry | undefined => {
    if (folder.value.link !== true) return folder;
    const target = folder.value.resolved;
    return typeof target === 'string' && target !== '' ? folders.get(target) : undefined;
  };

  // Installed folders by the package folder name they provide, each with the folder whose
  // node_modules holds it ('' for the top-level node_modules).
  const installed = new Map<string, { parent: string; folder: FolderEntry }[]>();
  for (const folder of folders.values()) {
    const split = folder.path.lastIndexOf('/node_modules/');
    if (split <= 0 && !folder.path.startsWith('node_modules/')) continue;
    const parent = split > 0 ? folder.path.slice(0, split) : '';
    const name = folder.path.slice(split > 0 ? split + '/node_modules/'.length : 'node_modules/'.length);
    const candidates = installed.get(name);
    if (candidates) candidates.push({ parent, folder });
    else installed.set(name, [{ parent, folder }]);
  }

  /** Node's module resolution: the `name` in the nearest node_modules from `fromPath` upwards. */
  const resolve = (fromPath: string, name: string): FolderEntry | undefined => {
    let nearest: { parent: string; folder: FolderEntry } | undefined;
    for (const candidate of installed.get(name) ?? []) {
      if (nearest && candidate.parent.length <= nearest.parent.length) continue;
      if (isSelfOrAncestor(candidate.parent, fromPath)) nearest = candidate;
    }
    return nearest && followLink(nearest.folder);
  };

  const directPaths = new Set<string>();
  for (const folder of folders.values()) {
    if (isInstalledPath(folder.path)) continue;
    for (const field of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']) {
      for (const name of objectKeys(folder.value[field])) {
        const target = resolve(folder.path, name);
        if (target) directPaths.add(target.path);
      }
    }
  }

  for (const folder of folders.values()) {
    if (!folder.id) continue;
    const dependsOn: string[] = [];
    for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies']) {
      for (const name of objectKeys(folder.value[field])) {
        const target = resolve(folder.path, name);
        const targetId = target?.id;
        if (targetId) dependsOn.push(targetId);
      }
    }
    collector.add({
      name: packageName(folder.path, folder.value),
      version: String(folder.value.version),
      direct: directPaths.has(folder.path),
      dev: folder.value.dev === true,
      span: folder.span,
      dependsOn,
    });
  }
}

/** True when `dir` is `path` or one of the folders above it ('' is the top). */
function isSelfOrAncestor(dir: string, path: string): boolean {
  return dir === '' || (path.startsWith(dir) && (path.length === dir.length || path.charCodeAt(dir.length) === 0x2f));
}

/** True for folders npm installed (`…node_modules/<name>`), false for the user's own projects. */
function isInstalledPath(path: string): boolean {
  return path.startsWith('node_modules/') || path.includes('/node_modules/');
}

function folderId(path: string, value: JsonObject): string | undefined {
  const version = value.version;
  if (!isInstalledPath(path) || value.link === true || typeof version !== 'string' || version === '') return undefined;
  return `${packageName(path, value)}@${version}`;
}

/** The `name` field when the folder is an alias (`"x": "npm:real@1"`), else the folder name. */
function packageName(path: string, value: JsonObject): string {
  const name = value.name;
  if (typeof name === 'string' && name !== '') return name;
  return path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

// ---- lockfileVersion 1: nested `dependencies` ----

/** Resolved ids by name, one map per nesting level, innermost last. */
type Scope = Map<string, string | undefined>;

function readDependenciesSection(dependencies: JsonObject, spans: MemberSpans, outer: Scope[], collector: PackageCollector): void {
  const scope: Scope = new Map();
  const entries: { span: MemberSpan; value: JsonObject; name: string; version: string; id?: string }[] = [];
  for (const [key, span] of spans) {
    const value = dependencies[key];
    if (!isObject(value)) continue;
    const [name, version] = realNameAndVersion(key, value.version);
    const id = version && !version.startsWith('file:') ? `${name}@${version}` : undefined;
    scope.set(key, id);
    entries.push({ span, value, name, version, id });
  }

  const scopes = [...outer, scope];
  for (const entry of entries) {
    const nested = entry.value.dependencies;
    if (entry.id) {
      const nestedScope = new Map<string, string | undefined>();
      for (const key of entry.span.nested?.keys() ?? []) {
        const value = isObject(nested) ? nested[key] : undefined;
        if (!isObject(value)) continue;
        const [name, version] = realNameAndVersion(key, value.version);
        nestedScope.set(key, version ? `${name}@${version}` : undefined);
      }
      const dependsOn: string[] = [];
      for (const required of objectKeys(entry.value.requires)) {
        const id = lookup([...scopes, nestedScope], required);
        if (id) dependsOn.push(id);
      }
      collector.add({
        name: entry.name,
        version: entry.version,
        direct: false,
        dev: entry.value.dev === true,
        span: entry.span,
        dependsOn,
      });
    }
    if (isObject(nested)) readDependenciesSection(nested, entry.span.nested ?? new Map(), scopes, collector);
  }
}

function lookup(scopes: Scope[], name: string): string | undefined {
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
  name: string;
  version: string;
  direct: boolean;
  dev: boolean;
  span: MemberSpan;
  dependsOn: string[];
}

/** Merges occurrences of the same name@version: dev only if every one is dev, direct if any is. */
class PackageCollector {
  private readonly byId = new Map<string, Package>();

  constructor(private readonly lines: LineIndex) {}

  add(occurrence: Occurrence): void {
    const id = `${occurrence.name}@${occurrence.version}`;
    const location = this.lines.range(occurrence.span.start, occurrence.span.end);
    const known = this.byId.get(id);
    if (!known) {
      this.byId.set(id, {
        id,
        name: occurrence.name,
        version: occurrence.version,
        ecosystem: 'npm',
        purl: buildPurl('npm', occurrence.name, occurrence.version),
        direct: occurrence.direct,
        dev: occurrence.dev,
        location,
        dependsOn: sortedUnique(occurrence.dependsOn),
      });
      return;
    }
    known.dev = known.dev && occurrence.dev;
    known.direct = known.direct || occurrence.direct;
    known.dependsOn = sortedUnique([...(known.dependsOn ?? []), ...occurrence.dependsOn]);
    (known.otherLocations ??= []).push(location);
  }

  /** Sorted by file position of the first occurrence. */
  packages(): Package[] {
    return [...this.byId.values()].sort(
      (a, b) => a.location!.startLine - b.location!.startLine || a.location!.startColumn - b.location!.startColumn,
    );
  }
}

/** Sorts in place and drops repeats. */
function sortedUnique(items: string[]): string[] {
  items.sort();
  return items.filter((item, i) => i === 0 || item !== items[i - 1]);
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectKeys(value: unknown): string[] {
  return isObject(value) ? Object.keys(value) : [];
}
