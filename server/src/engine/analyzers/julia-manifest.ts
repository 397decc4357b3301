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
  const listed = Object.entries(section).filter(([, value]) => Array.isArray(value)) as [string, unknown[]][];
  for (const [, entries] of listed) {
    if (!entries.every(isTable)) throw new Error('not a valid Manifest.toml: a package entry is not a table');
  }
  const places = placesOf(content, format2, listed);
  const juliaVersion = typeof root.julia_version === 'string' ? root.julia_version : undefined;
  const direct = projectDependencies(projectText);

  interface Entry { name: string; table: TomlTable; place: Place; uuid: string; version: string }
  const entries: Entry[] = [];
  const byUuid = new Map<string, Entry>();
  const byName = new Map<string, Entry[]>();
  for (const [name, tables] of listed) {
    tables.forEach((table, i) => {
      const uuid = typeof (table as TomlTable).uuid === 'string' ? ((table as TomlTable).uuid as string) : '';
      const version = typeof (table as TomlTable).version === 'string' ? ((table as TomlTable).version as string) : juliaVersion ?? 'unknown';
      const entry = { name, table: table as TomlTable, place: places.get(name)![i], uuid, version };
      entries.push(entry);
      if (uuid) byUuid.set(uuid, entry);
      byName.set(name, [...byName.get(name) ?? [], entry]);
    });
  }
  entries.sort((a, b) => a.place.start - b.place.start);

  const isLocal = (entry: Entry) => typeof entry.table.path === 'string';
  /** The entries a package depends on: by UUID where the manifest gives one, else the one entry of that name. */
  const dependencies = (entry: Entry): Entry[] => {
    const deps = entry.table.deps;
    if (Array.isArray(deps)) return deps.map(name => byName.get(String(name))).filter(found => found?.length === 1).map(found => found![0]);
    if (isTable(deps)) return Object.values(deps).map(uuid => byUuid.get(String(uuid))).filter(found => found !== undefined);
    return [];
  };

  // What a locally developed package needs is as direct as what the project needs.
  for (const entry of entries) if (isLocal(entry)) for (const target of dependencies(entry)) direct.add(target.uuid);

  const lines = new LineCursor(content, file);
  const packages = new Map<string, Package>();
  for (const entry of entries) {
    if (isLocal(entry)) continue;
    const id = `${entry.name}@${entry.version}`;
    const location = lines.range(entry.place.start, entry.place.end);
    const highlight = lines.range(entry.place.start, entry.place.headerEnd);
    const copy: PackageCopy = { key: entry.uuid || `${entry.name} ${location.startLine}`, location, highlight, direct: direct.has(entry.uuid), dev: false };
    const dependsOn = dependencies(entry).filter(target => !isLocal(target)).map(target => `${target.name}@${target.version}`);
    const known = packages.get(id);
    if (known) {
      // Two packages of one name and version (different UUIDs): one package, a copy each.
      known.copies!.push(copy);
      known.direct ||= copy.direct;
      known.dependsOn = [...new Set([...known.dependsOn!, ...dependsOn])].sort();
      continue;
    }
    packages.set(id, {
      id, name: entry.name, version: entry.version, ecosystem: 'Julia',
      purl: buildPurl('Julia', entry.name, entry.version, { qualifiers: { uuid: entry.uuid } }),
      direct: copy.direct, dev: false, location, copies: [copy], dependsOn: [...new Set(dependsOn)].sort(),
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
  let current: Place | undefined;
  for (let lineStart = 0; lineStart < content.length; ) {
    let lineEnd = content.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = content.length;
    let first = lineStart;
    while (first < lineEnd && isBlank(content.charCodeAt(first))) first++;
    let last = lineEnd;
    while (last > first && isBlank(content.charCodeAt(last - 1))) last--;
    const line = content.slice(first, last);
    lineStart = lineEnd + 1;
    if (line === '' || line.startsWith('#')) continue;
    if (line.includes('"""') || line.includes("'''")) return undefined;
    if (!line.startsWith('[')) {
      if (current) current.end = last;
      continue;
    }
    const header = readHeader(content, first);
    if (!header) return undefined;
    const underDeps = !format2 || header.keys[0] === 'deps';
    const name = header.keys[prefix];
    if (underDeps && header.array && header.keys.length === prefix + 1) {
      current = { name, start: first, end: header.end, headerEnd: header.end };
      places.set(name, [...places.get(name) ?? [], current]);
    } else if (underDeps && !header.array && header.keys.length > prefix + 1 && places.has(name)) {
      current = places.get(name)!.at(-1)!;
      current.end = header.end;
    } else {
      current = undefined;
    }
  }
  return places;
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

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0d;
}
