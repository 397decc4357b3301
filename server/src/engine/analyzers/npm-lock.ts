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
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { buildPurl } from '../purl';
import type { Analyzer, AnalyzerInput, AnalyzerOutput, Package, SourceRange } from '../types';
import { LineIndex } from './text';

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

export function parsePackageLock(input: AnalyzerInput): AnalyzerOutput {
  const errors: ParseError[] = [];
  const root = parseTree(input.content, errors, { allowTrailingComma: false, disallowComments: true });
  const lines = new LineIndex(input.path, input.content);
  if (errors.length > 0 || !root) {
    const first = errors[0];
    const where = first ? lines.range(first.offset, first.offset) : undefined;
    const code = first ? printParseErrorCode(first.error) : 'empty document';
    throw new Error(`${input.path}: not valid JSON (${code}${where ? ` at line ${where.startLine}, column ${where.startColumn}` : ''})`);
  }
  if (root.type !== 'object') throw new Error(`${input.path}: a package-lock.json must hold a JSON object`);

  const packagesNode = property(root, 'packages');
  const lockfileVersion = scalar(root, 'lockfileVersion');
  const collector = new PackageCollector(lines);
  if (packagesNode?.type === 'object' && lockfileVersion !== 1) {
    readPackagesSection(packagesNode, collector);
  } else {
    const dependencies = property(root, 'dependencies');
    if (dependencies?.type === 'object') readDependenciesSection(dependencies, [], collector);
  }
  return { packages: collector.packages() };
}

// ---- lockfileVersion 2 and 3: the flat `packages` map ----

interface FolderEntry {
  path: string;
  /** The property node: key and value, for the location. */
  node: Node;
  value: Node;
}

function readPackagesSection(packagesNode: Node, collector: PackageCollector): void {
  const folders = new Map<string, FolderEntry>();
  for (const prop of packagesNode.children ?? []) {
    const [keyNode, value] = prop.children ?? [];
    if (!keyNode || value?.type !== 'object') continue;
    folders.set(String(keyNode.value), { path: String(keyNode.value), node: prop, value });
  }

  /** Follows `link: true` entries to their target folder. */
  const followLink = (folder: FolderEntry): FolderEntry | undefined => {
    if (scalar(folder.value, 'link') !== true) return folder;
    const target = scalar(folder.value, 'resolved');
    return typeof target === 'string' && target !== '' ? folders.get(target) : undefined;
  };

  /** Node's module resolution: the nearest node_modules/<name> from `fromPath` upwards. */
  const resolve = (fromPath: string, name: string): FolderEntry | undefined => {
    let dir = fromPath;
    for (;;) {
      const candidate = folders.get(dir === '' ? `node_modules/${name}` : `${dir}/node_modules/${name}`);
      if (candidate) return followLink(candidate);
      if (dir === '') return undefined;
      const slash = dir.lastIndexOf('/');
      dir = slash === -1 ? '' : dir.slice(0, slash);
    }
  };

  const directPaths = new Set<string>();
  for (const folder of folders.values()) {
    if (isInstalledPath(folder.path)) continue;
    for (const field of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']) {
      for (const name of objectKeys(property(folder.value, field))) {
        const target = resolve(folder.path, name);
        if (target) directPaths.add(target.path);
      }
    }
  }

  const ids = new Map<FolderEntry, string | undefined>();
  const idOf = (folder: FolderEntry): string | undefined => {
    if (ids.has(folder)) return ids.get(folder);
    let id: string | undefined;
    const version = scalar(folder.value, 'version');
    if (isInstalledPath(folder.path) && scalar(folder.value, 'link') !== true && typeof version === 'string' && version !== '') {
      id = `${packageName(folder)}@${version}`;
    }
    ids.set(folder, id);
    return id;
  };

  for (const folder of folders.values()) {
    const id = idOf(folder);
    if (!id) continue;
    const dependsOn: string[] = [];
    for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies']) {
      for (const name of objectKeys(property(folder.value, field))) {
        const target = resolve(folder.path, name);
        const targetId = target && idOf(target);
        if (targetId) dependsOn.push(targetId);
      }
    }
    collector.add({
      name: packageName(folder),
      version: String(scalar(folder.value, 'version')),
      direct: directPaths.has(folder.path),
      dev: scalar(folder.value, 'dev') === true,
      node: folder.node,
      dependsOn,
    });
  }
}

