// Reads an SBOM (CycloneDX JSON, SPDX JSON or SPDX tag-value; Vigil's, Trivy's or another tool's)
// into a scan of its packages, which the detector then checks like any lockfile's (`vigil sbom`).
//
// Both formats become one graph of components and "depends on / contains" edges. A dependency file
// (a CycloneDX application with Trivy's Type property, an SPDX package Vigil or Trivy marked so) or
// an operating system groups the packages below it into one result, as Trivy does; packages under
// neither are grouped by kind under their language's name (`Ruby`, `Node.js`). A component is a
// package when its purl is of a type Vigil has advisories for and it has a version; the others are
// counted in the notes.
import fs from 'node:fs';
import { normalizePackageName } from '../ecosystems';
import { packageOfPurl, parsePurl } from '../purl';
import { compareStrings } from '../text';
import type { Ecosystem, FileResult, Package, PackageHash, ProjectInfo, ResultClass, ScanResult } from '../types';
import { emptyResult } from '../scan';
import { TRIVY_PROPERTY } from './cyclonedx';
import { isObject, listOf, text } from '../json-values';

/** Larger SBOMs are refused before they are read. */
export const MAX_SBOM_BYTES = 256 * 1024 * 1024;
/** Deeper JSON is refused before it is parsed (no SBOM nests this deep; parsing very deep JSON is slow). */
export const MAX_JSON_DEPTH = 256;
/** Nested CycloneDX components deeper than this are not followed. */
const MAX_COMPONENT_DEPTH = 64;

type NodeKind = 'file' | 'os' | 'package' | 'root';

interface SbomNode {
  ref: string;
  kind: NodeKind;
  name: string;
  version?: string;
  purl?: string;
  /** CycloneDX component type or SPDX purpose, lowercase: `application`, `library`, `operating-system`. */
  componentType?: string;
  resultClass?: ResultClass;
  resultType?: string;
  pkgType?: string;
  pkgId?: string;
  licenses?: string[];
  hashes?: PackageHash[];
}

interface SbomGraph {
  format: 'CycloneDX' | 'SPDX';
  nodes: Map<string, SbomNode>;
  /** Parent ref -> child refs (depends on, contains). */
  children: Map<string, string[]>;
}

/** Trivy's target for packages that no dependency file or OS component holds, by ecosystem. */
const LANGUAGE_TARGETS: Record<Ecosystem, string> = {
  npm: 'Node.js', PyPI: 'Python', Go: 'Go', 'crates.io': 'Rust', Maven: 'Java', RubyGems: 'Ruby', NuGet: '.NET',
  Packagist: 'PHP', Pub: 'Dart', Hex: 'Elixir', SwiftURL: 'Swift', Julia: 'Julia', ConanCenter: 'Conan', CocoaPods: 'CocoaPods',
  Debian: 'debian', Alpine: 'alpine', 'Red Hat': 'redhat',
};

/** Trivy's result type for such packages, by ecosystem. */
const DEFAULT_TYPES: Record<Ecosystem, string> = {
  npm: 'node-pkg', PyPI: 'python-pkg', Go: 'gobinary', 'crates.io': 'rustbinary', Maven: 'jar', RubyGems: 'gemspec', NuGet: 'nuget',
  Packagist: 'composer', Pub: 'pub', Hex: 'hex', SwiftURL: 'swift', Julia: 'julia', ConanCenter: 'conan', CocoaPods: 'cocoapods',
  Debian: 'debian', Alpine: 'alpine', 'Red Hat': 'redhat',
};

const OS_ECOSYSTEMS = new Set<Ecosystem>(['Debian', 'Alpine', 'Red Hat']);
/** Distributions whose packages the OS ecosystems' advisories describe, by purl namespace. */
const OS_NAMESPACES: Partial<Record<Ecosystem, readonly string[]>> = {
  Debian: ['debian'], Alpine: ['alpine'], 'Red Hat': ['redhat', 'centos', 'rocky', 'almalinux'],
};

/** A scan read from an SBOM, and the SBOM's format (Trivy's ArtifactType). */
export interface SbomScan extends ScanResult {
  sbomFormat: 'cyclonedx' | 'spdx';
}

