// .NET `*.deps.json`: what a built application loads, written by the SDK beside the binaries.
// `libraries` lists every library as `Name/Version` with its `type`: `package` (from NuGet),
// `project` (the user's own code: not reported, as the NuGet lockfile analyzer does), or
// `runtimepack` (the .NET runtime bundled into a self-contained app, reported under the name of
// its NuGet package, without the SDK's `runtimepack.` prefix). `targets[runtimeTarget.name]` maps
// each library to what it depends on and the assets it brings; a library whose entry there has no
// runtime, native or runtime-target assets is a compile-time reference that never ships and is
// left out, as Trivy does. What a project depends on is direct. NuGet has no dev dependencies here.
import { sortUnique } from '../depgraph';
import { buildPurl } from '../purl';
import { LineCursor } from '../text';
import type { Analyzer, Package } from '../types';
import { locateMembers, parseJson, stringEnd, type JsonObject } from './json-offsets';

export const dotnetDepsAnalyzer: Analyzer = {
  id: 'dotnet-deps',
  type: 'dotnet-core',
  scanner: 'vuln',
  ecosystem: 'NuGet',
  fileNames: ['*.deps.json'],
  inlineIgnores: false,
  trivyParser: 'dotnet/core_deps',
  fixes: 'none',
  analyze: input => ({ packages: parseDepsJson(input.content, input.path) }),
};

const RUNTIME_PACK_PREFIX = 'runtimepack.';

/** `Name/Version` with the runtime pack prefix dropped, as packages and the targets' references are matched. */
function libraryKey(name: string, version: string): string {
  return `${name.startsWith(RUNTIME_PACK_PREFIX) ? name.slice(RUNTIME_PACK_PREFIX.length) : name}/${version}`;
}

export function parseDepsJson(content: string, file: string): Package[] {
  const root = parseJson(content);
  if (!isObject(root)) throw new Error('not a valid .deps.json: it must hold a JSON object');
  const libraries = root.libraries;
  if (libraries === undefined) return [];
  if (!isObject(libraries)) throw new Error("not a valid .deps.json: 'libraries' is not an object");
  const targets = isObject(root.targets) ? root.targets : {};
  const runtimeTarget = isObject(root.runtimeTarget) && typeof root.runtimeTarget.name === 'string' ? root.runtimeTarget.name : undefined;
  const target = runtimeTarget !== undefined && isObject(targets[runtimeTarget]) ? targets[runtimeTarget] : undefined;

  /** The target's entries by prefix-free `Name/Version`. */
  const entries = new Map<string, JsonObject>();
  // for-in loops rather than Object.entries and flatMap: no array per member, in the loops that run per package.
  for (const key in target) {
    const value = target[key];
    const slash = key.indexOf('/');
    if (slash > 0 && isObject(value)) entries.set(libraryKey(key.slice(0, slash), key.slice(slash + 1)), value);
  }
  const direct = new Set<string>();
  for (const key in libraries) {
    const library = libraries[key];
    const slash = key.indexOf('/');
    if (slash > 0 && isObject(library) && isType(library, 'project')) {
      for (const dependency of dependenciesOf(entries.get(libraryKey(key.slice(0, slash), key.slice(slash + 1))))) direct.add(dependency);
    }
  }

  const lines = new LineCursor(content, file);
  const packages: Package[] = [];
  const seen = new Set<string>();
  for (const [key, span] of locateMembers(content, ['libraries'])) {
    const library = libraries[key];
    const slash = key.indexOf('/');
    if (!isObject(library) || slash <= 0 || slash === key.length - 1) continue;
    if (!isType(library, 'package') && !isType(library, 'runtimepack')) continue;
    const id = libraryKey(key.slice(0, slash), key.slice(slash + 1));
    const entry = entries.get(id);
    if (target && entry && !shipsAssets(entry)) continue;
    if (seen.has(id)) continue;
    seen.add(id);
    const name = id.slice(0, id.lastIndexOf('/'));
    const version = key.slice(slash + 1);
    const location = lines.range(span.start, span.end);
    const highlight = lines.range(span.start, stringEnd(content, span.start));
    const isDirect = direct.has(id);
    packages.push({
      id: `${name}@${version}`, name, version, ecosystem: 'NuGet', purl: buildPurl('NuGet', name, version),
      direct: isDirect, dev: false, location, copies: [{ key, location, highlight, direct: isDirect, dev: false }],
      dependsOn: dependenciesOf(entry).map(dependency => dependency.replace('/', '@')),
    });
  }
  for (const pkg of packages) sortUnique(pkg.dependsOn!);
  // What a package depends on is reported only where that is a package of the file too.
  const ids = new Set(packages.map(p => p.id));
  for (const pkg of packages) pkg.dependsOn = pkg.dependsOn!.filter(id => ids.has(id));
  return packages;
}

/** The prefix-free `Name/Version` of each library a target entry depends on. */
function dependenciesOf(entry: JsonObject | undefined): string[] {
  const dependencies = entry?.dependencies;
  const keys: string[] = [];
  if (!isObject(dependencies)) return keys;
  for (const name in dependencies) {
    const version = dependencies[name];
    if (typeof version === 'string') keys.push(libraryKey(name, version));
  }
  return keys;
}

function isType(library: JsonObject, type: string): boolean {
  return typeof library.type === 'string' && library.type.toLowerCase() === type;
}

/** Whether a target entry brings anything the application loads. */
function shipsAssets(entry: JsonObject): boolean {
  return entry.runtime != null || entry.runtimeTargets != null || entry.native != null; // neither undefined nor null
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
