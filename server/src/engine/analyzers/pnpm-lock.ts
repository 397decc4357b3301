// pnpm-lock.yaml, lockfile versions 5 to 9.
//
// v5-v8 list every installed package under `packages`, keyed by a dependency path:
// `/name/1.0.0` (v5), `/name@1.0.0` (v6-v8), a registry host in front for other registries, and
// a peer suffix where peers were resolved (`_peer@1.0.0` in v5, `(peer@1.0.0)` since v6). Each
// entry records its `dependencies`, and `dev: true` marks what only dev dependencies pull in.
// v9 splits this in two: `packages` (`name@version`, no peer suffix: resolution and metadata) and
// `snapshots` (one entry per peer variant, with the dependencies); dev is then worked out from
// the importers, as Trivy does: what no production dependency of a project reaches.
//
// The projects (`importers`, or the root `dependencies`/`devDependencies` of a single-project
// lockfile) name the direct dependencies. `link:` and `file:` packages are the user's own code (a
// workspace member, a local folder or tarball): they are not reported, and what they depend on
// counts as direct, as in the npm analyzer. A package is one name@version; each entry of it (each
// peer variant) is a copy with its own dev flag and requirers. pnpm 11 writes its own tool
// dependencies as a first YAML document (importers with `packageManagerDependencies`): skipped.
import { attributeToMembers } from '../depgraph';
import * as semver from 'semver';
import { isMap, isScalar, parseAllDocuments, type Document, type Pair, type YAMLMap } from 'yaml';
import { readMachineYaml } from './machine-yaml';
import { optionalHashes, sriHashes } from '../hashes';
import { buildPurl } from '../purl';
import { LineCursor } from '../text';
import type { Analyzer, Package, PackageCopy, SourceRange } from '../types';

const MANIFEST = 'package.json';

export const pnpmLockAnalyzer: Analyzer = {
  id: 'pnpm-lock',
  type: 'pnpm',
  scanner: 'vuln',
  ecosystem: 'npm',
  fileNames: ['pnpm-lock.yaml'],
  // Read by the editor only: its direct dependencies get the summaries, bumps and pnpm.overrides.
  siblings: [MANIFEST],
  manifest: MANIFEST,
  inlineIgnores: false,
  trivyParser: 'nodejs/pnpm',
  fixes: 'pnpm',
  analyze: input => ({ packages: parsePnpmLock(input.content, input.path) }),
};

/** One entry of the lockfile: a `packages` entry (v5-v8) or a snapshot (v9). */
interface LockEntry {
  key: string;
  /** name@version, or undefined for the user's own code (`file:`, `link:`) and entries without a version. */
  resolved?: { name: string; version: string };
  local: boolean;
  dev: boolean;
  /** `resolution.integrity`: the registry tarball's SRI digests. */
  integrity?: string;
  /** `[name, reference]` of each dependency and optional dependency. */
  dependencies: [string, string][];
  location: SourceRange;
  highlight: SourceRange;
}

/** How a lockfile version writes dependency paths. */
interface Dialect {
  /** Between the name and the version in a dependency path: `/` before v6, `@` since. */
  versionSeparator: string;
  /** Where the peer suffix starts: `_` before v6, `(` since. */
  peerStart: string;
  /** v9: packages and snapshots, no leading `/`. */
  snapshots: boolean;
}

export function parsePnpmLock(content: string, file: string): Package[] {
  // pnpm writes a plain subset of YAML that the machine-YAML reader takes in one fast pass; a
  // lockfile edited by hand into anything else goes to the full parser.
  return pnpmPackages(readMachineYaml(content) ?? parsedRoots(content), content, file);
}

/** The root map of each document, by the full YAML parser. */
export function parsedRoots(content: string): (YAMLMap | null)[] {
  const documents = parseAllDocuments(content, { schema: 'failsafe', uniqueKeys: false });
  if (!Array.isArray(documents)) return []; // an empty file
  return documents.map(document => checkedRoot(document) ?? null);
}

