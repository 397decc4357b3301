// yarn.lock: yarn classic (v1, yarn's own indented format) and Berry (yarn 2+, YAML).
//
// Each entry maps one or more descriptors (`lodash@^4.17.11`, `ms@npm:2.1.2`) to one resolved
// package. Only registry packages are reported: entries resolved through workspace:, link:,
// portal:, file:, patch:, exec:, git or URL protocols are the user's own code or not in a
// registry (as in Trivy), and the `__metadata` entry is Berry's own. An `npm:` alias
// (`alias@npm:real@^1`) is reported under the real name.
//
// Direct and dev come from the package.json beside the lockfile: a dependency declared there as
// `name: spec` is the entry whose descriptors include `name@spec` (Berry writes `name@npm:spec`
// for a plain range). If none does (package.json edited since the last install) and only one
// entry has that name, that entry is taken. dev = reachable from devDependencies and not from
// dependencies, optionalDependencies or peerDependencies. Without a package.json nothing is direct
// or dev, as in Trivy.
//
// Workspaces: Berry records each project of the repository as an entry resolved to
// `name@workspace:folder`, with every dependency its package.json declares. A package belongs to
// the workspaces (by folder) whose dependencies pull it in, through local packages (`file:`,
// `portal:`, ...) but not through another workspace, which owns its own. Beside the root's
// package.json, what a member workspace declares is direct too (Trivy reads the members'
// package.json files for it). Classic lockfiles record no workspaces: their packages get no members.
import { isMap, isScalar, parseDocument, type Pair } from 'yaml';
import { attributeToMembers, memberFolder, sortUnique } from '../depgraph';
import { optionalHashes, sriHashes } from '../hashes';
import { buildPurl } from '../purl';
import { LineCursor } from '../text';
import type { Analyzer, Package, PackageCopy, SourceRange } from '../types';

/** One lockfile entry, before entries of the same name@version are merged. */
interface LockEntry {
  /** The key's descriptors, as written: `name@range`. */
  descriptors: string[];
  /** Real name, version and `name@version`; undefined for entries that are not registry packages. */
  resolved?: { name: string; version: string; id: string };
  /** For a Berry workspace (`name@workspace:folder`), its folder relative to the lockfile. */
  workspace?: string;
  /** `[name, range]` of each dependency the entry records. */
  dependencies: [string, string][];
  /** yarn classic's `integrity`: the tarball's SRI digests (Berry's `checksum` is of its own zip, not the tarball). */
  integrity?: string;
  location: SourceRange;
  /** The entry's key line, which the editor underlines. */
  highlight: SourceRange;
}

const MANIFEST = 'package.json';

export const yarnLockAnalyzer: Analyzer = {
  id: 'yarn-lock',
  type: 'yarn',
  scanner: 'vuln',
  ecosystem: 'npm',
  fileNames: ['yarn.lock'],
  siblings: [MANIFEST],
  manifest: MANIFEST,
  inlineIgnores: false,
  trivyParser: 'nodejs/yarn',
  fixes: 'yarn',
  analyze: input => parseYarnLock(input.content, input.path, input.siblings?.get(MANIFEST)),
};

export function parseYarnLock(content: string, file: string, manifestText?: string): { packages: Package[] } {
  return { packages: buildPackages(readEntries(content, file), readManifest(manifestText)) };
}

function readEntries(content: string, file: string): LockEntry[] {
  if (!isBerry(content)) return readIndentedEntries(content, file, false);
  try {
    return readIndentedEntries(content, file, true);
  } catch {
    // Not the YAML subset yarn writes (hand-edited, reformatted): the full YAML parser decides.
    return readBerryYaml(content, file);
  }
}

/** Berry lockfiles start with a `__metadata:` entry; classic ones never have one. */
function isBerry(content: string): boolean {
  return content.startsWith('__metadata:') || content.includes('\n__metadata:');
}

