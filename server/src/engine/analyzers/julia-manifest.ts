// Julia's Manifest.toml (Pkg). Format 2.0 (Julia 1.7 and later) lists each package under
// `[[deps.Name]]`, older manifests under `[[Name]]`; a name is an array because two packages of one
// name (different UUIDs) can be installed. Each entry has its `uuid`, a `version` (standard
// libraries have none: they take the manifest's `julia_version`, else `unknown`, as in Trivy),
// and `deps`, a list of names or a table from name to UUID. Entries with a `path` are packages the
// user develops locally: left out, and what they depend on is direct. The Project.toml beside it
// names the other direct dependencies (by UUID under `[deps]`). Nothing is dev: test-only dependencies are not
// in the manifest.
//
// smol-toml reads the values; one scan of the lines finds each entry's header and sub-tables
// (`[deps.Name.deps]`), checked against the values. TOML written in a shape the scan does not
// follow falls back to toml-eslint-parser's syntax tree.
import { parse as parseToml } from 'smol-toml';
import { parseTOML, type AST } from 'toml-eslint-parser';
import { sortUnique } from '../depgraph';
import { buildPurl } from '../purl';
import { LineCursor } from '../text';
import type { Analyzer, Package, PackageCopy } from '../types';
import { isTable, parseTomlText, readHeader, type TomlTable } from './toml-entries';

const PROJECT = 'Project.toml';

export const juliaManifestAnalyzer: Analyzer = {
  id: 'julia-manifest',
  type: 'julia',
  scanner: 'vuln',
  ecosystem: 'Julia',
  fileNames: ['Manifest.toml'],
  siblings: [PROJECT],
  manifest: PROJECT,
  inlineIgnores: false,
  trivyParser: 'julia/manifest',
  fixes: 'none',
  analyze: input => ({ packages: parseJuliaManifest(input.content, input.path, input.siblings?.get(PROJECT)) }),
};

/** Where one entry sits: from its header to its last sub-table line, and its header. */
interface Place {
  name: string;
  start: number;
  end: number;
  headerEnd: number;
}

export function parseJuliaManifest(content: string, file: string, projectText?: string): Package[] {
  const root = parseTomlText(content, 'Manifest.toml');
  const format2 = typeof root.manifest_format === 'string' && root.manifest_format.startsWith('2');
  const section = format2 ? root.deps ?? {} : root;
  if (!isTable(section)) throw new Error("not a valid Manifest.toml: 'deps' is not a table");
  const listed: [string, unknown[]][] = [];
  // Object.keys, not Object.entries: three times faster on smol-toml's prototype-less tables.
  for (const name of Object.keys(section)) {
    const value = section[name];
    if (Array.isArray(value)) listed.push([name, value]);
  }
  for (const [, entries] of listed) {
    if (!entries.every(isTable)) throw new Error('not a valid Manifest.toml: a package entry is not a table');
  }
  const places = placesOf(content, format2, listed);
  const juliaVersion = typeof root.julia_version === 'string' ? root.julia_version : undefined;
  const direct = projectDependencies(projectText);

  interface Entry { name: string; id: string; table: TomlTable; place: Place; uuid: string; version: string; local: boolean }
  const entries: Entry[] = [];
  const byUuid = new Map<string, Entry>();
  const byName = new Map<string, Entry[]>();
  for (const [name, tables] of listed) {
    tables.forEach((table, i) => {
      const uuid = typeof (table as TomlTable).uuid === 'string' ? ((table as TomlTable).uuid as string) : '';
      const version = typeof (table as TomlTable).version === 'string' ? ((table as TomlTable).version as string) : juliaVersion ?? 'unknown';
      const local = typeof (table as TomlTable).path === 'string';
      const entry = { name, id: `${name}@${version}`, table: table as TomlTable, place: places.get(name)![i], uuid, version, local };
      entries.push(entry);
      if (uuid) byUuid.set(uuid, entry);
      const named = byName.get(name);
      if (named) named.push(entry);
      else byName.set(name, [entry]);
    });
  }
  entries.sort((a, b) => a.place.start - b.place.start);

  /** The entries a package depends on: by UUID where the manifest gives one, else the one entry of that name. */
  const dependencies = (entry: Entry): Entry[] => {
    const deps = entry.table.deps;
    const found: Entry[] = [];
    if (Array.isArray(deps)) {
      for (const name of deps) {
        const named = byName.get(String(name));
        if (named?.length === 1) found.push(named[0]);
      }
    } else if (isTable(deps)) {
      for (const name of Object.keys(deps)) {
        const target = byUuid.get(String(deps[name]));
        if (target) found.push(target);
      }
    }
    return found;
  };

  // What a locally developed package needs is as direct as what the project needs.
  for (const entry of entries) if (entry.local) for (const target of dependencies(entry)) direct.add(target.uuid);

  const lines = new LineCursor(content, file);
  const packages = new Map<string, Package>();
  for (const entry of entries) {
    if (entry.local) continue;
    const { id } = entry;
    const highlight = lines.range(entry.place.start, entry.place.headerEnd); // first: the cursor then only moves forward
    const location = lines.range(entry.place.start, entry.place.end);
    const copy: PackageCopy = { key: entry.uuid || `${entry.name} ${location.startLine}`, location, highlight, direct: direct.has(entry.uuid), dev: false };
    const dependsOn: string[] = [];
    for (const target of dependencies(entry)) if (!target.local) dependsOn.push(target.id);
    const known = packages.get(id);
    if (known) {
      // Two packages of one name and version (different UUIDs): one package, a copy each.
      known.copies!.push(copy);
      known.direct ||= copy.direct;
      known.dependsOn!.push(...dependsOn);
      sortUnique(known.dependsOn!);
      continue;
    }
    sortUnique(dependsOn);
    packages.set(id, {
      id, name: entry.name, version: entry.version, ecosystem: 'Julia',
      purl: buildPurl('Julia', entry.name, entry.version, { qualifiers: { uuid: entry.uuid } }),
      direct: copy.direct, dev: false, location, copies: [copy], dependsOn,
    });
  }
  return [...packages.values()];
}