/** Reads an SBOM file; throws an Error naming the file (never quoting it) when it cannot. */
export function readSbomFile(file: string, maxBytes = MAX_SBOM_BYTES): SbomScan {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch (error) {
    throw new Error(`cannot read the SBOM ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (size > maxBytes) throw new Error(`the SBOM ${file} is larger than ${Math.round(maxBytes / 1024 / 1024)} MB`);
  return readSbom(fs.readFileSync(file, 'utf8'), file);
}

/** The packages of an SBOM's text, as a scan of `source` (the file's name, used for targets and messages). */
export function readSbom(text: string, source: string): SbomScan {
  const content = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const trimmed = content.trimStart();
  const graph = trimmed.startsWith('{') || trimmed.startsWith('[') ? jsonGraph(parseJson(trimmed, source), source) : tagValueGraph(content, source);
  return { ...scanOf(graph, source), sbomFormat: graph.format === 'CycloneDX' ? 'cyclonedx' : 'spdx' };
}

/** Parses JSON after checking, in one pass, that it does not nest deeper than MAX_JSON_DEPTH. */
function parseJson(text: string, source: string): unknown {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_JSON_DEPTH) throw new Error(`${source} is not an SBOM Vigil reads: its JSON nests deeper than ${MAX_JSON_DEPTH} levels`);
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${source} is not an SBOM Vigil reads: it is not valid JSON`);
  }
}

function jsonGraph(json: unknown, source: string): SbomGraph {
  if (!isObject(json)) throw new Error(`${source} is not an SBOM Vigil reads: it does not hold a JSON object`);
  // An in-toto attestation (DSSE envelope or statement) of a CycloneDX or SPDX predicate.
  if (typeof json.payload === 'string' && typeof json.payloadType === 'string') {
    let statement: unknown;
    try {
      statement = JSON.parse(Buffer.from(json.payload, 'base64').toString('utf8'));
    } catch {
      throw new Error(`${source}: the attestation's payload is not JSON`);
    }
    return jsonGraph(statement, source);
  }
  if (isObject(json.predicate) && typeof json.predicateType === 'string') return jsonGraph(json.predicate, source);
  if (json.bomFormat === 'CycloneDX') return cycloneDxGraph(json, source);
  if (typeof json.spdxVersion === 'string' && json.spdxVersion.startsWith('SPDX-2')) return spdxJsonGraph(json, source);
  throw new Error(`${source} is not an SBOM Vigil reads: neither CycloneDX (bomFormat) nor SPDX 2 (spdxVersion)`);
}

function property(component: Record<string, unknown>, name: string): string | undefined {
  for (const p of listOf(component.properties)) if (isObject(p) && p.name === name && typeof p.value === 'string') return p.value;
  return undefined;
}

function cycloneDxLicenses(component: Record<string, unknown>): string[] {
  return listOf(component.licenses).filter(isObject).map(choice => {
    if (typeof choice.expression === 'string') return choice.expression;
    const license = isObject(choice.license) ? choice.license : {};
    return text(license.id) || text(license.name);
  }).filter(Boolean);
}

const HASH_ALGORITHMS: Record<string, PackageHash['algorithm']> = {
  MD5: 'MD5', 'SHA-1': 'SHA-1', 'SHA-256': 'SHA-256', 'SHA-384': 'SHA-384', 'SHA-512': 'SHA-512',
  SHA1: 'SHA-1', SHA256: 'SHA-256', SHA384: 'SHA-384', SHA512: 'SHA-512',
};

function hashOf(algorithm: unknown, value: unknown): PackageHash[] {
  const name = HASH_ALGORITHMS[text(algorithm).toUpperCase()];
  return name && typeof value === 'string' && /^[0-9a-fA-F]+$/.test(value) ? [{ algorithm: name, value: value.toLowerCase() }] : [];
}