// ---- the indented format ----
//
// yarn classic writes its own format: lines are `key value` or `key:` (a nested map below, two
// more spaces in); top-level lines are entry keys, descriptors separated by commas, each quoted
// when it needs to be, ending in `:`. Quoted strings use JSON escapes. Comments start with `#`.
//
// Berry writes YAML, but only a subset of it with the same shape: `key: value` or `key:`, two
// spaces per level, plain or JSON-quoted strings, one quoted key holding every descriptor. This
// reader takes that subset too, some thirty times faster than the YAML parser (whose document
// model is built for YAML in general). In Berry mode it throws on anything outside the subset, and
// the caller falls back to the YAML parser.

interface PendingEntry {
  descriptors: string[];
  start: number;
  end: number;
  line: number;
  version?: string;
  resolution?: string;
  integrity?: string;
  dependencies: [string, string][];
}

function readIndentedEntries(content: string, file: string, berry: boolean): LockEntry[] {
  const lines = new LineCursor(content, file);
  const entries: LockEntry[] = [];
  let entry: PendingEntry | undefined;
  /** The name of the map the entry is in at depth 1 (`dependencies`, ...), while inside one. */
  let section: string | undefined;
  /** The deepest indentation level the next line may have. */
  let maxLevel = 0;

  const finishEntry = () => {
    if (entry && !(berry && entry.descriptors[0] === '__metadata')) entries.push(toLockEntry(entry, content, lines));
  };

  let lineNumber = 0;
  for (let lineStart = 0; lineStart <= content.length; ) {
    lineNumber++;
    let lineEnd = content.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = content.length;
    const next = lineEnd + 1;
    let stop = lineEnd;
    while (stop > lineStart && isSpace(content.charCodeAt(stop - 1))) stop--;
    let first = lineStart;
    while (first < stop && content.charCodeAt(first) === SPACE) first++;
    if (first === stop || content.charCodeAt(first) === HASH) {
      lineStart = next;
      continue; // blank line or comment
    }
    if (content.charCodeAt(first) === TAB) throw malformed(lineNumber, 'a tab in the indentation');
    const indent = first - lineStart;
    if (indent % 2 !== 0) throw malformed(lineNumber, 'indentation is not a multiple of two spaces');
    const level = indent / 2;
    if (level > maxLevel) throw malformed(lineNumber, 'a line is indented deeper than the line above allows');

    if (level === 0) {
      finishEntry();
      if (content.charCodeAt(stop - 1) !== COLON) throw malformed(lineNumber, "an entry key does not end in ':'");
      const descriptors = readDescriptors(content, first, stop - 1, lineNumber, berry);
      entry = { descriptors, start: lineStart, end: stop, line: lineNumber, dependencies: [] };
      section = undefined;
      maxLevel = 1;
    } else {
      const field = readField(content, first, stop, lineNumber, berry);
      if (level === 1) {
        section = field.value === undefined ? field.key : undefined;
        if (field.key === 'version') entry!.version = field.value;
        else if (field.key === 'resolution') entry!.resolution = field.value;
        else if (field.key === 'integrity' && !berry) entry!.integrity = field.value;
      } else if (level === 2 && field.value !== undefined && (section === 'dependencies' || section === 'optionalDependencies')) {
        entry!.dependencies.push([field.key, field.value]);
      }
      entry!.end = stop;
      maxLevel = field.value === undefined ? level + 1 : level;
    }
    lineStart = next;
  }
  finishEntry();
  return entries;
}

function toLockEntry(entry: PendingEntry, content: string, lines: LineCursor): LockEntry {
  const { descriptors, version, resolution, dependencies, integrity } = entry;
  const resolved = resolution !== undefined ? resolveFromLocator(resolution, version) : resolveFromDescriptor(descriptors[0], version);
  if (resolved && !version) throw malformed(entry.line, 'an entry has no version');
  return { descriptors, resolved, workspace: workspaceFolder(resolution), dependencies, integrity, ...entryRanges(content, lines, entry.start, entry.end) };
}

/** The whole entry's range, and its key line's without the closing `:`. */
function entryRanges(content: string, lines: LineCursor, start: number, end: number): Pick<LockEntry, 'location' | 'highlight'> {
  let keyEnd = content.indexOf('\n', start);
  if (keyEnd === -1 || keyEnd > end) keyEnd = end;
  while (keyEnd > start && (content[keyEnd - 1] === '\r' || content[keyEnd - 1] === ':' || content[keyEnd - 1] === ' ')) keyEnd--;
  const highlight = lines.range(start, keyEnd);
  return { highlight, location: lines.range(start, end) };
}

