// What the NuGet manifests of MSBuild (*.csproj, Directory.Packages.props) share as manifests:
// their package items, read as the analyzers read them (analyzers/msbuild-items.ts), and the bump
// that rewrites an item's version where it is written: the `Version` (or `VersionOverride`)
// attribute or child element, or the file's `<PropertyGroup>` property it names (`$(X)`).
import { expandProperties, readMsbuildProject, restoredVersion, type MsbuildProject, type PackageItem } from '../analyzers/msbuild-items';
import { attributeValueSpan, childNamed, escapeXml, textSpan } from '../analyzers/xml-tree';
import { compareVersions } from '../versions';
import type { BumpEdit, ManifestDependency, ManifestFormat } from './manifests';

interface NugetManifestOptions {
  fileNames: readonly string[];
  /** How error messages name the file. */
  what: string;
  /** The package items it reads (`PackageReference`, `PackageVersion`). */
  itemKinds: readonly string[];
  /** Whether an item is a declaration this manifest lists (a props file's version-less reference is not). */
  lists(item: PackageItem): boolean;
}

export function nugetManifest(options: NugetManifestOptions): ManifestFormat {
  const read = (text: string): MsbuildProject | undefined => {
    try {
      return readMsbuildProject(text, options.what, options.itemKinds);
    } catch {
      return undefined;
    }
  };
  const declarations = (project: MsbuildProject) => project.items.filter(options.lists).map(item => ({
    item, name: expandProperties(item.name, project.properties) ?? item.name,
  }));
  return {
    fileNames: options.fileNames,
    ecosystem: 'NuGet',
    list(text) {
      const project = read(text);
      if (!project) return [];
      return declarations(project).map(({ item, name }): ManifestDependency => ({
        name, spec: item.versionOverride || item.version || '', section: item.element.name,
        offset: item.element.start, length: item.element.end - item.element.start,
      }));
    },
    bump(text, name, version) {
      const project = read(text);
      const wanted = name.toLowerCase();
      const declared = project && declarations(project).find(d => d.name.toLowerCase() === wanted);
      return declared && bumpItem(text, project, declared.item, version);
    },
  };
}

/**
 * Rewrites the version an item is restored at: its `VersionOverride` when it has one, else its
 * `Version`; a version that is one property of the file is rewritten in the property. Undefined
 * where the version is not written in this file (central, or a property defined elsewhere).
 */
function bumpItem(text: string, project: MsbuildProject, item: PackageItem, version: string): BumpEdit | undefined {
  const field = item.versionOverride ? 'VersionOverride' : 'Version';
  let written = item.versionOverride || item.version;
  if (!written) return undefined;
  let span = attributeValueSpan(text, item.element, field) ?? spanOfChild(text, item.element, field);
  // `$(Name)`, perhaps naming another property: follow it to the element that holds a version.
  for (let depth = 0; depth < 8 && span; depth++) {
    const property = /^\$\(\s*([A-Za-z_][\w.-]{0,200})\s*\)$/.exec(written);
    if (!property) break;
    const element = project.propertyElements.get(property[1].toLowerCase());
    if (!element) return undefined;
    written = element.text.trim();
    span = textSpan(text, element);
  }
  if (!span || written.includes('$(')) return undefined;
  const restored = restoredVersion(written);
  if (restored !== undefined && compareVersions('NuGet', restored, version) >= 0) return undefined;
  const spec = bumpNugetVersion(written, version);
  if (spec === undefined || spec === written) return undefined;
  return { spec, edits: [{ offset: span.start, length: span.end - span.start, newText: escapeXml(spec) }] };
}

function spanOfChild(text: string, element: PackageItem['element'], name: string) {
  const child = childNamed(element, name);
  return child && textSpan(text, child);
}

/**
 * A NuGet version as written, raised to require `version` in the same notation: `1.2.3` (a
 * minimum) -> `1.4.0`, `[1.2.3]` -> `[1.4.0]`, `[1.2.3, 2.0)` -> `[1.4.0, 2.0)` while the upper
 * bound still admits it. Undefined for floating versions and ranges without an inclusive lower
 * bound, which name no version to raise.
 */
export function bumpNugetVersion(written: string, version: string): string | undefined {
  const text = written.trim();
  if (text === '' || text.includes('*') || text.startsWith('(')) return undefined;
  if (!text.startsWith('[')) return /[\s,()[\]]/.test(text) ? undefined : version;
  const comma = text.indexOf(',');
  if (comma === -1) return text.endsWith(']') ? `[${version}]` : undefined;
  const lower = text.slice(1, comma);
  const upper = text.slice(comma + 1, -1).trim();
  if (lower.trim() === '' || /[\s,()[\]]/.test(lower.trim())) return undefined;
  if (upper !== '') {
    const order = compareVersions('NuGet', version, upper);
    if (text.endsWith(')') ? order >= 0 : order > 0) return undefined;
  }
  const leading = lower.slice(0, lower.length - lower.trimStart().length);
  const trailing = lower.slice(lower.trimEnd().length);
  return `[${leading}${version}${trailing}${text.slice(comma)}`;
}