function cycloneDxGraph(json: Record<string, unknown>, source: string): SbomGraph {
  if (json.components !== undefined && !Array.isArray(json.components)) throw new Error(`${source}: CycloneDX components is not a list`);
  const graph: SbomGraph = { format: 'CycloneDX', nodes: new Map(), children: new Map() };
  let anonymous = 0;
  const add = (component: Record<string, unknown>, kind?: NodeKind): string => {
    const ref = text(component['bom-ref']) || `anonymous-${anonymous++}`;
    const type = text(component.type);
    const resultType = property(component, TRIVY_PROPERTY.type);
    const resultClass = property(component, TRIVY_PROPERTY.class) as ResultClass | undefined;
    graph.nodes.set(ref, {
      ref,
      kind: kind ?? (type === 'operating-system' ? 'os' : type === 'application' && resultType && resultClass !== 'os-pkgs' ? 'file' : 'package'),
      name: text(component.group) && text(component.name) ? `${text(component.group)}/${text(component.name)}` : text(component.name),
      version: text(component.version) || undefined,
      purl: text(component.purl) || undefined,
      componentType: type,
      resultClass,
      resultType,
      pkgType: property(component, TRIVY_PROPERTY.pkgType),
      pkgId: property(component, TRIVY_PROPERTY.pkgId),
      licenses: cycloneDxLicenses(component),
      hashes: listOf(component.hashes).filter(isObject).flatMap(hash => hashOf(hash.alg, hash.content)),
    });
    return ref;
  };
  if (isObject(json.metadata) && isObject(json.metadata.component)) add(json.metadata.component, 'root');
  const pending = listOf(json.components).map(component => ({ component, parent: undefined as string | undefined, depth: 0 }));
  while (pending.length > 0) {
    const { component, parent, depth } = pending.pop()!;
    if (!isObject(component) || depth > MAX_COMPONENT_DEPTH) continue;
    const ref = add(component);
    if (parent) link(graph, parent, ref);
    for (const child of listOf(component.components)) pending.push({ component: child, parent: ref, depth: depth + 1 });
  }
  for (const dependency of listOf(json.dependencies)) {
    if (!isObject(dependency) || typeof dependency.ref !== 'string') continue;
    for (const child of listOf(dependency.dependsOn)) if (typeof child === 'string') link(graph, dependency.ref, child);
  }
  return graph;
}

function link(graph: SbomGraph, parent: string, child: string): void {
  const list = graph.children.get(parent);
  if (list) list.push(child);
  else graph.children.set(parent, [child]);
}

/** `Type: npm` and the like: Trivy's and Vigil's notes on SPDX packages (annotations, attribution texts). */
function spdxNotes(pkg: Record<string, unknown>): Map<string, string> {
  const notes = new Map<string, string>();
  const texts = [...listOf(pkg.attributionTexts), ...listOf(pkg.annotations).filter(isObject).map(a => a.comment)];
  for (const note of texts) {
    if (typeof note !== 'string') continue;
    const colon = note.indexOf(': ');
    if (colon > 0) notes.set(note.slice(0, colon), note.slice(colon + 2));
  }
  return notes;
}

function spdxLicense(value: unknown): string[] {
  const license = text(value);
  return license && license !== 'NOASSERTION' && license !== 'NONE' ? [license] : [];
}

interface SpdxPackage {
  id: string;
  name: string;
  version?: string;
  purl?: string;
  purpose?: string;
  notes: Map<string, string>;
  licenses: string[];
  hashes: PackageHash[];
}

function spdxNode(pkg: SpdxPackage): SbomNode {
  const type = pkg.notes.get('Type');
  const isOs = pkg.id.startsWith('SPDXRef-OperatingSystem') || pkg.purpose === 'OPERATING-SYSTEM';
  const isFile = !isOs && type !== undefined && (pkg.id.startsWith('SPDXRef-Application') || pkg.purpose === 'APPLICATION');
  return {
    ref: pkg.id,
    kind: isOs ? 'os' : isFile ? 'file' : 'package',
    name: pkg.name,
    version: pkg.version,
    purl: pkg.purl,
    componentType: pkg.purpose === 'APPLICATION' ? 'application' : undefined,
    resultClass: pkg.notes.get('Class') as ResultClass | undefined,
    resultType: type,
    pkgType: pkg.notes.get('PkgType'),
    pkgId: pkg.notes.get('PkgID'),
    licenses: pkg.licenses,
    hashes: pkg.hashes,
  };
}