/**
 * The descriptors of an entry key, between `start` and the final colon: comma-separated, each
 * quoted or not (classic), or one quoted or plain string holding them all (Berry).
 */
function readDescriptors(content: string, start: number, end: number, lineNumber: number, berry: boolean): string[] {
  const descriptors: string[] = [];
  let at = start;
  for (;;) {
    while (at < end && content.charCodeAt(at) === SPACE) at++;
    let descriptor: string;
    if (content.charCodeAt(at) === QUOTE) {
      [descriptor, at] = readQuoted(content, at, end, lineNumber);
    } else {
      const tokenStart = at;
      while (at < end && content.charCodeAt(at) !== COMMA) at++;
      descriptor = content.slice(tokenStart, at).trimEnd();
      if (berry) checkPlainYaml(descriptor, lineNumber);
    }
    if (descriptor === '') throw malformed(lineNumber, 'an entry key has an empty descriptor');
    if (berry) for (const part of descriptor.split(',')) descriptors.push(part.trim());
    else descriptors.push(descriptor);
    while (at < end && content.charCodeAt(at) === SPACE) at++;
    if (at === end) return descriptors;
    if (content.charCodeAt(at) !== COMMA) throw malformed(lineNumber, 'descriptors in an entry key must be separated by commas');
    at++;
  }
}

/** `key value` (classic), `key: value`, or `key:` (value undefined: a map follows). */
function readField(content: string, start: number, end: number, lineNumber: number, berry: boolean): { key: string; value?: string } {
  let key: string;
  let at: number;
  if (content.charCodeAt(start) === QUOTE) {
    [key, at] = readQuoted(content, start, end, lineNumber);
  } else {
    at = start;
    while (at < end && !isSpace(content.charCodeAt(at)) && content.charCodeAt(at) !== COLON) at++;
    key = content.slice(start, at);
    if (berry) checkPlainYaml(key, lineNumber);
  }
  const colon = content.charCodeAt(at) === COLON;
  if (colon) at++;
  else if (berry) throw malformed(lineNumber, "a key is not followed by ':'");
  if (at < end && !isSpace(content.charCodeAt(at))) throw malformed(lineNumber, 'a key runs into its value');
  while (at < end && isSpace(content.charCodeAt(at))) at++;
  if (at === end) {
    if (!colon) throw malformed(lineNumber, 'a field has no value');
    return { key };
  }
  if (content.charCodeAt(at) !== QUOTE) {
    const value = content.slice(at, end);
    if (berry) checkPlainYaml(value, lineNumber);
    return { key, value };
  }
  const [value, valueEnd] = readQuoted(content, at, end, lineNumber);
  if (valueEnd !== end) throw malformed(lineNumber, 'unexpected text after a quoted value');
  return { key, value };
}

/**
 * Throws unless YAML would read `text` as this same plain string: no leading indicator
 * (flow collections, anchors, aliases, tags, block scalars, other quotes), no comment, no
 * nested `key: value`.
 */
function checkPlainYaml(text: string, lineNumber: number): void {
  const first = text.charCodeAt(0);
  const second = text.charCodeAt(1);
  const leadingIndicator = '[]{},#&*!|>\'"%@`'.includes(text[0]) ||
    ((first === 0x2d || first === 0x3f || first === COLON) && (text.length === 1 || isSpace(second)));
  if (leadingIndicator || text.includes(' #') || text.includes(': ') || text.charCodeAt(text.length - 1) === COLON) {
    throw malformed(lineNumber, 'YAML beyond what yarn writes');
  }
}

