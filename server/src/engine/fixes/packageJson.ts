// Fixes written into package.json: bump a direct dependency, or pin a transitive one with the
// package manager's override field. Edits come from jsonc-parser so the rest of the file,
// its indentation and its key order, stay as they were.
import { findNodeAtLocation, modify, parseTree, type FormattingOptions } from 'jsonc-parser';
import type { FixStyle } from '../types';
import type { TextEditAt } from './edits';
import type { BumpEdit, ManifestFormat, OverrideEdit } from './manifests';
import { bumpNpmSpec } from './versions';

export const DEPENDENCY_SECTIONS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const;
export type DependencySection = (typeof DEPENDENCY_SECTIONS)[number];

export interface PackageJsonDependency {
  section: DependencySection;
  name: string;
  spec: string;
  /** Offsets of the whole `"name": "spec"` property, for squiggles. */
  offset: number;
  length: number;
  /** Offset and length of the spec's string token, quotes included. */
  specOffset: number;
  specLength: number;
}

/** Every dependency declared in a package.json text, in file order. Empty when it does not parse. */
export function listManifestDependencies(text: string): PackageJsonDependency[] {
  const root = parseTree(text);
  if (!root) return [];
  const found: PackageJsonDependency[] = [];
  for (const section of DEPENDENCY_SECTIONS) {
    const object = findNodeAtLocation(root, [section]);
    if (object?.type !== 'object') continue;
    for (const property of object.children ?? []) {
      const [key, value] = property.children ?? [];
      if (key?.type !== 'string' || value?.type !== 'string') continue;
      found.push({
        section, name: key.value, spec: value.value,
        offset: property.offset, length: property.length,
        specOffset: value.offset, specLength: value.length,
      });
    }
  }
  return found.sort((a, b) => a.offset - b.offset);
}

/** The first declaration of `name`, preferring runtime dependencies over dev ones. */
export function findManifestDependency(text: string, name: string): PackageJsonDependency | undefined {
  const all = listManifestDependencies(text).filter(d => d.name === name);
  return all.sort((a, b) => DEPENDENCY_SECTIONS.indexOf(a.section) - DEPENDENCY_SECTIONS.indexOf(b.section))[0];
}

/**
 * Edits that make package.json require `version` of direct dependency `name`, keeping the range
 * operator. Undefined when the dependency is not declared or its spec is not a simple range.
 */
export function bumpDependencyEdits(text: string, name: string, version: string): BumpEdit | undefined {
  const dependency = findManifestDependency(text, name);
  if (!dependency) return undefined;
  const spec = bumpNpmSpec(dependency.spec, version);
  if (!spec || spec === dependency.spec) return undefined;
  return { spec, edits: [{ offset: dependency.specOffset, length: dependency.specLength, newText: JSON.stringify(spec) }] };
}

export type OverrideStyle = 'npm' | 'yarn' | 'pnpm';

export const packageJsonManifest: ManifestFormat = {
  fileNames: ['package.json'],
  ecosystem: 'npm',
  list: text => listManifestDependencies(text),
  bump: bumpDependencyEdits,
  override(text, name, installed, version, style): OverrideEdit | undefined {
    if (!isOverrideStyle(style)) return undefined;
    const { edits, path } = addOverrideEdits(text, style, name, installed, version);
    return edits.length > 0 ? { edits, field: path.slice(0, -1).join('.') } : undefined;
  },
};

function isOverrideStyle(style: FixStyle): style is OverrideStyle {
  return style === 'npm' || style === 'yarn' || style === 'pnpm';
}

/**
 * Edits that force transitive dependency `name` from `installed` to `version`.
 * npm and pnpm accept a version selector in the key, so only the vulnerable copy moves
 * (`"qs@6.5.1": "6.5.3"`); Yarn's `resolutions` key is the bare name.
 */
export function addOverrideEdits(
  text: string, style: OverrideStyle, name: string, installed: string, version: string,
): { edits: TextEditAt[]; path: string[] } {
  const fieldPath = style === 'npm' ? ['overrides'] : style === 'pnpm' ? ['pnpm', 'overrides'] : ['resolutions'];
  const key = style === 'yarn' ? name : `${name}@${installed}`;
  const path = [...fieldPath, key];
  const edits = modify(text, path, version, { formattingOptions: detectFormatting(text) })
    .map(e => ({ offset: e.offset, length: e.length, newText: e.content }));
  return { edits, path };
}

/** Indentation and line ending of an existing JSON text, so inserted members look alike. */
export function detectFormatting(text: string): FormattingOptions {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = /\n([ \t]+)\S/.exec(text)?.[1] ?? '  ';
  return indent.startsWith('\t')
    ? { insertSpaces: false, tabSize: 1, eol }
    : { insertSpaces: true, tabSize: indent.length, eol };
}