/** Relationships that read "parent REL child"; their inverses read "child REL parent". */
const DOWNWARD = new Set(['DESCRIBES', 'CONTAINS', 'DEPENDS_ON', 'HAS_PREREQUISITE']);
const UPWARD = new Set(['DESCRIBED_BY', 'CONTAINED_BY', 'DEPENDENCY_OF', 'RUNTIME_DEPENDENCY_OF', 'DEV_DEPENDENCY_OF',
  'BUILD_DEPENDENCY_OF', 'OPTIONAL_DEPENDENCY_OF', 'PREREQUISITE_FOR']);

function spdxRelationship(graph: SbomGraph, from: string, type: string, to: string): void {
  if (DOWNWARD.has(type)) link(graph, from, to);
  else if (UPWARD.has(type)) link(graph, to, from);
}

function spdxJsonGraph(json: Record<string, unknown>, source: string): SbomGraph {
  if (json.packages !== undefined && !Array.isArray(json.packages)) throw new Error(`${source}: SPDX packages is not a list`);
  const graph: SbomGraph = { format: 'SPDX', nodes: new Map(), children: new Map() };
  for (const raw of listOf(json.packages)) {
    if (!isObject(raw) || typeof raw.SPDXID !== 'string') continue;
    const purl = listOf(raw.externalRefs).filter(isObject)
      .find(ref => ref.referenceType === 'purl' && typeof ref.referenceLocator === 'string')?.referenceLocator as string | undefined;
    graph.nodes.set(raw.SPDXID, spdxNode({
      id: raw.SPDXID,
      name: text(raw.name),
      version: text(raw.versionInfo) || undefined,
      purl,
      purpose: text(raw.primaryPackagePurpose) || undefined,
      notes: spdxNotes(raw),
      licenses: spdxLicense(raw.licenseDeclared).length ? spdxLicense(raw.licenseDeclared) : spdxLicense(raw.licenseConcluded),
      hashes: listOf(raw.checksums).filter(isObject).flatMap(sum => hashOf(sum.algorithm, sum.checksumValue)),
    }));
  }
  for (const relation of listOf(json.relationships)) {
    if (!isObject(relation)) continue;
    spdxRelationship(graph, text(relation.spdxElementId), text(relation.relationshipType), text(relation.relatedSpdxElement));
  }
  markDescribed(graph);
  return graph;
}

/** What the document describes, when it is no package (a folder, an image), is the graph's root. */
function markDescribed(graph: SbomGraph): void {
  for (const ref of graph.children.get('SPDXRef-DOCUMENT') ?? []) {
    const node = graph.nodes.get(ref);
    if (node?.kind === 'package' && !node.purl) node.kind = 'root';
  }
}

/** SPDX's tag-value form: `Tag: value` lines, `<text>...</text>` values over several lines, a package per PackageName. */
function tagValueGraph(content: string, source: string): SbomGraph {
  if (!content.trimStart().startsWith('SPDXVersion:')) {
    throw new Error(`${source} is not an SBOM Vigil reads: neither JSON nor SPDX tag-value (SPDXVersion: first)`);
  }
  const graph: SbomGraph = { format: 'SPDX', nodes: new Map(), children: new Map() };
  const packages: SpdxPackage[] = [];
  let current: SpdxPackage | undefined;
  const lines = content.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const colon = line.indexOf(':');
    if (colon <= 0 || line.startsWith('#')) continue;
    const tag = line.slice(0, colon).trim();
    let value = line.slice(colon + 1).trim();
    if (value.startsWith('<text>')) {
      // A multi-line value: up to the line that closes it.
      const parts = [value.slice('<text>'.length)];
      while (!parts[parts.length - 1].includes('</text>') && i + 1 < lines.length) parts.push(lines[++i]);
      value = parts.join('\n').replace(/<\/text>[\s\S]*$/, '');
    }
    if (tag === 'PackageName') {
      current = { id: '', name: value, notes: new Map(), licenses: [], hashes: [] };
      packages.push(current);
    } else if (tag === 'FileName' || tag === 'SnippetSPDXID' || tag === 'LicenseID') {
      current = undefined; // later tags describe a file, snippet or license, not the package
    } else if (current) {
      if (tag === 'SPDXID') current.id = value;
      else if (tag === 'PackageVersion') current.version = value;
      else if (tag === 'PrimaryPackagePurpose') current.purpose = value;
      else if (tag === 'PackageLicenseDeclared' || tag === 'PackageLicenseConcluded') {
        if (current.licenses.length === 0) current.licenses = spdxLicense(value);
      } else if (tag === 'PackageChecksum') {
        const [algorithm, sum] = value.split(':').map(part => part.trim());
        current.hashes.push(...hashOf(algorithm, sum));
      } else if (tag === 'ExternalRef') {
        const [category, type, locator] = value.split(/\s+/);
        if ((category === 'PACKAGE-MANAGER' || category === 'PACKAGE_MANAGER') && type === 'purl' && locator) current.purl = locator;
      } else if (tag === 'PackageAttributionText' || tag === 'PackageComment') {
        const at = value.indexOf(': ');
        if (at > 0) current.notes.set(value.slice(0, at), value.slice(at + 2));
      }
    }
    if (tag === 'Relationship') {
      const [from, type, to] = value.split(/\s+/);
      if (from && type && to) spdxRelationship(graph, from, type, to);
    }
  }
  for (const pkg of packages) if (pkg.id) graph.nodes.set(pkg.id, spdxNode(pkg));
  markDescribed(graph);
  return graph;
}