/** A JSON string starting at `start`; returns its value and the offset after its closing quote. */
function readQuoted(content: string, start: number, end: number, lineNumber: number): [string, number] {
  let at = start + 1;
  let escaped = false;
  for (; at < end; at++) {
    const code = content.charCodeAt(at);
    if (code === QUOTE) break;
    if (code === BACKSLASH) {
      escaped = true;
      at++;
    }
  }
  if (at >= end) throw malformed(lineNumber, 'a quoted string is not closed');
  if (!escaped) return [content.slice(start + 1, at), at + 1];
  try {
    return [JSON.parse(content.slice(start, at + 1)) as string, at + 1];
  } catch {
    throw malformed(lineNumber, 'a quoted string has an invalid escape');
  }
}

const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const LF = 0x0a;
const HASH = 0x23;
const COLON = 0x3a;
const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isSpace(code: number): boolean {
  return code === SPACE || code === TAB || code === CR;
}

function malformed(lineNumber: number, what: string): Error {
  return new Error(`not a valid yarn.lock: ${what} (line ${lineNumber})`);
}

// ---- Berry (v2+) through the YAML parser ----
//
// A YAML map of entries. Each entry's `resolution` names the locator it resolved to
// (`real@npm:1.2.3` for a registry package), which also gives an alias's real name.

function readBerryYaml(content: string, file: string): LockEntry[] {
  // The failsafe schema keeps every scalar a string: `version: 1.10` must not become 1.1.
  const doc = parseDocument(content, { schema: 'failsafe', uniqueKeys: false });
  const error = doc.errors[0];
  if (error) {
    // yaml's own message quotes the file's text; say where and what kind instead.
    const where = error.linePos ? ` (line ${error.linePos[0].line}, column ${error.linePos[0].col})` : '';
    throw new Error(`not a valid yarn.lock: invalid YAML, ${error.code}${where}`);
  }
  if (doc.contents === null) return [];
  if (!isMap(doc.contents)) throw new Error('not a valid yarn.lock: the top level is not a map of entries');

  const lines = new LineCursor(content, file);
  const entries: LockEntry[] = [];
  for (const pair of doc.contents.items as Pair[]) {
    const key = scalarText(pair.key);
    if (key === '__metadata') continue;
    const lineNumber = () => lines.range(nodeStart(pair.key), nodeStart(pair.key)).startLine;
    if (key === undefined || !isMap(pair.value)) throw new Error(`not a valid yarn.lock: an entry is not a key with a map of fields (line ${lineNumber()})`);
    const fields = pair.value;
    const descriptors = key.split(',').map((descriptor) => descriptor.trim());
    const version = scalarText(fields.get('version', true));
    const resolution = scalarText(fields.get('resolution', true));
    const resolved = resolution !== undefined ? resolveFromLocator(resolution, version) : resolveFromDescriptor(descriptors[0], version);
    if (resolved && !version) throw new Error(`not a valid yarn.lock: an entry has no version (line ${lineNumber()})`);

    const dependencies: [string, string][] = [];
    const dependencyMap = fields.get('dependencies', true);
    if (isMap(dependencyMap)) {
      for (const dependency of dependencyMap.items as Pair[]) {
        const name = scalarText(dependency.key);
        const range = scalarText(dependency.value);
        if (name !== undefined && range !== undefined) dependencies.push([name, range]);
      }
    }

    // The value's range runs to the next entry's line; the location ends with the last field.
    let end = pair.value.range![1];
    while (end > 0 && (isSpace(content.charCodeAt(end - 1)) || content.charCodeAt(end - 1) === LF)) end--;
    entries.push({ descriptors, resolved, workspace: workspaceFolder(resolution), dependencies, ...entryRanges(content, lines, nodeStart(pair.key), end) });
  }
  return entries;
}

function scalarText(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}

function nodeStart(node: unknown): number {
  return isScalar(node) ? node.range![0] : 0;
}

/** A Berry locator `name@npm:1.2.3` is a registry package; any other protocol is not. */
function resolveFromLocator(locator: string, version: string | undefined): LockEntry['resolved'] {
  const [name, reference] = splitDescriptor(locator);
  return reference.startsWith('npm:') ? registryPackage(name, version) : undefined;
}

/** The folder of a workspace locator `name@workspace:folder`; undefined for any other. */
function workspaceFolder(resolution: string | undefined): string | undefined {
  if (resolution === undefined) return undefined;
  const [, reference] = splitDescriptor(resolution);
  return reference.startsWith(WORKSPACE_PROTOCOL) ? memberFolder(reference.slice(WORKSPACE_PROTOCOL.length)) : undefined;
}

