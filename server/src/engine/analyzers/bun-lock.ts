// Bun's text lockfile, bun.lock (JSON with trailing commas, Bun 1.2 and later).
//
// `workspaces` holds each project of the repository by its folder ('' is the root), with the
// dependency sections of its package.json. `packages` holds every installed package by its place
// in the install tree: `lodash`, or `parent/lodash` for a copy nested under `parent` (scoped names
// take two segments: `@types/bun/bun-types`), or `workspace-name/lodash` for a copy only one
// workspace sees. Each value is an array whose first element is `name@resolution`: a version for
// registry packages, `workspace:`, `link:`, `file:` or `root:` for the user's own code (left out,
// and what it depends on is direct), or a git, GitHub or tarball source, which names no version
// to check (left out too). The first object element holds the package's own dependencies.
//
// A dependency resolves as Node resolves it: the nearest copy in the enclosing folders, then the
// top level. Direct: what a workspace (or local package) declares. Dev: reached only through
// some workspace's devDependencies. Members: a package belongs to the workspaces (by their folder)
// whose dependencies pull it in; a `file:` or `link:` package passes on what it depends on to the
// workspace that declares it, another workspace keeps its own.
//
// JSON.parse reads the values, once comments and trailing commas are blanked out (offsets kept);
// the spans of the `packages` members come from one scan of that object alone.
import { attributeToMembers, memberFolder, sortUnique } from '../depgraph';
import { sriHashes } from '../hashes';
import { buildPurl } from '../purl';
import { LineCursor } from '../text';
import type { Analyzer, Package, PackageCopy } from '../types';
import { blankCommentsAndTrailingCommas, parseJson, stringEnd, valuesAt, type JsonObject, type ValueSpan } from './json-offsets';

const MANIFEST = 'package.json';

export const bunLockAnalyzer: Analyzer = {
  id: 'bun-lock',
  type: 'bun',
  scanner: 'vuln',
  ecosystem: 'npm',
  fileNames: ['bun.lock'],
  siblings: [MANIFEST],
  manifest: MANIFEST,
  inlineIgnores: false,
  trivyParser: 'nodejs/bun',
  // Bun reads Yarn's `resolutions` (bare names) for what the lockfile pulls in indirectly.
  fixes: 'yarn',
  analyze: input => ({ packages: parseBunLock(input.content, input.path) }),
};

const DEPENDENCY_SECTIONS = ['dependencies', 'optionalDependencies', 'peerDependencies'] as const;
const LOCAL_PROTOCOLS = ['workspace:', 'link:', 'file:', 'root:'];

/** One member of `packages`. */
interface Entry {
  key: string;
  /**
   * The keys a dependency is looked up under, nearest first: the entry's own, then each enclosing
   * package's (`a/b/c` -> `a/b/c`, `a/b`, `a`; `@types/bun/bun-types` -> itself, `@types/bun`).
   */
  enclosing: string[];
  name: string;
  /** The version for a registry package; undefined for local code and sources without one. */
  version?: string;
  local: boolean;
  /** A `workspace:` entry: a project of the repository, which owns what it depends on. */
  workspace: boolean;
  info?: JsonObject;
  /** A registry package's last element: its tarball's SRI `integrity`. */
  integrity: unknown;
  span: ValueSpan;
  dependsOn: Entry[];
  requiredBy: string[];
  direct: boolean;
  reachedFromProduction: boolean;
  reachedFromDevelopment: boolean;
}

