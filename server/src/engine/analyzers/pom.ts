// Maven pom.xml, read offline. A POM's own `<dependencies>` are its direct dependencies; their
// versions may come from `${properties}` (the POM's, its parents', and `project.version` and the
// like), from `<dependencyManagement>` (the POM's, its parents', and BOMs it imports), and the
// parents are found where Maven looks first: at `<relativePath>` (by default `../pom.xml`),
// inside the scan root, checked against the coordinates the child names. A parent or BOM that
// is not in the workspace lives in a remote repository, which an offline scan does not reach:
// each dependency whose version needed it is named in a note and left out, never guessed.
// Transitive dependencies need the repository too, so only direct ones are reported. What a
// parent declares in its own `<dependencies>` is reported on the parent's pom.xml, where it is
// written. Test and provided scopes are dev (Trivy leaves both out: they do not ship).
import { buildPurl } from '../purl';
import { resolveRelative } from '../source';
import { LineCursor } from '../text';
import type { Analyzer, AnalyzerInput, AnalyzerOutput, Package, PackageCopy } from '../types';
import { childNamed, childrenNamed, childText, parseXmlTree, type XmlElement } from './xml-tree';

export const pomAnalyzer: Analyzer = {
  id: 'pom',
  type: 'pom',
  scanner: 'vuln',
  ecosystem: 'Maven',
  fileNames: ['pom.xml'],
  inlineIgnores: false,
  fixes: 'none',
  async gather(input, read) {
    // The resolver runs on what has been read so far and asks for what it misses; the files it
    // asks for are read and it runs again, until it asks for nothing new.
    const files = new Map<string, string | undefined>();
    const cache = new Map<string, ParsedPom | undefined>();
    for (let round = 0; round < MAX_DEPTH * 2; round++) {
      const wanted = new Set<string>();
      resolvePom(input.path, input.content, path => {
        if (!files.has(path)) wanted.add(path);
        return files.get(path);
      }, cache);
      if (wanted.size === 0) return;
      for (const path of wanted) {
        files.set(path, await read(path));
        cache.delete(path);
      }
    }
  },
  analyze: analyzePom,
};

/** How many parents (and BOMs, and their parents) deep the resolution goes. */
const MAX_DEPTH = 16;
/** An expanded property longer than this is refused: properties that double each other grow exponentially. */
const MAX_EXPANDED_LENGTH = 4096;
const DEV_SCOPES = new Set(['test', 'provided']);

export interface PomDependency {
  element: XmlElement;
  groupId?: string;
  artifactId?: string;
  version?: string;
  scope?: string;
  type: string;
  classifier: string;
}

export interface ParsedPom {
  path: string;
  root: XmlElement;
  groupId?: string;
  artifactId?: string;
  version?: string;
  parent?: { groupId?: string; artifactId?: string; version?: string; relativePath: string };
  properties: Map<string, string>;
  dependencies: PomDependency[];
  managed: PomDependency[];
  modules: string[];
}

/** One POM with the chain of its parents found in the workspace and what could not be found. */
interface ResolvedModel {
  /** The POM first, then its parents, nearest first. */
  chain: ParsedPom[];
  /** Why the chain stops before Maven's would, when it does (a parent in a remote repository). */
  missingParent?: string;
  properties: Map<string, string>;
  /** Managed entries by `group:artifact:type:classifier`, interpolated, the nearest declaration first. */
  managed: Map<string, { version?: string; scope?: string }>;
  /** Imported BOMs that are not in the workspace, as `group:artifact:version`. */
  remoteBoms: string[];
}

type Loader = (path: string) => string | undefined;