/** The version a package is checked at: an OS package's epoch comes first (`1:1.0.2k-16.el7`), as Trivy reports it. */
function installedVersion(ecosystem: Ecosystem, version: string, epoch: string | undefined): string {
  return OS_ECOSYSTEMS.has(ecosystem) && epoch && epoch !== '0' && !version.includes(':') ? `${epoch}:${version}` : version;
}

interface Skipped { noPurl: number; noVersion: number; types: Map<string, number> }

/** The package a component is, or why it is none. */
function packageOf(node: SbomNode, skipped: Skipped): Package | undefined {
  if (!node.purl) {
    skipped.noPurl++;
    return undefined;
  }
  const parts = parsePurl(node.purl);
  const named = parts && packageOfPurl(parts);
  const namespaces = named && OS_NAMESPACES[named.ecosystem];
  if (!parts || !named || (namespaces && !namespaces.includes(parts.namespace.toLowerCase()))) {
    const kind = parts ? (namespaces ? `${parts.type}/${parts.namespace}` : parts.type) : 'unreadable';
    skipped.types.set(kind, (skipped.types.get(kind) ?? 0) + 1);
    return undefined;
  }
  const version = installedVersion(named.ecosystem, named.version || node.version || '', parts.qualifiers.get('epoch'));
  if (!version) {
    skipped.noVersion++;
    return undefined;
  }
  // The component's own spelling where it is the purl's name (a purl lowercases `Django`).
  const name = node.name && normalizePackageName(named.ecosystem, node.name.toLowerCase()) === normalizePackageName(named.ecosystem, named.name.toLowerCase())
    ? node.name : named.name;
  const pkg: Package = {
    id: node.pkgId || `${name}@${version}`,
    name,
    version,
    ecosystem: named.ecosystem,
    purl: node.purl,
    direct: true,
    dev: false,
  };
  if (node.licenses?.length) pkg.licenses = node.licenses;
  if (node.hashes?.length) pkg.hashes = node.hashes;
  return pkg;
}

