// composer.json as a manifest: the packages of `require` and `require-dev` (platform requirements
// such as `php` and `ext-json` are no packages), bumped in Composer's own constraint notation.
// An indirect package is kept off its vulnerable versions with a `conflict` entry, Composer's way
// of refusing versions of a package it does not require directly. Edits come from jsonc-parser
// so the rest of the file stays as it was.
import { findNodeAtLocation, modify, parseTree, type Node } from 'jsonc-parser';
import { compareVersions } from '../versions';
import type { ManifestDependency, ManifestFormat } from './manifests';
import { detectFormatting } from './packageJson';

const SECTIONS = ['require', 'require-dev'] as const;

interface ComposerDependency extends ManifestDependency {
  /** The constraint's string token, quotes included. */
  specNode: Node;
}

function listComposerDependencies(text: string): ComposerDependency[] {
  const root = parseTree(text);
  if (root?.type !== 'object') return [];
  const found: ComposerDependency[] = [];
  for (const section of SECTIONS) {
    const object = findNodeAtLocation(root, [section]);
    if (object?.type !== 'object') continue;
    for (const property of object.children ?? []) {
      const [key, value] = property.children ?? [];
      if (key?.type !== 'string' || value?.type !== 'string' || !String(key.value).includes('/')) continue;
      found.push({ name: key.value, spec: value.value, section, offset: property.offset, length: property.length, specNode: value });
    }
  }
  return found.sort((a, b) => a.offset - b.offset);
}

export const composerJsonManifest: ManifestFormat = {
  fileNames: ['composer.json'],
  ecosystem: 'Packagist',
  list: text => listComposerDependencies(text).map(({ specNode: _, ...dependency }) => dependency),
  bump(text, name, version) {
    const wanted = name.toLowerCase();
    const declared = listComposerDependencies(text).find(d => d.name.toLowerCase() === wanted);
    if (!declared) return undefined;
    const spec = bumpComposerConstraint(declared.spec, version);
    if (spec === undefined || spec === declared.spec) return undefined;
    return { spec, edits: [{ offset: declared.specNode.offset, length: declared.specNode.length, newText: JSON.stringify(spec) }] };
  },
  override(text, name, _installed, version) {
    if (parseTree(text)?.type !== 'object') return undefined;
    const edits = modify(text, ['conflict', name], `<${plain(version)}`, { formattingOptions: detectFormatting(text) })
      .map(e => ({ offset: e.offset, length: e.length, newText: e.content }));
    return edits.length > 0 ? { edits, field: 'conflict' } : undefined;
  },
};

/**
 * A Composer constraint raised to require `version`, in its own notation: `^1.2` -> `^1.5.1`,
 * `~1.2.3` -> `~1.5.1`, `1.2.3` -> `1.5.1`, `>=1.2` -> `>=1.5.1`, `>=1.2 <2.0` -> `>=1.5.1 <2.0`
 * while the upper bound admits it; a wildcard keeps its release line: `1.2.*` -> `~1.5.1`,
 * `1.*` -> `^1.5.1`. A stability flag (`@dev`) stays. Undefined for alternatives (`^1 || ^2`),
 * hyphen ranges, branches (`dev-main`) and `*`, which a bump should not guess at.
 */
export function bumpComposerConstraint(spec: string, version: string): string | undefined {
  const at = spec.lastIndexOf('@');
  const flag = at > 0 ? spec.slice(at) : '';
  const constraint = (at > 0 ? spec.slice(0, at) : spec).trim();
  const target = plain(version);
  if (constraint === '' || constraint.includes('|') || / - /.test(constraint)) return undefined;
  const parts = constraint.split(/[\s,]+/);
  if (parts.length === 1) {
    const single = bumpComparator(constraint, target);
    return single === undefined ? undefined : single + flag;
  }
  // A conjunction: its lower bound moves up, its upper bounds must still admit the version.
  let lowerAt = -1;
  for (const [index, part] of parts.entries()) {
    const comparator = /^(>=|>|<=|<|!=)(v?\d+(?:\.\d+){0,3}(?:-[0-9A-Za-z.]{1,40})?)$/.exec(part);
    if (!comparator) return undefined;
    const [, operator, bound] = comparator;
    const order = compareVersions('Packagist', target, plain(bound));
    if (operator === '>=' || operator === '>') {
      if (lowerAt !== -1 || order <= 0) return undefined;
      lowerAt = index;
    } else if ((operator === '<' && order >= 0) || (operator === '<=' && order > 0) || (operator === '!=' && order === 0)) {
      return undefined;
    }
  }
  if (lowerAt === -1) return undefined;
  // Replaced in place, so the separators (`, ` or a space) stay as written.
  const lower = parts[lowerAt];
  const start = constraint.indexOf(lower);
  return `${constraint.slice(0, start)}>=${target}${constraint.slice(start + lower.length)}${flag}`;
}

function bumpComparator(constraint: string, target: string): string | undefined {
  const wildcard = /^v?(\d+(\.\d+)?)\.\*$/.exec(constraint);
  if (wildcard) {
    const lowest = `${wildcard[1]}${wildcard[2] === undefined ? '.0.0' : '.0'}`;
    if (compareVersions('Packagist', target, lowest) <= 0) return undefined;
    return wildcard[2] === undefined ? `^${target}` : `~${target}`;
  }
  const simple = /^(\^|~|>=|>|==|=)?\s*v?(\d+(?:\.\d+){0,3}(?:-[0-9A-Za-z.]{1,40})?)$/.exec(constraint);
  // Never down: a constraint that already asks for the version or more stays.
  if (!simple || compareVersions('Packagist', target, simple[2]) <= 0) return undefined;
  const operator = simple[1] === '>' ? '>=' : simple[1] ?? '';
  return `${operator}${target}`;
}

/** `v1.2.3` -> `1.2.3`: Composer reads both; constraints are written without the `v`. */
function plain(version: string): string {
  return version.startsWith('v') ? version.slice(1) : version;
}