export function parseBunLock(content: string, file: string): Package[] {
  const json = blankCommentsAndTrailingCommas(content);
  let root: unknown;
  try {
    root = parseJson(json);
  } catch (error) {
    throw new Error(`not a valid bun.lock: ${(error as Error).message}`);
  }
  if (!isObject(root)) throw new Error('not a valid bun.lock: the top level is not an object');
  if (typeof root.lockfileVersion !== 'number') throw new Error('not a valid bun.lock: lockfileVersion is not a number');
  const packagesValue = root.packages;
  if (packagesValue === undefined) return [];
  if (!isObject(packagesValue)) throw new Error("not a valid bun.lock: 'packages' is not an object");

  const entries = new Map<string, Entry>();
  for (const span of valuesAt(json, ['packages'])!) {
    const key = span.key!;
    const value = packagesValue[key];
    // A repeated key: JSON.parse kept the last value, so the last span is the one to read.
    if (!Array.isArray(value) || typeof value[0] !== 'string') continue;
    const [name, resolution] = splitIdent(value[0]);
    if (!name) continue;
    const local = LOCAL_PROTOCOLS.some(protocol => resolution.startsWith(protocol));
    entries.set(key, {
      key, enclosing: enclosingKeys(key), name, version: local || !isVersion(resolution) ? undefined : resolution, local,
      workspace: resolution.startsWith('workspace:'), info: value.find(isObject), integrity: value[value.length - 1], span,
      dependsOn: [], requiredBy: [], direct: false, reachedFromProduction: false, reachedFromDevelopment: false,
    });
  }

  // Every key's text before each of its slashes: only there can `${prefix}/${name}` name an entry,
  // so the other lookups (most, in a flat install) build no key.
  const parents = new Set<string>();
  for (const key of entries.keys()) {
    for (let slash = key.indexOf('/'); slash !== -1; slash = key.indexOf('/', slash + 1)) parents.add(key.slice(0, slash));
  }
  /** The entry a dependency `name` looked up under `enclosing` resolves to: the nearest enclosing copy, then the top level. */
  const resolve = (enclosing: readonly string[], name: string): Entry | undefined => {
    for (const prefix of enclosing) {
      if (!parents.has(prefix)) continue;
      const found = entries.get(`${prefix}/${name}`);
      if (found) return found;
    }
    return entries.get(name);
  };

  for (const entry of entries.values()) {
    for (const name of dependencyNames(entry.info, DEPENDENCY_SECTIONS)) {
      const target = resolve(entry.enclosing, name);
      if (!target || target === entry) continue;
      entry.dependsOn.push(target);
      if (!entry.local) target.requiredBy.push(entry.key);
    }
  }

  // Roots: each workspace's dependencies, and those of local packages (`file:` folders).
  const production: Entry[] = [];
  const development: Entry[] = [];
  /** Per workspace folder, the entries it declares itself. */
  const declaredBy = new Map<string, Entry[]>();
  const workspaces = isObject(root.workspaces) ? Object.entries(root.workspaces) : [];
  for (const [folderKey, project] of workspaces) {
    if (!isObject(project)) continue;
    const scope = typeof project.name === 'string' && project.name !== '' ? [project.name] : [];
    const declared: Entry[] = [];
    for (const name of dependencyNames(project, DEPENDENCY_SECTIONS)) pushResolved(production, resolve(scope, name), declared);
    for (const name of dependencyNames(project, ['devDependencies'])) pushResolved(development, resolve(scope, name), declared);
    const folder = memberFolder(folderKey);
    declaredBy.set(folder, [...declaredBy.get(folder) ?? [], ...declared]);
  }
  for (const entry of entries.values()) if (entry.local) production.push(...entry.dependsOn);
  for (const target of [...production, ...development]) target.direct = true;
  markReached(production, 'reachedFromProduction');
  markReached(development, 'reachedFromDevelopment');

  const lines = new LineCursor(content, file);
  const packages = new Map<string, Package>();
  for (const entry of entries.values()) {
    if (entry.local || entry.version === undefined) continue;
    const { keyStart, end } = entry.span;
    const highlight = lines.range(keyStart, stringEnd(json, keyStart));
    const location = lines.range(keyStart, end);
    const dev = entry.reachedFromDevelopment && !entry.reachedFromProduction;
    const copy: PackageCopy = { key: entry.key, location, highlight, direct: entry.direct, dev, requiredBy: entry.requiredBy };
    const id = `${entry.name}@${entry.version}`;
    const dependsOn: string[] = [];
    for (const target of entry.dependsOn) if (!target.local && target.version !== undefined) dependsOn.push(`${target.name}@${target.version}`);
    const known = packages.get(id);
    if (known) {
      known.copies!.push(copy);
      known.direct ||= copy.direct;
      known.dev &&= dev;
      known.dependsOn!.push(...dependsOn);
      continue;
    }
    const pkg: Package = {
      id, name: entry.name, version: entry.version, ecosystem: 'npm', purl: buildPurl('npm', entry.name, entry.version),
      direct: copy.direct, dev, location, copies: [copy], dependsOn,
    };
    // Set afterwards: spreading an optional member into the literal is V8's slow object-clone path.
    const hashes = sriHashes(entry.integrity);
    if (hashes) pkg.hashes = hashes;
    packages.set(id, pkg);
  }
  for (const pkg of packages.values()) sortUnique(pkg.dependsOn!);
  const list = [...packages.values()];
  const idsOf = (roots: Entry[]) => throughLocalPackages(roots).flatMap(entry => (entry.version === undefined ? [] : [`${entry.name}@${entry.version}`]));
  attributeToMembers(list, new Map([...declaredBy].map(([folder, roots]) => [folder, idsOf(roots)])));
  return list;
}