/** The packages of a lockfile's documents. */
export function pnpmPackages(roots: readonly (YAMLMap | null)[], content: string, file: string): Package[] {
  const lines = new LineCursor(content, file);
  const packages = new Map<string, Package>();
  const directs = new Map<string, string[]>();
  for (const root of roots) {
    if (!root || isToolLockfile(root)) continue;
    for (const [project, ids] of addPackages(readDocument(root, content, lines), packages)) directs.set(project, [...directs.get(project) ?? [], ...ids]);
  }
  const list = [...packages.values()].sort(
    (a, b) => a.location!.startLine - b.location!.startLine || a.location!.startColumn - b.location!.startColumn,
  );
  attributeToMembers(list, directs);
  return list;
}

function checkedRoot(document: Document.Parsed): YAMLMap | undefined {
  const error = document.errors[0];
  if (error) {
    // yaml's own message quotes the file's text; say where and what kind instead.
    const where = error.linePos ? ` (line ${error.linePos[0].line}, column ${error.linePos[0].col})` : '';
    throw new Error(`not a valid pnpm-lock.yaml: invalid YAML, ${error.code}${where}`);
  }
  if (document.contents === null) return undefined;
  if (!isMap(document.contents)) throw new Error('not a valid pnpm-lock.yaml: the top level is not a map');
  return document.contents;
}

/** pnpm 11's document of its own tool dependencies, beside the project's. */
function isToolLockfile(root: YAMLMap): boolean {
  const importers = root.get('importers', true);
  if (!isMap(importers)) return false;
  const nonEmpty = (node: unknown) => isMap(node) && node.items.length > 0;
  return importers.items.some(({ value }) =>
    isMap(value) && (nonEmpty(value.get('configDependencies', true)) || nonEmpty(value.get('packageManagerDependencies', true))));
}

interface DocumentEntries {
  entries: Map<string, LockEntry>;
  /** `[name, reference]` of every dependency the projects declare, production and dev apart. */
  production: [string, string][];
  development: [string, string][];
  /** Every dependency each project declares, by its folder (`''` for the root). */
  projects: Map<string, [string, string][]>;
  dialect: Dialect;
}

function readDocument(root: YAMLMap, content: string, lines: LineCursor): DocumentEntries {
  const versionText = scalarText(root.get('lockfileVersion', true));
  const lockfileVersion = versionText === undefined ? NaN : Number.parseFloat(versionText);
  if (!(lockfileVersion >= 5)) throw new Error('not a valid pnpm-lock.yaml: no lockfileVersion of 5 or later');
  const dialect: Dialect = lockfileVersion < 6
    ? { versionSeparator: '/', peerStart: '_', snapshots: false }
    : { versionSeparator: '@', peerStart: '(', snapshots: lockfileVersion >= 9 };

  const production: [string, string][] = [];
  const development: [string, string][] = [];
  const projects = new Map<string, [string, string][]>();
  const importers = root.get('importers', true);
  const projectMaps = isMap(importers) ? importers.items.map(item => [projectFolder(scalarText(item.key)), item.value] as const) : [['', root] as const];
  for (const [folder, project] of projectMaps) {
    if (!isMap(project)) continue;
    const runtime = [...references(project.get('dependencies', true)), ...references(project.get('optionalDependencies', true))];
    const dev = references(project.get('devDependencies', true));
    production.push(...runtime);
    development.push(...dev);
    projects.set(folder, [...projects.get(folder) ?? [], ...runtime, ...dev]);
  }

  const packagesSection = sectionItems(root, 'packages');
  const entries = new Map<string, LockEntry>();
  if (!dialect.snapshots) {
    for (const pair of packagesSection) {
      const fields = entryFields(pair, content);
      const key = fields.key;
      const entry = toEntry(pair, fields, content, lines);
      entry.local = isLocal(key);
      entry.resolved = entry.local ? undefined : resolveV5(key, fields.map, dialect);
      entry.integrity = integrityOf(fields.map);
      entry.dev = scalarText(fields.map?.get('dev', true)) === 'true';
      entries.set(key, entry);
    }
    return { entries, production, development, projects, dialect };
  }

  // v9: names and versions from `packages`, entries (and the graph) from `snapshots`.
  const metadata = new Map<string, { pair: Pair; fields: EntryFields }>();
  for (const pair of packagesSection) {
    const fields = entryFields(pair, content);
    metadata.set(fields.key, { pair, fields });
  }
  const snapshotted = new Set<string>();
  const snapshots: { pair: Pair; fields: EntryFields; packageKey: string }[] = [];
  for (const pair of sectionItems(root, 'snapshots')) {
    const fields = entryFields(pair, content);
    const packageKey = withoutPeers(fields.key, dialect);
    snapshotted.add(packageKey);
    snapshots.push({ pair, fields, packageKey });
  }
  // In file order: `packages` entries no snapshot stands for, then the snapshots.
  const add = (pair: Pair, fields: EntryFields, packageKey: string) => {
    const entry = toEntry(pair, fields, content, lines);
    entry.local = isLocal(referenceOf(packageKey));
    entry.resolved = entry.local ? undefined : resolveV9(packageKey, metadata.get(packageKey)?.fields.map);
    entry.integrity = integrityOf(metadata.get(packageKey)?.fields.map);
    entries.set(fields.key, entry);
  };
  for (const [packageKey, { pair, fields }] of metadata) if (!snapshotted.has(packageKey)) add(pair, fields, packageKey);
  for (const { pair, fields, packageKey } of snapshots) add(pair, fields, packageKey);
  return { entries, production, development, projects, dialect };
}

