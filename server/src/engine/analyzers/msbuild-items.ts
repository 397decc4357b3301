// What the NuGet manifests of MSBuild (*.csproj, Directory.Packages.props) share: package items
// in `<ItemGroup>`s (`<PackageReference Include="X" Version="1.0"/>`, or the version as a child
// element), `$(Property)` values from the file's `<PropertyGroup>`s, and NuGet version ranges.
import { buildPurl } from '../purl';
import { LineCursor } from '../text';
import type { Package, PackageCopy } from '../types';
import { attributeSpan, childText, parseXmlTree, type XmlElement } from './xml-tree';

export interface PackageItem {
  element: XmlElement;
  name: string;
  /** The version as written (attribute or child element), properties not yet replaced. */
  version?: string;
  /** A project's `VersionOverride` of the central version. */
  versionOverride?: string;
  /** `PrivateAssets="all"`: the package does not flow to the project's consumers (NuGet's development dependency). */
  privateAll: boolean;
}

export interface MsbuildProject {
  root: XmlElement;
  properties: Map<string, string>;
  /** The element that gives each property its value, by lowercased name: where a fix rewrites it. */
  propertyElements: Map<string, XmlElement>;
  items: PackageItem[];
}

const LINE_FEED = 0x0a;
const CONDITIONAL_GROUPS = ['Choose', 'When', 'Otherwise'];

/** Parses an MSBuild file and reads its package items of the given kinds (`PackageReference`, `PackageVersion`). */
export function readMsbuildProject(content: string, what: string, itemKinds: readonly string[]): MsbuildProject {
  const root = parseXmlTree(content, what);
  if (root.name !== 'Project') throw new Error(`not a valid ${what}: the root element is not <Project>`);
  const properties = new Map<string, string>();
  const propertyElements = new Map<string, XmlElement>();
  const items: PackageItem[] = [];
  // Item and property groups may sit in <Choose>/<When>/<Otherwise>; an explicit stack keeps
  // deep nesting from exhausting the call stack.
  const stack: XmlElement[] = [root];
  while (stack.length > 0) {
    const element = stack.pop()!;
    for (const child of element.children) {
      if (child.name === 'PropertyGroup') {
        for (const property of child.children) {
          properties.set(property.name.toLowerCase(), property.text.trim());
          propertyElements.set(property.name.toLowerCase(), property);
        }
      } else if (child.name === 'ItemGroup') {
        for (const item of child.children) {
          if (!itemKinds.includes(item.name)) continue;
          const name = (item.attributes.Include ?? item.attributes.Update ?? '').trim();
          if (name === '') continue;
          const privateAssets = item.attributes.PrivateAssets ?? childText(item, 'PrivateAssets');
          items.push({
            element: item, name,
            version: (item.attributes.Version ?? childText(item, 'Version'))?.trim(),
            versionOverride: (item.attributes.VersionOverride ?? childText(item, 'VersionOverride'))?.trim(),
            privateAll: privateAssets !== undefined && privateAssets.split(';').some(asset => asset.trim().toLowerCase() === 'all'),
          });
        }
      } else if (CONDITIONAL_GROUPS.includes(child.name)) {
        stack.push(child);
      }
    }
  }
  // Document order, whatever order the groups were visited in.
  items.sort((a, b) => a.element.start - b.element.start);
  return { root, properties, propertyElements, items };
}

/**
 * Replaces `$(Name)` with the file's properties (MSBuild names are case-insensitive), up to a few
 * levels deep. Undefined when a property is not defined in the file.
 */
export function expandProperties(text: string, properties: ReadonlyMap<string, string>): string | undefined {
  let value = text;
  for (let depth = 0; depth < 8 && value.includes('$('); depth++) {
    let expanded = '';
    let at = 0;
    for (let open = value.indexOf('$('); open !== -1; open = value.indexOf('$(', at)) {
      const close = value.indexOf(')', open);
      if (close === -1) return undefined;
      const property = properties.get(value.slice(open + 2, close).trim().toLowerCase());
      if (property === undefined) return undefined;
      expanded += value.slice(at, open) + property;
      at = close + 1;
    }
    value = expanded + value.slice(at);
  }
  return value.includes('$(') ? undefined : value;
}

/**
 * The version NuGet restores for a version as a manifest writes it: `1.2.3` is a minimum, which
 * NuGet meets with that version itself; `[1.2.3]` is exact; `[1.2.3, 2.0)` starts at 1.2.3.
 * Floating versions (`6.*`) and ranges without an inclusive lower bound name no one version:
 * undefined.
 */
export function restoredVersion(written: string): string | undefined {
  const text = written.trim();
  if (text === '' || text.includes('*')) return undefined;
  if (!text.startsWith('[') && !text.startsWith('(')) return /[\s,()[\]]/.test(text) ? undefined : text;
  if (!text.startsWith('[')) return undefined;
  const comma = text.indexOf(',');
  const lower = (comma === -1 ? text.slice(1, -1) : text.slice(1, comma)).trim();
  if (comma === -1 && !text.endsWith(']')) return undefined;
  return lower === '' || /[\s,()[\]]/.test(lower) ? undefined : lower;
}

/** Collects items as packages, a repeated name@version as another copy of the first. */
export class NugetPackageList {
  private readonly packages = new Map<string, Package>();
  private readonly lines: LineCursor;

  constructor(private readonly content: string, file: string) {
    this.lines = new LineCursor(content, file);
  }

  /** Adds the package an item names (its name and version worked out by the caller). */
  add(element: XmlElement, name: string, version: string, dev: boolean): void {
    const id = `${name}@${version}`;
    // The start tag where it fits on one line, else the package's name: what the editor underlines.
    // The attribute is only looked for in a start tag that spans lines. Line breaks are looked for
    // in the tag alone: in a file written on one line, a search on from each tag would be quadratic.
    const tagLineEnd = this.breakInTag(element, element.start);
    const named = tagLineEnd !== -1 ? attributeSpan(this.content, element, 'Include') ?? attributeSpan(this.content, element, 'Update') : undefined;
    const underlined = named ?? { start: element.start, end: element.openEnd };
    const lineEnd = named ? this.breakInTag(element, named.start) : tagLineEnd;
    const highlight = this.lines.range(underlined.start, lineEnd === -1 ? underlined.end : Math.min(underlined.end, lineEnd));
    const location = this.lines.range(element.start, element.end);
    const known = this.packages.get(id);
    const copy: PackageCopy = { key: known ? `${id}#${known.copies!.length + 1}` : id, location, highlight, direct: true, dev };
    if (known) {
      known.dev &&= dev;
      known.copies!.push(copy);
      return;
    }
    this.packages.set(id, {
      id, name, version, ecosystem: 'NuGet', purl: buildPurl('NuGet', name, version),
      direct: true, dev, location, copies: [copy],
    });
  }

  /** The first line break in the element's start tag from `from` on, or -1: a walk bounded by the tag, where indexOf would search on to the next line. */
  private breakInTag(element: XmlElement, from: number): number {
    for (let at = from; at < element.openEnd; at++) if (this.content.charCodeAt(at) === LINE_FEED) return at;
    return -1;
  }

  list(): Package[] {
    return [...this.packages.values()];
  }
}