/** True for folders npm installed (`…node_modules/<name>`), false for the user's own projects. */
function isInstalledPath(path: string): boolean {
  return path.startsWith('node_modules/') || path.includes('/node_modules/');
}

/** The `name` field when the folder is an alias (`"x": "npm:real@1"`), else the folder name. */
function packageName(folder: FolderEntry): string {
  const name = scalar(folder.value, 'name');
  if (typeof name === 'string' && name !== '') return name;
  return folder.path.slice(folder.path.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

// ---- lockfileVersion 1: nested `dependencies` ----

/** Resolved ids by name, one map per nesting level, innermost last. */
type Scope = Map<string, string | undefined>;

function readDependenciesSection(dependencies: Node, outer: Scope[], collector: PackageCollector): void {
  const scope: Scope = new Map();
  const entries: { node: Node; value: Node; name: string; version: string; id?: string }[] = [];
  for (const prop of dependencies.children ?? []) {
    const [keyNode, value] = prop.children ?? [];
    if (!keyNode || value?.type !== 'object') continue;
    const [name, version] = realNameAndVersion(String(keyNode.value), scalar(value, 'version'));
    const id = version && !version.startsWith('file:') ? `${name}@${version}` : undefined;
    scope.set(String(keyNode.value), id);
    entries.push({ node: prop, value, name, version, id });
  }

  const scopes = [...outer, scope];
  for (const entry of entries) {
    const nested = property(entry.value, 'dependencies');
    if (entry.id) {
      const nestedScope = new Map<string, string | undefined>();
      for (const prop of nested?.children ?? []) {
        const [keyNode, value] = prop.children ?? [];
        if (!keyNode || value?.type !== 'object') continue;
        const [name, version] = realNameAndVersion(String(keyNode.value), scalar(value, 'version'));
        nestedScope.set(String(keyNode.value), version ? `${name}@${version}` : undefined);
      }
      const dependsOn: string[] = [];
      for (const required of objectKeys(property(entry.value, 'requires'))) {
        const id = lookup([...scopes, nestedScope], required);
        if (id) dependsOn.push(id);
      }
      collector.add({
        name: entry.name,
        version: entry.version,
        direct: false,
        dev: scalar(entry.value, 'dev') === true,
        node: entry.node,
        dependsOn,
      });
    }
    if (nested?.type === 'object') readDependenciesSection(nested, scopes, collector);
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
  node: Node;
  dependsOn: string[];
}

/** Merges occurrences of the same name@version: dev only if every one is dev, direct if any is. */
class PackageCollector {
  private readonly byId = new Map<string, Package>();

  constructor(private readonly lines: LineIndex) {}

  add(occurrence: Occurrence): void {
    const id = `${occurrence.name}@${occurrence.version}`;
    const location = this.rangeOf(occurrence.node);
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
        dependsOn: [...new Set(occurrence.dependsOn)].sort(),
      });
      return;
    }
    known.dev = known.dev && occurrence.dev;
    known.direct = known.direct || occurrence.direct;
    known.dependsOn = [...new Set([...(known.dependsOn ?? []), ...occurrence.dependsOn])].sort();
    (known.otherLocations ??= []).push(location);
  }

  /** Sorted by file position of the first occurrence. */
  packages(): Package[] {
    return [...this.byId.values()].sort(
      (a, b) => a.location!.startLine - b.location!.startLine || a.location!.startColumn - b.location!.startColumn,
    );
  }

  private rangeOf(node: Node): SourceRange {
    return this.lines.range(node.offset, node.offset + node.length);
  }
}

function property(object: Node | undefined, key: string): Node | undefined {
  if (object?.type !== 'object') return undefined;
  for (const prop of object.children ?? []) {
    if (prop.children?.[0]?.value === key) return prop.children[1];
  }
  return undefined;
}

function scalar(object: Node | undefined, key: string): unknown {
  const node = property(object, key);
  return node && node.type !== 'object' && node.type !== 'array' ? node.value : undefined;
}

function objectKeys(object: Node | undefined): string[] {
  if (object?.type !== 'object') return [];
  return (object.children ?? []).map((prop) => String(prop.children?.[0]?.value));
}