const WORKSPACE_PROTOCOL = 'workspace:';

// ---- shared ----

/**
 * The package a descriptor names, when it is a registry one: a plain range or tag, or `npm:`
 * (optionally an alias, `npm:real@range`). Other protocols, URLs and GitHub shorthands
 * (`user/repo#ref`) are not registry packages.
 */
function resolveFromDescriptor(descriptor: string, version: string | undefined): LockEntry['resolved'] {
  const [name, range] = splitDescriptor(descriptor);
  const protocol = protocolOf(range);
  if (protocol === 'npm') return registryPackage(aliasTarget(range.slice('npm:'.length)) ?? name, version);
  if (protocol !== undefined || range.includes('/')) return undefined;
  return registryPackage(name, version);
}

function registryPackage(name: string, version = ''): LockEntry['resolved'] {
  return { name, version, id: `${name}@${version}` };
}

/** `name@range`, where a scoped name starts with `@`. Throws when there is no `@` after the name. */
function splitDescriptor(descriptor: string): [string, string] {
  const at = descriptor.indexOf('@', 1);
  if (at === -1) throw new Error('not a valid yarn.lock: an entry key is not of the form name@range');
  return [descriptor.slice(0, at), descriptor.slice(at + 1)];
}

/** The `git+ssh` of `git+ssh://...`: letters, digits, `+`, `-`, `.` before the first colon. */
function protocolOf(range: string): string | undefined {
  const colon = range.indexOf(':');
  if (colon <= 0) return undefined;
  for (let i = 0; i < colon; i++) {
    const c = range.charCodeAt(i);
    const letter = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
    if (!letter && (i === 0 || !((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e))) return undefined;
  }
  return range.slice(0, colon).toLowerCase();
}

/** The real name in an alias `real@range` or `@scope/real@range`; undefined for a bare range. */
function aliasTarget(spec: string): string | undefined {
  const at = spec.indexOf('@', 1);
  if (at > 0) return spec.slice(0, at);
  return spec.startsWith('@') ? spec : undefined;
}

interface Manifest {
  production: [string, string][];
  development: [string, string][];
}

/** The dependencies a package.json declares; undefined when there is none or it is not valid JSON (the lockfile still reads). */
function readManifest(text: string | undefined): Manifest | undefined {
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(json)) return undefined;
  const pairs = (value: unknown): [string, string][] =>
    isObject(value) ? Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string') : [];
  return {
    production: [...pairs(json.dependencies), ...pairs(json.optionalDependencies), ...pairs(json.peerDependencies)],
    development: pairs(json.devDependencies),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function buildPackages(entries: LockEntry[], manifest: Manifest | undefined): Package[] {
  const byDescriptor = new Map<string, LockEntry>();
  // Berry binds a local descriptor to the package that declares it (`x@file:./x::locator=...`),
  // which a dependency's range may leave out: those are found without the binding, when only one entry has it.
  const byUnboundDescriptor = new Map<string, LockEntry | undefined>();
  for (const entry of entries) {
    for (const descriptor of entry.descriptors) {
      byDescriptor.set(descriptor, entry);
      const binding = descriptor.indexOf('::');
      if (binding === -1) continue;
      const unbound = descriptor.slice(0, binding);
      byUnboundDescriptor.set(unbound, byUnboundDescriptor.has(unbound) && byUnboundDescriptor.get(unbound) !== entry ? undefined : entry);
    }
  }
  const lookup = (name: string, range: string): LockEntry | undefined =>
    byDescriptor.get(`${name}@${range}`) ?? (protocolOf(range) === undefined ? byDescriptor.get(`${name}@npm:${range}`) : byUnboundDescriptor.get(`${name}@${range}`));

  // Entries come in file order, so the map keeps packages sorted by their first location.
  const packages = new Map<string, Package>();
  for (const entry of entries) {
    if (!entry.resolved) continue;
    const { name, version, id } = entry.resolved;
    const dependsOn: string[] = [];
    for (const [dependency, range] of entry.dependencies) {
      const dependencyId = lookup(dependency, range)?.resolved?.id;
      if (dependencyId) dependsOn.push(dependencyId);
    }
    const copy: PackageCopy = { key: entry.descriptors.join(', '), location: entry.location, highlight: entry.highlight, direct: false, dev: false };
    const known = packages.get(id);
    if (known) {
      known.dependsOn!.push(...dependsOn);
      known.copies!.push(copy);
      continue;
    }
    packages.set(id, {
      id, name, version, ecosystem: 'npm', purl: buildPurl('npm', name, version),
      direct: false, dev: false, location: entry.location, copies: [copy], dependsOn, ...optionalHashes(sriHashes(entry.integrity)),
    });
  }
  for (const pkg of packages.values()) sortUnique(pkg.dependsOn!);
  if (manifest) markDirectAndDev(manifest, entries, lookup, packages);
  const directs = workspaceDependencies(entries, lookup);
  if (manifest && directs.size > 1) {
    for (const [folder, ids] of directs) if (folder !== '') for (const id of ids) packages.get(id)!.direct = true;
  }
  attributeToMembers([...packages.values()], directs);
  // yarn merges every descriptor of a name@version into one entry, so each copy is the package.
  for (const pkg of packages.values()) for (const copy of pkg.copies!) Object.assign(copy, { direct: pkg.direct, dev: pkg.dev });
  return [...packages.values()];
}

/** Per Berry workspace folder, the ids of the registry packages its own dependencies resolve to, through local packages. */
function workspaceDependencies(entries: LockEntry[], lookup: (name: string, range: string) => LockEntry | undefined): Map<string, string[]> {
  const directs = new Map<string, string[]>();
  for (const workspace of entries) {
    if (workspace.workspace === undefined) continue;
    const ids = directs.get(workspace.workspace) ?? [];
    directs.set(workspace.workspace, ids);
    const seen = new Set<LockEntry>([workspace]);
    const queue = [workspace];
    while (queue.length > 0) {
      for (const [name, range] of queue.pop()!.dependencies) {
        const target = lookup(name, range);
        if (!target || seen.has(target) || target.workspace !== undefined) continue;
        seen.add(target);
        if (target.resolved) ids.push(target.resolved.id);
        else queue.push(target);
      }
    }
  }
  return directs;
}

function markDirectAndDev(
  manifest: Manifest, entries: LockEntry[], lookup: (name: string, range: string) => LockEntry | undefined, packages: Map<string, Package>,
): void {
  /** Entries by the names their descriptors use (an alias's name, not the real one). */
  const byDeclaredName = new Map<string, Set<LockEntry>>();
  for (const entry of entries) {
    for (const descriptor of entry.descriptors) {
      const [name] = splitDescriptor(descriptor);
      const named = byDeclaredName.get(name);
      if (named) named.add(entry);
      else byDeclaredName.set(name, new Set([entry]));
    }
  }
  const roots = (declared: [string, string][]): Package[] => {
    const found: Package[] = [];
    for (const [name, spec] of declared) {
      const named = byDeclaredName.get(name);
      const entry = lookup(name, spec) ?? (named?.size === 1 ? [...named][0] : undefined);
      const pkg = entry?.resolved && packages.get(entry.resolved.id);
      if (pkg) found.push(pkg);
    }
    return found;
  };
  const production = roots(manifest.production);
  const development = roots(manifest.development);
  for (const pkg of [...production, ...development]) pkg.direct = true;
  const shipped = reachable(production, packages);
  for (const id of reachable(development, packages)) {
    if (!shipped.has(id)) packages.get(id)!.dev = true;
  }
}

/** Ids of the packages reachable from `roots` through dependsOn, roots included. */
function reachable(roots: Package[], packages: Map<string, Package>): Set<string> {
  const seen = new Set(roots.map((pkg) => pkg.id));
  const queue = [...seen];
  while (queue.length > 0) {
    for (const id of packages.get(queue.pop()!)!.dependsOn!) {
      if (!seen.has(id)) {
        seen.add(id);
        queue.push(id);
      }
    }
  }
  return seen;
}