/** An entry's `resolution: {integrity: ...}` (registry tarballs; git and local ones have none). */
function integrityOf(map: YAMLMap | undefined): string | undefined {
  const resolution = map?.get('resolution', true);
  return isMap(resolution) ? scalarText(resolution.get('integrity', true)) : undefined;
}

interface EntryFields {
  key: string;
  /** The entry's map of fields; undefined for an entry written `key: {}` or without a value. */
  map?: YAMLMap;
}

function entryFields(pair: Pair, content: string): EntryFields {
  const key = scalarText(pair.key);
  if (key === undefined) throw malformed('an entry key is not a string', pair, content);
  if (isMap(pair.value)) return { key, map: pair.value };
  if (pair.value === null || (isScalar(pair.value) && pair.value.value === '')) return { key };
  throw malformed('an entry is not a map of fields', pair, content);
}

function toEntry(pair: Pair, fields: EntryFields, content: string, lines: LineCursor): LockEntry {
  const key = pair.key as { range: [number, number, number] };
  const highlight = lines.range(key.range[0], key.range[1]);
  const valueEnd = (pair.value as { range?: [number, number, number] } | null)?.range?.[1] ?? key.range[1];
  let end = valueEnd;
  while (end > key.range[1] && isBlank(content.charCodeAt(end - 1))) end--;
  const location = lines.range(key.range[0], end);
  const dependencies = [
    ...references(fields.map?.get('dependencies', true)),
    ...references(fields.map?.get('optionalDependencies', true)),
  ];
  return { key: fields.key, local: false, dev: false, dependencies, location, highlight };
}

/** The pairs of a top-level section, which must be a map when present. */
function sectionItems(root: YAMLMap, name: string): Pair[] {
  const section = root.get(name, true);
  if (section === undefined || section === null || (isScalar(section) && section.value === '')) return [];
  if (!isMap(section)) throw new Error(`not a valid pnpm-lock.yaml: '${name}' is not a map`);
  return section.items as Pair[];
}

/**
 * `[name, reference]` of a map of dependencies: `name: reference` (v5 and entries' own
 * dependencies) or `name: {specifier, version: reference}` (v6+ projects).
 */