function scanOf(graph: SbomGraph, source: string): ScanResult {
  const scan: ScanResult = { target: source, results: [], errors: [], notes: [] };
  const skipped: Skipped = { noPurl: 0, noVersion: 0, types: new Map() };
  // A file's project: an application with a purl that the file points at (Vigil's own SBOMs, Trivy's root packages).
  const projects = new Map<string, SbomNode>();
  for (const node of graph.nodes.values()) {
    if (node.kind !== 'file') continue;
    const project = (graph.children.get(node.ref) ?? []).map(ref => graph.nodes.get(ref))
      .find(child => child?.kind === 'package' && child.componentType === 'application' && child.purl);
    if (project) projects.set(node.ref, project);
  }
  const projectRefs = new Set([...projects.values()].map(project => project.ref));
  const packages = new Map<string, Package>();
  for (const node of graph.nodes.values()) {
    if (node.kind !== 'package' || projectRefs.has(node.ref)) continue;
    const pkg = packageOf(node, skipped);
    if (pkg) packages.set(node.ref, pkg);
  }

  const owned = new Set<string>();
  const results: FileResult[] = [];
  const collect = (start: string[], ownerRef: string): string[] => {
    const found: string[] = [];
    const seen = new Set<string>([ownerRef]);
    const pending = [...start];
    while (pending.length > 0) {
      const ref = pending.pop()!;
      if (seen.has(ref)) continue;
      seen.add(ref);
      const node = graph.nodes.get(ref);
      if (!node || node.kind === 'file' || node.kind === 'os' || node.kind === 'root') continue;
      if (packages.has(ref)) found.push(ref);
      pending.push(...graph.children.get(ref) ?? []);
    }
    return found;
  };
  const group = (refs: string[], result: FileResult, directRefs: ReadonlySet<string> | undefined) => {
    const members = refs.filter(ref => !owned.has(ref));
    for (const ref of members) owned.add(ref);
    const idOf = new Map(members.map(ref => [ref, packages.get(ref)!.id]));
    const byId = new Map<string, Package>();
    for (const ref of members) {
      const pkg = { ...packages.get(ref)! };
      if (directRefs) pkg.direct = directRefs.has(ref);
      const children = (graph.children.get(ref) ?? []).map(child => idOf.get(child)).filter((id): id is string => id !== undefined);
      if (children.length) pkg.dependsOn = [...new Set(children)].sort(compareStrings);
      if (!byId.has(pkg.id)) byId.set(pkg.id, pkg);
    }
    result.packages = [...byId.values()];
    if (result.packages.length > 0 || result.project) results.push(result);
  };

  for (const node of graph.nodes.values()) {
    if (node.kind !== 'file' && node.kind !== 'os') continue;
    const project = projects.get(node.ref);
    const top = project ? graph.children.get(project.ref) ?? [] : graph.children.get(node.ref) ?? [];
    const refs = collect(graph.children.get(node.ref) ?? [], node.ref);
    const result = node.kind === 'os'
      ? emptyResult(`${source} (${[node.name, node.version].filter(Boolean).join(' ')})`, 'os-pkgs', node.resultType ?? node.name)
      : emptyResult(node.name, node.resultClass ?? 'lang-pkgs', node.resultType ?? 'unknown');
    if (project) result.project = projectInfo(project);
    group(refs, result, graph.children.has(project?.ref ?? node.ref) ? new Set(top) : undefined);
  }

  // The rest, grouped by kind under their language's name, as Trivy does.
  const rest = new Map<string, { result: FileResult; refs: string[] }>();
  for (const [ref, pkg] of packages) {
    if (owned.has(ref)) continue;
    const type = graph.nodes.get(ref)!.pkgType ?? DEFAULT_TYPES[pkg.ecosystem];
    const target = OS_ECOSYSTEMS.has(pkg.ecosystem) ? `${source} (${LANGUAGE_TARGETS[pkg.ecosystem]})` : LANGUAGE_TARGETS[pkg.ecosystem];
    const key = `${target}\0${type}`;
    let entry = rest.get(key);
    if (!entry) rest.set(key, (entry = { result: emptyResult(target, OS_ECOSYSTEMS.has(pkg.ecosystem) ? 'os-pkgs' : 'lang-pkgs', type), refs: [] }));
    entry.refs.push(ref);
  }
  for (const { result, refs } of rest.values()) group(refs, result, undefined);

  scan.results = results.sort((a, b) => compareStrings(a.target, b.target) || compareStrings(a.type, b.type));
  if (skipped.noPurl) scan.notes.push(`${skipped.noPurl} ${plural(skipped.noPurl, 'component')} of ${source} without a purl: not checked`);
  if (skipped.noVersion) scan.notes.push(`${skipped.noVersion} ${plural(skipped.noVersion, 'component')} of ${source} without a version: not checked`);
  for (const [type, count] of [...skipped.types].sort(([a], [b]) => compareStrings(a, b))) {
    scan.notes.push(`${count} ${plural(count, 'component')} of ${source} of purl type ${type}, which Vigil has no advisories for: not checked`);
  }
  return scan;
}

function projectInfo(node: SbomNode): ProjectInfo {
  return { name: node.name, ...(node.version ? { version: node.version } : {}), purl: node.purl ?? '' };
}

function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}
