// pom.xml as a manifest: the entries of `<dependencies>` and `<dependencyManagement>`, named
// `groupId:artifactId` as the pom analyzer names packages. A bump rewrites the version where this
// file writes it: the dependency's `<version>`, the `<dependencyManagement>` entry that gives a
// version-less dependency its version, or the `<properties>` element a `${property}` names. A
// version that comes from a parent POM or an imported BOM is not written here and gets no bump.
// An indirect package is pinned with an entry in `<dependencyManagement>`, Maven's override.
import { builtInProperties, interpolate, managementKey, parsePom, type ParsedPom, type PomDependency } from '../analyzers/pom';
import { childNamed, escapeXml, lineIndent, textSpan, type XmlElement } from '../analyzers/xml-tree';
import { compareVersions } from '../versions';
import type { TextEditAt } from './edits';
import type { ManifestDependency, ManifestFormat, OverrideEdit } from './manifests';

const MANAGEMENT = 'dependencyManagement';

interface Declaration {
  name: string;
  section: 'dependencies' | typeof MANAGEMENT;
  dependency: PomDependency;
  /** Matches a managed entry to the dependencies it gives versions to. */
  key: string;
}

function readPom(text: string): ParsedPom | undefined {
  try {
    return parsePom('pom.xml', text);
  } catch {
    return undefined;
  }
}

/** Both lists' entries whose coordinates this file resolves, in file order. */
function declarations(pom: ParsedPom): Declaration[] {
  const properties = new Map([...pom.properties, ...builtInProperties(pom)]);
  const found: Declaration[] = [];
  const add = (section: Declaration['section'], dependency: PomDependency) => {
    const groupId = dependency.groupId && interpolate(dependency.groupId, properties);
    const artifactId = dependency.artifactId && interpolate(dependency.artifactId, properties);
    if (!groupId || !artifactId) return;
    found.push({ name: `${groupId}:${artifactId}`, section, dependency, key: managementKey(groupId, artifactId, dependency.type, dependency.classifier) });
  };
  for (const dependency of pom.dependencies) add('dependencies', dependency);
  for (const dependency of pom.managed) add(MANAGEMENT, dependency);
  return found.sort((a, b) => a.dependency.element.start - b.dependency.element.start);
}

export const pomManifest: ManifestFormat = {
  fileNames: ['pom.xml'],
  ecosystem: 'Maven',
  list(text) {
    const pom = readPom(text);
    if (!pom) return [];
    return declarations(pom).map(({ name, section, dependency: { element, version } }): ManifestDependency => ({
      name, spec: version ?? '', section, offset: element.start, length: element.end - element.start,
    }));
  },
  bump(text, name, version) {
    const pom = readPom(text);
    const site = pom && versionSite(text, pom, name);
    if (!site || 'reason' in site) return undefined;
    if (compareVersions('Maven', site.written, version) >= 0) return undefined;
    return { spec: version, edits: [{ offset: site.start, length: site.end - site.start, newText: escapeXml(version) }] };
  },
  whyNoBump(text, name) {
    const pom = readPom(text);
    const site = pom && versionSite(text, pom, name);
    return site && 'reason' in site ? site.reason : undefined;
  },
  override(text, name, _installed, version): OverrideEdit | undefined {
    const pom = readPom(text);
    const [groupId, artifactId, ...rest] = name.split(':');
    if (!pom || !groupId || !artifactId || rest.length > 0) return undefined;
    const managed = declarations(pom).find(d => d.section === MANAGEMENT && d.name === name);
    if (managed) {
      const site = writtenVersion(text, pom, managed.dependency.element);
      if ('reason' in site || compareVersions('Maven', site.written, version) >= 0) return undefined;
      return { field: MANAGEMENT, edits: [{ offset: site.start, length: site.end - site.start, newText: escapeXml(version) }] };
    }
    const edit = addManagedEntry(text, pom, groupId, artifactId, version);
    return edit && { edits: [edit], field: MANAGEMENT };
  },
};

/** Where this file writes a version: the text to rewrite, or why the file does not hold it. */
type VersionSite = { start: number; end: number; written: string } | { reason: string };

/**
 * Where the version of declared dependency `name` is written: its `<version>`, else the
 * `<dependencyManagement>` entry that gives it one. Undefined when it is not declared.
 */
function versionSite(text: string, pom: ParsedPom, name: string): VersionSite | undefined {
  const all = declarations(pom);
  // What the project depends on first; a managed entry alone is bumped where it is.
  const declared = all.find(d => d.section === 'dependencies' && d.name === name) ?? all.find(d => d.name === name);
  if (!declared) return undefined;
  const written = declared.dependency.version !== undefined ? declared
    : all.find(d => d.section === MANAGEMENT && d.key === declared.key && d.dependency.version !== undefined);
  if (!written) return { reason: 'its version is managed outside this POM (a parent POM or an imported BOM): raise it there' };
  return writtenVersion(text, pom, written.dependency.element);
}