function references(node: unknown): [string, string][] {
  if (!isMap(node)) return [];
  const found: [string, string][] = [];
  for (const { key, value } of node.items) {
    const name = scalarText(key);
    const reference = isMap(value) ? scalarText(value.get('version', true)) : scalarText(value);
    if (name !== undefined && reference !== undefined) found.push([name, reference]);
  }
  return found;
}

/** `file:` and `link:` keys or references: a local folder, tarball or workspace member. */
function isLocal(reference: string): boolean {
  return reference.startsWith('file:') || reference.startsWith('link:');
}

/** v5-v8: the name and version of a dependency path; the entry's `name`/`version` fields win. */
function resolveV5(key: string, fields: YAMLMap | undefined, dialect: Dialect): LockEntry['resolved'] {
  const name = scalarText(fields?.get('name', true));
  const version = scalarText(fields?.get('version', true));
  if (name !== undefined && version !== undefined) return validated(name, version);
  // `/name/1.0.0`, or `registry.example.com/name/1.0.0` from another registry.
  const slash = key.indexOf('/');
  if (slash === -1) return undefined;
  let path = key.slice(slash + 1);
  let scope = '';
  if (path.startsWith('@')) {
    const scopeEnd = path.indexOf('/');
    if (scopeEnd === -1) return undefined;
    scope = path.slice(0, scopeEnd + 1);
    path = path.slice(scopeEnd + 1);
  }
  const separator = path.indexOf(dialect.versionSeparator);
  if (separator <= 0) return undefined;
  return validated(scope + path.slice(0, separator), cutAt(path.slice(separator + 1), dialect.peerStart));
}

/** v9: `name@version` keys; a tarball's `packages` entry gives its version in a field. */
function resolveV9(packageKey: string, fields: YAMLMap | undefined): LockEntry['resolved'] {
  const at = packageKey.indexOf('@', 1);
  if (at === -1) return undefined;
  const version = scalarText(fields?.get('version', true)) ?? packageKey.slice(at + 1);
  return validated(scalarText(fields?.get('name', true)) ?? packageKey.slice(0, at), version);
}

function validated(name: string, version: string): LockEntry['resolved'] {
  return name !== '' && semver.valid(version) ? { name, version } : undefined;
}

/** What follows the name in a v9 key: `1.0.0`, `file:pkg`, `https://...`. */
function referenceOf(packageKey: string): string {
  const at = packageKey.indexOf('@', 1);
  return at === -1 ? '' : packageKey.slice(at + 1);
}

function withoutPeers(key: string, dialect: Dialect): string {
  return cutAt(key, dialect.peerStart);
}

function cutAt(text: string, marker: string): string {
  const at = text.indexOf(marker);
  return at === -1 ? text : text.slice(0, at);
}

/** The entry a `name: reference` dependency points at: `name` at that version, or the reference itself as a key (aliases, tarballs). */
function findEntry(name: string, reference: string, entries: Map<string, LockEntry>, dialect: Dialect): LockEntry | undefined {
  if (reference.startsWith('link:')) return undefined;
  const prefix = dialect.snapshots ? '' : '/';
  return entries.get(`${prefix}${name}${dialect.versionSeparator}${reference}`) ?? entries.get(reference);
}

