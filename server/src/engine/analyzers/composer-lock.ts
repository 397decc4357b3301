// composer.lock (Composer, PHP).
//
// Two arrays of installed packages: `packages` (production) and `packages-dev` (dev). Each entry
// has `name`, `version` and the `require` map it was resolved with, whose names give dependsOn
// (the platform's `php` and `ext-*` are not packages and find no entry). Direct = declared in the
// `require` or `require-dev` of the composer.json beside the lockfile; without it nothing is
// direct, as in Trivy.
import { hexHashes } from '../hashes';
import { buildPurl } from '../purl';
import { LineCursor } from '../text';
import type { Analyzer, Package, SourceRange } from '../types';
import { firstMember, locateRootArrays, parseJson, type JsonObject } from './json-offsets';

const MANIFEST = 'composer.json';
const SECTIONS = ['packages', 'packages-dev'] as const;

export const composerLockAnalyzer: Analyzer = {
  id: 'composer-lock',
  type: 'composer',
  scanner: 'vuln',
  ecosystem: 'Packagist',
  fileNames: ['composer.lock'],
  siblings: [MANIFEST],
  manifest: MANIFEST,
  inlineIgnores: false,
  trivyParser: 'php/composer',
  fixes: 'none',
  analyze: input => ({ packages: parseComposerLock(input.content, input.path, input.siblings?.get(MANIFEST)) }),
};

export function parseComposerLock(content: string, file: string, manifestText?: string): Package[] {
  const root = parseJson(content);
  if (!isObject(root)) throw new Error('not a valid composer.lock: it must hold a JSON object');
  const spans = locateEntries(content);
  const declared = declaredDependencies(manifestText);
  const lines = new LineCursor(content, file);

  interface Entry { section: typeof SECTIONS[number]; index: number; value: JsonObject; span: EntrySpan }
  const entries: Entry[] = [];
  for (const section of SECTIONS) {
    const list = root[section];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) throw new Error(`not a valid composer.lock: "${section}" is not an array`);
    list.forEach((value, index) => {
      if (!isObject(value)) throw new Error(`not a valid composer.lock: entry ${index + 1} of "${section}" is not an object`);
      if (typeof value.name !== 'string' || typeof value.version !== 'string' || value.name === '' || value.version === '') {
        throw new Error(`not a valid composer.lock: entry ${index + 1} of "${section}" has no name or version`);
      }
      const span = spans[section][index];
      if (!span) throw new Error(`not a valid composer.lock: entry ${index + 1} of "${section}" could not be located`);
      entries.push({ section, index, value, span });
    });
  }
  // In source order, so that the line cursor only moves forward.
  entries.sort((a, b) => a.span.start - b.span.start);

  const idByName = new Map<string, string>();
  for (const { value } of entries) idByName.set((value.name as string).toLowerCase(), `${value.name}@${value.version}`);

  const packages = new Map<string, Package>();
  for (const { section, value, span } of entries) {
    const name = value.name as string;
    const version = value.version as string;
    const id = `${name}@${version}`;
    // The name member first: it sits near the entry's start, so the line cursor seldom goes back.
    const named = span.nameStart >= 0 ? lines.range(span.nameStart, span.nameEnd) : undefined;
    const location: SourceRange = lines.range(span.start, span.end);
    const highlight: SourceRange = named ?? { ...location, endLine: location.startLine, endColumn: location.startColumn + 1 };
    const dependsOn = isObject(value.require)
      ? Object.keys(value.require).map(dependency => idByName.get(dependency.toLowerCase())).filter((dependency): dependency is string => !!dependency)
      : [];
    const dev = section === 'packages-dev';
    const direct = declared.has(name.toLowerCase());
    const copy = { key: `${section}[${span.index}]`, location, highlight, direct, dev };
    const known = packages.get(id);
    if (known) {
      known.copies!.push(copy);
      known.dev &&= dev;
      continue;
    }
    const pkg: Package = {
      id, name, version, ecosystem: 'Packagist', purl: buildPurl('Packagist', name, version), direct, dev, location, copies: [copy],
      dependsOn: [...new Set(dependsOn)].sort(),
    };
    // Composer's dist `shasum` is the SHA-1 of the archive (often empty: then none is known). Set
    // afterwards: spreading an optional member into the literal takes V8's slow object-clone path.
    const hashes = hexHashes('SHA-1', isObject(value.dist) ? value.dist.shasum : undefined);
    if (hashes) pkg.hashes = hashes;
    packages.set(id, pkg);
  }
  return [...packages.values()];
}

/** Lowercased names in composer.json's require and require-dev; empty without a readable composer.json. */
function declaredDependencies(text: string | undefined): Set<string> {
  const names = new Set<string>();
  if (text === undefined) return names;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return names; // the lockfile still reads
  }
  if (!isObject(json)) return names;
  for (const field of ['require', 'require-dev']) {
    const declared = json[field];
    if (isObject(declared)) for (const name of Object.keys(declared)) names.add(name.toLowerCase());
  }
  return names;
}

interface EntrySpan {
  index: number;
  /** The entry's braces. */
  start: number;
  end: number;
  /** The `"name": "..."` member, or -1 where there is none. */
  nameStart: number;
  nameEnd: number;
}

/**
 * The spans of the objects in the top-level `packages` and `packages-dev` arrays, with each one's
 * first `name` member. One pass that reads keys only at the root; within an entry only up to its
 * name (near its start), the rest skipped by bracket counting. `text` must be valid JSON.
 */
function locateEntries(text: string): Record<typeof SECTIONS[number], EntrySpan[]> {
  const arrays = locateRootArrays(text, SECTIONS);
  const spansOf = (section: typeof SECTIONS[number]): EntrySpan[] => (arrays.get(section) ?? [])
    .filter(element => text.charCodeAt(element.start) === OPEN_BRACE)
    .map((element, index) => {
      const name = firstMember(text, element.start, 'name');
      return { index, start: element.start, end: element.end, nameStart: name?.keyStart ?? -1, nameEnd: name?.end ?? -1 };
    });
  return { packages: spansOf('packages'), 'packages-dev': spansOf('packages-dev') };
}

const OPEN_BRACE = 0x7b;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