/**
 * The `<version>` of a dependency element, or the `<properties>` element it names (which may
 * name another). A range, or a property this file does not define (a parent POM's, or a built-in
 * one such as `project.version`), is no place for a bump.
 */
function writtenVersion(text: string, pom: ParsedPom, dependency: XmlElement): VersionSite {
  let element = childNamed(dependency, 'version');
  let written = element?.text.trim() ?? '';
  for (let depth = 0; depth < 8 && element; depth++) {
    const property = /^\$\{([^${}]{1,200})\}$/.exec(written);
    if (!property) break;
    const name = property[1].trim();
    // `project.version` and the like are the project's coordinates, whatever <properties> says.
    if (builtInProperties(pom).has(name)) return { reason: `its version is \${${name}}, the project's own` };
    // Maven keeps the last of a repeated property, as the analyzer does.
    element = childNamed(pom.root, 'properties')?.children.filter(child => child.name === name).at(-1);
    if (!element) return { reason: `its version is the property ${name}, which this POM does not define (a parent POM does): raise it there` };
    written = element.text.trim();
  }
  if (!element || written === '' || written.includes('${')) return { reason: 'its version is not written in this POM' };
  if (/[[\](),]/.test(written)) return { reason: 'its version is a range' };
  const span = textSpan(text, element);
  return span ? { ...span, written } : { reason: 'its version element holds markup' };
}

/**
 * A new `<dependency>` in `<dependencyManagement><dependencies>`, creating either where the file
 * has none (just before the project's `<dependencies>`, as POMs order them), indented like the file.
 */
function addManagedEntry(text: string, pom: ParsedPom, groupId: string, artifactId: string, version: string): TextEditAt | undefined {
  const unit = indentUnit(text, pom.root);
  const entry = [
    '<dependency>',
    `${unit}<groupId>${escapeXml(groupId)}</groupId>`,
    `${unit}<artifactId>${escapeXml(artifactId)}</artifactId>`,
    `${unit}<version>${escapeXml(version)}</version>`,
    '</dependency>',
  ];
  const wrap = (tag: string, lines: string[]) => [`<${tag}>`, ...lines.map(line => unit + line), `</${tag}>`];
  const management = childNamed(pom.root, MANAGEMENT);
  const list = childNamed(management, 'dependencies');
  if (list) return appendChild(text, list, entry, unit);
  if (management) return appendChild(text, management, wrap('dependencies', entry), unit);
  const block = wrap(MANAGEMENT, wrap('dependencies', entry));
  const dependencies = childNamed(pom.root, 'dependencies');
  return dependencies ? insertBefore(text, dependencies, block) : appendChild(text, pom.root, block, unit);
}

/** Lines added as the last child of `parent`, indented as its children are. */
function appendChild(text: string, parent: XmlElement, lines: string[], unit: string): TextEditAt | undefined {
  if (parent.end === parent.openEnd) return undefined; // self-closing: there is no inside to write into
  const eol = lineEnding(text);
  const parentIndent = lineIndent(text, parent.start) ?? '';
  const childIndent = (parent.children[0] && lineIndent(text, parent.children[0].start)) ?? parentIndent + unit;
  if (lineIndent(text, parent.closeStart) !== undefined) {
    const lineStart = text.lastIndexOf('\n', parent.closeStart - 1) + 1;
    return { offset: lineStart, length: 0, newText: lines.map(line => childIndent + line + eol).join('') };
  }
  return { offset: parent.closeStart, length: 0, newText: eol + lines.map(line => childIndent + line).join(eol) + eol + parentIndent };
}

/** Lines added just before `sibling`, at its indentation. */
function insertBefore(text: string, sibling: XmlElement, lines: string[]): TextEditAt {
  const eol = lineEnding(text);
  const indent = lineIndent(text, sibling.start);
  if (indent === undefined) return { offset: sibling.start, length: 0, newText: lines.join(eol) + eol };
  return { offset: sibling.start - indent.length, length: 0, newText: lines.map(line => indent + line + eol).join('') };
}

/** One level of the file's indentation: how far the project's first child (or its first child) sits in, else four spaces. */
function indentUnit(text: string, root: XmlElement): string {
  const first = root.children[0];
  const own = first && lineIndent(text, first.start);
  if (own) return own;
  const nested = first?.children[0] && lineIndent(text, first.children[0].start);
  return nested || '    ';
}

function lineEnding(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}