/** Adds a document's packages; gives, per project folder, the ids of what it depends on itself. */
function addPackages(document: DocumentEntries, packages: Map<string, Package>): Map<string, string[]> {
  const { entries, dialect } = document;
  const requiredBy = new Map<LockEntry, string[]>();
  const dependsOn = new Map<LockEntry, LockEntry[]>();
  for (const entry of entries.values()) {
    const targets: LockEntry[] = [];
    for (const [name, reference] of entry.dependencies) {
      const target = findEntry(name, reference, entries, dialect);
      if (!target) continue;
      targets.push(target);
      if (!entry.local) {
        const list = requiredBy.get(target);
        if (list) list.push(entry.key);
        else requiredBy.set(target, [entry.key]);
      }
    }
    dependsOn.set(entry, targets);
  }

  const roots = (declared: [string, string][]): LockEntry[] =>
    declared.flatMap(([name, reference]) => findEntry(name, reference, entries, dialect) ?? []);
  const productionRoots = roots(document.production);
  const developmentRoots = roots(document.development);
  // The user's own packages are projects too: what they depend on is direct.
  const direct = new Set<LockEntry>();
  for (const root of reachableThroughLocal([...productionRoots, ...developmentRoots], dependsOn)) direct.add(root);
  if (dialect.snapshots) {
    const shipped = reachable(productionRoots, dependsOn);
    for (const entry of reachable(developmentRoots, dependsOn)) if (!shipped.has(entry)) entry.dev = true;
  }

  for (const entry of entries.values()) {
    if (!entry.resolved) continue;
    const { name, version } = entry.resolved;
    const id = `${name}@${version}`;
    const copy: PackageCopy = {
      key: entry.key, location: entry.location, highlight: entry.highlight, direct: direct.has(entry), dev: entry.dev,
      requiredBy: requiredBy.get(entry) ?? [],
    };
    const ids = dependsOn.get(entry)!.flatMap(target => (target.resolved ? [`${target.resolved.name}@${target.resolved.version}`] : []));
    const known = packages.get(id);
    if (known) {
      known.direct ||= copy.direct;
      known.dev &&= copy.dev;
      known.copies!.push(copy);
      known.dependsOn = sortedUnique([...known.dependsOn!, ...ids]);
      if (comesBefore(copy.location, known.location!)) known.location = copy.location;
      continue;
    }
    packages.set(id, {
      id, name, version, ecosystem: 'npm', purl: buildPurl('npm', name, version),
      direct: copy.direct, dev: copy.dev, location: copy.location, copies: [copy], dependsOn: sortedUnique(ids),
      ...optionalHashes(sriHashes(entry.integrity)),
    });
  }
  const idOf = (entry: LockEntry) => (entry.resolved ? [`${entry.resolved.name}@${entry.resolved.version}`] : []);
  return new Map([...document.projects].map(([folder, declared]) => [folder, reachableThroughLocal(roots(declared), dependsOn).flatMap(idOf)]));
}

/** An importer's key as a folder relative to the lockfile: `''` for the root (`.`). */
function projectFolder(key: string | undefined): string {
  return key === undefined || key === '.' ? '' : key.replace(/^\.\//, '');
}

/** The roots, with local packages replaced by what they depend on (and so on through local ones). */
function reachableThroughLocal(roots: LockEntry[], dependsOn: Map<LockEntry, LockEntry[]>): LockEntry[] {
  const found: LockEntry[] = [];
  const seen = new Set<LockEntry>();
  const queue = [...roots];
  while (queue.length > 0) {
    const entry = queue.pop()!;
    if (seen.has(entry)) continue;
    seen.add(entry);
    if (entry.local) queue.push(...dependsOn.get(entry)!);
    else found.push(entry);
  }
  return found;
}

function reachable(roots: LockEntry[], dependsOn: Map<LockEntry, LockEntry[]>): Set<LockEntry> {
  const seen = new Set(roots);
  const queue = [...seen];
  while (queue.length > 0) {
    for (const target of dependsOn.get(queue.pop()!)!) {
      if (!seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return seen;
}

function comesBefore(a: SourceRange, b: SourceRange): boolean {
  return a.startLine < b.startLine || (a.startLine === b.startLine && a.startColumn < b.startColumn);
}

function sortedUnique(items: string[]): string[] {
  return [...new Set(items)].sort();
}

function scalarText(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function malformed(what: string, pair: Pair, content: string): Error {
  const start = (pair.key as { range?: [number, number, number] } | null)?.range?.[0] ?? 0;
  const line = new LineCursor(content).range(start, start).startLine;
  return new Error(`not a valid pnpm-lock.yaml: ${what} (line ${line})`);
}