export function analyzePom(input: AnalyzerInput): AnalyzerOutput {
  const load: Loader = path => input.related?.get(path);
  const model = resolvePom(input.path, input.content, load, new Map());
  const self = model.chain[0];
  const lines = new LineCursor(input.content, input.path);
  const packages = new Map<string, Package>();
  const notes: string[] = [];

  for (const dependency of self.dependencies) {
    const groupId = dependency.groupId && interpolate(dependency.groupId, model.properties);
    const artifactId = dependency.artifactId && interpolate(dependency.artifactId, model.properties);
    const label = `${groupId ?? dependency.groupId ?? '?'}:${artifactId ?? dependency.artifactId ?? '?'}`;
    if (!groupId || !artifactId) {
      notes.push(`${label} was not checked: ${unresolvedWhy(model, 'its coordinates use a property')}`);
      continue;
    }
    const managed = model.managed.get(managementKey(groupId, artifactId, dependency.type, dependency.classifier));
    const written = dependency.version ?? managed?.version;
    if (written === undefined) {
      notes.push(`${label} was not checked: ${versionNotFound(model)}`);
      continue;
    }
    const version = interpolate(written, model.properties);
    if (version === undefined) {
      notes.push(`${label} was not checked: ${unresolvedWhy(model, 'its version is a property this POM and its parents in the workspace do not define')}`);
      continue;
    }
    if (/^[[(]/.test(version)) {
      notes.push(`${label} was not checked: its version is a range, which only a remote repository resolves`);
      continue;
    }
    const scope = dependency.scope ?? managed?.scope ?? 'compile';
    const dev = DEV_SCOPES.has(scope);
    const name = `${groupId}:${artifactId}`;
    const id = `${name}@${version}`;
    const { element } = dependency;
    const location = lines.range(element.start, element.end);
    const underlined = childNamed(element, 'artifactId') ?? element;
    const lineEnd = input.content.indexOf('\n', underlined.start);
    const highlight = lines.range(underlined.start, lineEnd === -1 ? underlined.end : Math.min(lineEnd, underlined.end));
    const known = packages.get(id);
    const copy: PackageCopy = { key: known ? `${id}#${known.copies!.length + 1}` : id, location, highlight, direct: true, dev };
    if (known) {
      known.dev &&= dev;
      known.copies!.push(copy);
      continue;
    }
    packages.set(id, {
      id, name, version, ecosystem: 'Maven', purl: buildPurl('Maven', name, version), direct: true, dev, location, copies: [copy],
    });
  }
  return { packages: [...packages.values()], notes };
}

function versionNotFound(model: ResolvedModel): string {
  if (model.remoteBoms.length > 0) {
    return `its version is managed elsewhere, perhaps in the imported BOM ${model.remoteBoms.join(', ')}, which needs a remote repository`;
  }
  if (model.missingParent) return `its version is managed elsewhere, perhaps in ${model.missingParent}`;
  return 'it has no version, and no dependencyManagement of this POM or its parents gives one';
}

function unresolvedWhy(model: ResolvedModel, why: string): string {
  return model.missingParent ? `${why}; ${model.missingParent} may define it` : why;
}

/** The properties Maven defines for every POM from its own coordinates (`project.version`, ...). */
export function builtInProperties(self: ParsedPom): Map<string, string> {
  const groupId = self.groupId ?? self.parent?.groupId;
  const version = self.version ?? self.parent?.version;
  const builtIns: [string, string | undefined][] = [
    ['project.groupId', groupId], ['project.artifactId', self.artifactId], ['project.version', version],
    ['project.parent.groupId', self.parent?.groupId], ['project.parent.artifactId', self.parent?.artifactId],
    ['project.parent.version', self.parent?.version], ['pom.groupId', groupId], ['pom.artifactId', self.artifactId],
    ['pom.version', version], ['groupId', groupId], ['artifactId', self.artifactId], ['version', version],
  ];
  return new Map(builtIns.filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** Reads a POM, its parents and its BOMs through `load`, which gives undefined for a file it does not have. */
function resolvePom(path: string, content: string, load: Loader, cache: Map<string, ParsedPom | undefined>): ResolvedModel {
  const self = parsePom(path, content);
  return resolveModel(self, load, cache, [path], 0);
}

function resolveModel(self: ParsedPom, load: Loader, cache: Map<string, ParsedPom | undefined>, stack: string[], depth: number): ResolvedModel {
  const chain = [self];
  let missingParent: string | undefined;
  for (let pom = self; pom.parent;) {
    const { parent } = pom;
    const coordinates = `the parent POM ${parent.groupId ?? '?'}:${parent.artifactId ?? '?'}:${parent.version ?? '?'}`;
    if (chain.length + depth > MAX_DEPTH) {
      missingParent = `${coordinates}, past ${MAX_DEPTH} parents`;
      break;
    }
    const parentPath = parent.relativePath === '' ? undefined
      : resolveRelative(pom.path, /\.xml$/i.test(parent.relativePath) ? parent.relativePath : `${parent.relativePath.replace(/\/+$/, '')}/pom.xml`);
    if (parentPath && (stack.includes(parentPath) || chain.some(p => p.path === parentPath))) {
      missingParent = `${coordinates}, whose relative path leads back to a POM of this chain`;
      break;
    }
    const found = parentPath === undefined ? undefined : loadPom(parentPath, load, cache);
    if (!found || !isPom(found, parent)) {
      missingParent = `${coordinates}, which is not in the workspace (a remote repository has it)`;
      break;
    }
    chain.push(found);
    pom = found;
  }

  // Properties: the farthest parent first, so that a child's value wins; then the built-in ones.
  const properties = new Map<string, string>();
  for (const pom of [...chain].reverse()) for (const [key, value] of pom.properties) properties.set(key, value);
  for (const [key, value] of builtInProperties(self)) properties.set(key, value);

  // Managed versions: the POM's own first, then its parents', then what each imports, in order.
  const managed = new Map<string, { version?: string; scope?: string }>();
  const remoteBoms: string[] = [];
  const imports: PomDependency[] = [];
  for (const pom of chain) {
    for (const entry of pom.managed) {
      const group = entry.groupId && interpolate(entry.groupId, properties);
      const artifact = entry.artifactId && interpolate(entry.artifactId, properties);
      if (!group || !artifact) continue;
      if (entry.scope === 'import' && entry.type === 'pom') {
        imports.push({ ...entry, groupId: group, artifactId: artifact });
        continue;
      }
      const key = managementKey(group, artifact, entry.type, entry.classifier);
      const known = managed.get(key);
      const version = entry.version === undefined ? undefined : interpolate(entry.version, properties);
      // A nearer declaration wins; a farther one fills in what it leaves out (a scope without a version).
      managed.set(key, { version: known?.version ?? version, scope: known?.scope ?? entry.scope });
    }
  }
  for (const bom of imports) {
    const bomVersion = bom.version === undefined ? undefined : interpolate(bom.version, properties);
    const coordinates = `${bom.groupId}:${bom.artifactId}:${bomVersion ?? bom.version ?? '?'}`;
    const local = bomVersion === undefined ? undefined : findLocalBom(chain, bom.groupId!, bom.artifactId!, bomVersion, load, cache, stack);
    if (!local || depth + 1 > MAX_DEPTH) {
      remoteBoms.push(coordinates);
      continue;
    }
    const imported = resolveModel(local, load, cache, [...stack, ...chain.map(p => p.path)], depth + chain.length);
    for (const [key, entry] of imported.managed) if (!managed.has(key)) managed.set(key, entry);
    remoteBoms.push(...imported.remoteBoms);
  }
  return { chain, missingParent, properties, managed, remoteBoms };
}

/**
 * A BOM that the project itself builds: a module of a POM in the chain whose folder is named
 * after the BOM's artifactId (`bom` for `acme-bom` too), or a folder of that name beside one.
 */
function findLocalBom(
  chain: ParsedPom[], groupId: string, artifactId: string, version: string, load: Loader, cache: Map<string, ParsedPom | undefined>, stack: string[],
): ParsedPom | undefined {
  const candidates = new Set<string>();
  for (const pom of chain) {
    for (const module of pom.modules) {
      const folder = module.replace(/\/+$/, '');
      const last = folder.slice(folder.lastIndexOf('/') + 1);
      if (last !== artifactId && !artifactId.endsWith(`-${last}`)) continue;
      const path = resolveRelative(pom.path, /\.xml$/i.test(folder) ? folder : `${folder}/pom.xml`);
      if (path) candidates.add(path);
    }
    const beside = resolveRelative(pom.path, `../${artifactId}/pom.xml`);
    if (beside) candidates.add(beside);
  }
  for (const path of candidates) {
    if (stack.includes(path) || chain.some(p => p.path === path)) continue;
    const pom = loadPom(path, load, cache);
    const pomGroup = pom?.groupId ?? pom?.parent?.groupId;
    const pomVersion = pom?.version ?? pom?.parent?.version;
    if (pom && pom.artifactId === artifactId && pomGroup === groupId && (pomVersion === version || pomVersion?.includes('${'))) return pom;
  }
  return undefined;
}

/** Whether a POM is the parent a child names: Maven checks the coordinates of what it finds at the relative path. */
function isPom(pom: ParsedPom, wanted: { groupId?: string; artifactId?: string; version?: string }): boolean {
  const groupId = pom.groupId ?? pom.parent?.groupId;
  const version = pom.version ?? pom.parent?.version;
  const sameVersion = !wanted.version || !version || wanted.version.includes('${') || version.includes('${') || wanted.version === version;
  return pom.artifactId === wanted.artifactId && groupId === wanted.groupId && sameVersion;
}

function loadPom(path: string, load: Loader, cache: Map<string, ParsedPom | undefined>): ParsedPom | undefined {
  if (cache.has(path)) return cache.get(path);
  const content = load(path);
  let pom: ParsedPom | undefined;
  if (content !== undefined) {
    try {
      pom = parsePom(path, content);
    } catch {
      pom = undefined; // a broken parent is reported when that pom.xml is analyzed itself
    }
  }
  cache.set(path, pom);
  return pom;
}

/** One POM as written, properties not yet replaced; throws on a file that is not a POM. */
export function parsePom(path: string, content: string): ParsedPom {
  const root = parseXmlTree(content, 'pom.xml');
  if (root.name !== 'project') throw new Error('not a valid pom.xml: the root element is not <project>');
  const parentElement = childNamed(root, 'parent');
  const properties = new Map<string, string>();
  for (const property of childNamed(root, 'properties')?.children ?? []) properties.set(property.name, property.text.trim());
  return {
    path,
    root,
    groupId: childText(root, 'groupId'),
    artifactId: childText(root, 'artifactId'),
    version: childText(root, 'version'),
    parent: parentElement && {
      groupId: childText(parentElement, 'groupId'),
      artifactId: childText(parentElement, 'artifactId'),
      version: childText(parentElement, 'version'),
      relativePath: childNamed(parentElement, 'relativePath') ? childNamed(parentElement, 'relativePath')!.text.trim() : '../pom.xml',
    },
    properties,
    dependencies: readDependencies(childNamed(root, 'dependencies')),
    managed: readDependencies(childNamed(childNamed(root, 'dependencyManagement'), 'dependencies')),
    modules: childrenNamed(childNamed(root, 'modules') ?? EMPTY, 'module').map(module => module.text.trim()).filter(Boolean),
  };
}

function readDependencies(list: XmlElement | undefined): PomDependency[] {
  return childrenNamed(list ?? EMPTY, 'dependency').map(element => ({
    element,
    groupId: childText(element, 'groupId'),
    artifactId: childText(element, 'artifactId'),
    version: childText(element, 'version'),
    scope: childText(element, 'scope'),
    type: childText(element, 'type') ?? 'jar',
    classifier: childText(element, 'classifier') ?? '',
  }));
}

const EMPTY: XmlElement = { name: '', attributes: {}, start: 0, openEnd: 0, closeStart: 0, end: 0, children: [], text: '' };

export function managementKey(groupId: string, artifactId: string, type: string, classifier: string): string {
  return `${groupId}:${artifactId}:${type}:${classifier}`;
}

/**
 * Replaces `${name}` with the model's properties, those inside property values too. Undefined
 * when a property is not defined, refers to itself, or expands past MAX_EXPANDED_LENGTH.
 */
export function interpolate(text: string, properties: ReadonlyMap<string, string>): string | undefined {
  let value = text;
  for (let depth = 0; value.includes('${'); depth++) {
    if (depth >= MAX_DEPTH) return undefined;
    let expanded = '';
    let at = 0;
    for (let open = value.indexOf('${'); open !== -1; open = value.indexOf('${', at)) {
      const close = value.indexOf('}', open);
      if (close === -1) return undefined;
      const property = properties.get(value.slice(open + 2, close).trim());
      if (property === undefined) return undefined;
      expanded += value.slice(at, open) + property;
      if (expanded.length > MAX_EXPANDED_LENGTH) return undefined;
      at = close + 1;
    }
    value = expanded + value.slice(at);
    if (value.length > MAX_EXPANDED_LENGTH) return undefined;
  }
  return value.trim();
}

