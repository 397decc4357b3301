// What the NuGet manifests of MSBuild (*.csproj, Directory.Packages.props) share as manifests:
// their package items, read as the analyzers read them (analyzers/msbuild-items.ts), and the bump
// that rewrites an item's version where it is written: the `Version` (or `VersionOverride`)
// attribute or child element, or the file's `<PropertyGroup>` property it names (`$(X)`).
import { expandProperties, readMsbuildProject, restoredVersion, type MsbuildProject, type PackageItem } from '../analyzers/msbuild-items';
import { attributeValueSpan, childNamed, escapeXml, textSpan } from '../analyzers/xml-tree';
import { compareVersions } from '../versions';
import type { TextEditAt } from './edits';
import type { ManifestDependency, ManifestFormat } from './manifests';

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
      if (!project) return undefined;
      // Every declaration of the package (one per target framework's condition, say), each
      // where its version is written; one property shared by several is raised once.
      const edits: TextEditAt[] = [];
      let spec: string | undefined;
      const seen = new Set<number>();
      for (const { item } of declarationsNamed(project, name)) {
        const site = itemVersionSite(text, project, item);
        if ('reason' in site || seen.has(site.start)) continue;
        seen.add(site.start);
        // Never down: a version that already restores at `version` or above stays.
        if (compareVersions('NuGet', restoredVersion(site.written)!, version) >= 0) continue;
        const written = bumpNugetVersion(site.written, version);
        if (written === undefined || written === site.written) continue;
        spec ??= written;
        edits.push({ offset: site.start, length: site.end - site.start, newText: escapeXml(written) });
      }
      return spec === undefined ? undefined : { spec, edits };
    },
    whyNoBump(text, name) {
      const project = read(text);
      const site = project && versionSite(text, project, name);
      return site && 'reason' in site ? site.reason : undefined;
    },
  };

  function declarationsNamed(project: MsbuildProject, name: string) {
    const wanted = name.toLowerCase();
    return declarations(project).filter(d => d.name.toLowerCase() === wanted);
  }

  /** Where the first declaration of `name` has its version written; undefined when it is not declared. */
  function versionSite(text: string, project: MsbuildProject, name: string): VersionSite | undefined {
    const [declared] = declarationsNamed(project, name);
    return declared && itemVersionSite(text, project, declared.item);
  }
}

/** Where a file writes a version: the text to rewrite, or why the file does not hold it. */
type VersionSite = { start: number; end: number; written: string } | { reason: string };

/**
 * Where an item's restored version is written: its `VersionOverride` when it has one, else its
 * `Version`, or the property of the file that one names. A version that is central, a property
 * defined elsewhere, or floating has no place here to raise.
 */
function itemVersionSite(text: string, project: MsbuildProject, item: PackageItem): VersionSite {
  const field = item.versionOverride ? 'VersionOverride' : 'Version';
  let written = item.versionOverride || item.version;
  if (!written) return { reason: 'its version is central: raise it in Directory.Packages.props' };
  let span = attributeValueSpan(text, item.element, field) ?? spanOfChild(text, item.element, field);
  // `$(Name)`, perhaps naming another property: follow it to the element that holds a version.
  for (let depth = 0; depth < 8 && span; depth++) {
    const property = /^\$\(\s*([A-Za-z_][\w.-]{0,200})\s*\)$/.exec(written);
    if (!property) break;
    const element = project.propertyElements.get(property[1].toLowerCase());
    if (!element) return { reason: `its version is the property ${property[1]}, which this file does not define: raise it where it is defined` };
    written = element.text.trim();
    span = textSpan(text, element);
  }
  if (!span || written.includes('$(')) return { reason: 'its version is not written plainly in this file' };
  if (restoredVersion(written) === undefined) return { reason: 'its version floats or is a range without a lowest version' };
  return { ...span, written };
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