function pushResolved(list: Entry[], entry: Entry | undefined, declared: Entry[]): void {
  if (!entry) return;
  list.push(entry);
  declared.push(entry);
}

/** The roots, with `file:` and `link:` packages replaced by what they depend on; workspaces are left out. */
function throughLocalPackages(roots: Entry[]): Entry[] {
  const found: Entry[] = [];
  const seen = new Set<Entry>();
  const queue = [...roots];
  while (queue.length > 0) {
    const entry = queue.pop()!;
    if (seen.has(entry) || entry.workspace) continue;
    seen.add(entry);
    if (entry.local) queue.push(...entry.dependsOn);
    else found.push(entry);
  }
  return found;
}

/** Marks everything reachable from `roots` (the roots included), once each. */
function markReached(roots: Entry[], flag: 'reachedFromProduction' | 'reachedFromDevelopment'): void {
  const queue = roots.filter(entry => !entry[flag]);
  for (const entry of queue) entry[flag] = true;
  while (queue.length > 0) {
    const entry = queue.pop()!;
    for (const target of entry.dependsOn) {
      if (target[flag]) continue;
      target[flag] = true;
      queue.push(target);
    }
  }
}

/** `name@resolution`, where a scoped name's own `@` comes first. */
function splitIdent(ident: string): [string, string] {
  const at = ident.indexOf('@', 1);
  return at === -1 ? ['', ''] : [ident.slice(0, at), ident.slice(at + 1)];
}

/** A registry version: starts with a digit and holds no `:` or `/` (those are sources). */
function isVersion(resolution: string): boolean {
  const first = resolution.charCodeAt(0);
  return first >= 0x30 && first <= 0x39 && !resolution.includes(':') && !resolution.includes('/');
}

/** See Entry.enclosing. */
function enclosingKeys(key: string): string[] {
  if (!key.includes('/')) return [key];
  const segments = splitKey(key);
  const keys = [key];
  for (let depth = segments.length - 1; depth >= 1; depth--) keys.push(segments.slice(0, depth).join('/'));
  return keys;
}

/** The package names that make up a `packages` key: `@types/bun/bun-types` -> [`@types/bun`, `bun-types`]. */
function splitKey(key: string): string[] {
  const parts = key.split('/');
  const segments: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (parts[i].startsWith('@') && i + 1 < parts.length) {
      segments.push(`${parts[i]}/${parts[i + 1]}`);
      i++;
    } else segments.push(parts[i]);
  }
  return segments;
}

/** The keys of the named dependency sections of an object. */
function dependencyNames(object: JsonObject | undefined, sections: readonly string[]): string[] {
  if (!object) return [];
  const names: string[] = [];
  for (const section of sections) {
    const value = object[section];
    if (isObject(value)) names.push(...Object.keys(value));
  }
  return names;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