/** The places of every entry, by package name in file order; from the scan, or the syntax tree where the scan does not agree with the values. */
function placesOf(content: string, format2: boolean, listed: [string, unknown[]][]): Map<string, Place[]> {
  const agrees = (places: Map<string, Place[]> | undefined): places is Map<string, Place[]> =>
    !!places && places.size === listed.length && listed.every(([name, tables]) => places.get(name)?.length === tables.length);
  const scanned = scanHeaders(content, format2);
  if (agrees(scanned)) return scanned;
  const fromTree = headersFromSyntaxTree(content, format2);
  if (agrees(fromTree)) return fromTree;
  throw new Error('not a valid Manifest.toml: package entries must be [[deps.Name]] or [[Name]] tables');
}

/**
 * One pass over the lines: an `[[deps.Name]]` (or `[[Name]]`) header opens an entry, a
 * `[deps.Name.x]` (`[Name.x]`) sub-table extends the latest entry of that name, and any other
 * header ends the entry. Undefined where a line opens a multi-line string, which the scan does
 * not follow.
 */
function scanHeaders(content: string, format2: boolean): Map<string, Place[]> | undefined {
  const prefix = format2 ? 1 : 0;
  const places = new Map<string, Place[]>();
  const basicMultiline = new DelimiterFinder(content, '"""');
  const literalMultiline = new DelimiterFinder(content, "'''");
  let current: Place | undefined;
  for (let lineStart = 0; lineStart < content.length; ) {
    let lineEnd = content.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = content.length;
    let first = lineStart;
    while (first < lineEnd && isBlank(content.charCodeAt(first))) first++;
    let last = lineEnd;
    while (last > first && isBlank(content.charCodeAt(last - 1))) last--;
    lineStart = lineEnd + 1;
    const firstChar = content.charCodeAt(first);
    if (first === last || firstChar === HASH) continue;
    if (basicMultiline.within(first, last) || literalMultiline.within(first, last)) return undefined;
    if (firstChar !== OPEN_BRACKET) {
      if (current) current.end = last;
      continue;
    }
    const header = readHeader(content, first);
    if (!header) return undefined;
    const underDeps = !format2 || header.keys[0] === 'deps';
    const name = header.keys[prefix];
    const named = places.get(name);
    if (underDeps && header.array && header.keys.length === prefix + 1) {
      current = { name, start: first, end: header.end, headerEnd: header.end };
      if (named) named.push(current);
      else places.set(name, [current]);
    } else if (underDeps && !header.array && header.keys.length > prefix + 1 && named) {
      current = named.at(-1)!;
      current.end = header.end;
    } else {
      current = undefined;
    }
  }
  return places;
}

/**
 * Where a delimiter occurs in a text, for lines asked in order: each search starts past the
 * occurrence found before, so that asking line after line stays one pass over the text.
 */
class DelimiterFinder {
  /** The first occurrence at or after the last `start` asked; -1 when there is none; undefined before the first search. */
  private next: number | undefined;

  constructor(private readonly text: string, private readonly delimiter: string) {}

  /** Whether the delimiter occurs whole between `start` and `end`. */
  within(start: number, end: number): boolean {
    if (this.next === undefined || (this.next !== -1 && this.next < start)) this.next = this.text.indexOf(this.delimiter, start);
    return this.next !== -1 && this.next + this.delimiter.length <= end;
  }
}

function headersFromSyntaxTree(content: string, format2: boolean): Map<string, Place[]> | undefined {
  let program: AST.TOMLProgram;
  try {
    program = parseTOML(content);
  } catch {
    return undefined;
  }
  const prefix = format2 ? 1 : 0;
  const places = new Map<string, Place[]>();
  for (const node of program.body[0].body) {
    if (node.type !== 'TOMLTable') continue;
    const keys = node.resolvedKey;
    if (format2 && keys[0] !== 'deps') continue;
    const name = String(keys[prefix]);
    const index = keys[prefix + 1];
    if (typeof index !== 'number') continue;
    const list = places.get(name) ?? [];
    places.set(name, list);
    if (node.kind === 'array' && keys.length === prefix + 2) list[index] = { name, start: node.range[0], end: node.range[1], headerEnd: content.indexOf(']]', node.key.range[1]) + 2 };
    else if (list[index]) list[index].end = Math.max(list[index].end, node.range[1]);
  }
  return places;
}

/** The UUIDs a Project.toml lists under `[deps]`; empty without one, or when it does not parse. */
function projectDependencies(text: string | undefined): Set<string> {
  if (text === undefined) return new Set();
  try {
    const project = parseToml(text) as TomlTable;
    return new Set(isTable(project.deps) ? Object.values(project.deps).map(String) : []);
  } catch {
    return new Set(); // the manifest still reads
  }
}

const HASH = 0x23;
const OPEN_BRACKET = 0x5b;

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0d;
}
