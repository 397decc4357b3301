// uv.lock: TOML, one `[[package]]` table per package, its requirements as `{ name = ... }` tables
// (with `version` and `source` where the name alone is ambiguous) in `dependencies`,
// `[package.optional-dependencies]` (extras) and `[package.dev-dependencies]` (dependency groups).
//
// The project itself and the members of its workspace are in the lockfile too, with a source of
// `{ editable = ... }` or `{ virtual = ... }`. They are the user's own code, not PyPI packages, so
// they are left out (Trivy lists the project as its root package), and what they require is
// direct. Dev: what the members' dependency groups reach and their dependencies and extras do not,
// following dependencies and extras (as Trivy does). A lockfile without any member has nothing
// direct and nothing dev. Each member's source names its folder: a package belongs to the members
// whose own requirements pull it in (a member required by another keeps what it requires).
//
// The lockfile says everything itself; pyproject.toml is named as the manifest, where the user
// edits the requirements that the editor annotates.
import { attributeToMembers, memberFolder } from '../depgraph';
import { prefixedHexHashes, releaseHashes } from '../hashes';
import type { Analyzer, AnalyzerInput, AnalyzerOutput } from '../types';
import { buildPackages, indexesByName, lineOf, list, pypiKey, reachableFrom, table, tomlLockEntry, type LockEntry } from './python-common';
import { readTomlEntries, type TomlEntry } from './toml-entries';

const MANIFEST = 'pyproject.toml';

export const uvLockAnalyzer: Analyzer = {
  id: 'uv-lock',
  type: 'uv',
  scanner: 'vuln',
  ecosystem: 'PyPI',
  fileNames: ['uv.lock'],
  siblings: [MANIFEST],
  manifest: MANIFEST,
  inlineIgnores: false,
  trivyParser: 'python/uv',
  fixes: 'none',
  analyze: parseUvLock,
};

interface UvPackage {
  entry: TomlEntry;
  name: string;
  version: string;
  member: boolean;
  /** A workspace member's folder, as its `editable` or `virtual` source gives it; undefined for other packages. */
  folder?: string;
  /** Indexes of the packages its dependencies and extras require. */
  requires: number[];
  /** Indexes of the packages its dependency groups require. */
  groupRequires: number[];
}

export function parseUvLock(input: AnalyzerInput): AnalyzerOutput {
  const { entries } = readTomlEntries(input.content, 'package', 'uv.lock');
  const packages: UvPackage[] = [];
  for (const entry of entries) {
    const { name, version, source } = entry.value;
    if (typeof name !== 'string' || name === '') {
      throw new Error(`not a valid uv.lock: a [[package]] has no name (line ${lineOf(input.content, entry.start)})`);
    }
    const { editable, virtual } = table(source);
    const folder = typeof editable === 'string' ? editable : typeof virtual === 'string' ? virtual : undefined;
    const member = editable !== undefined || virtual !== undefined;
    // Only a member may leave its version out (a dynamic version); members are not reported.
    const hasVersion = typeof version === 'string' && version !== '';
    if (!hasVersion && !member) throw new Error(`not a valid uv.lock: a [[package]] has no version (line ${lineOf(input.content, entry.start)})`);
    packages.push({
      entry, name, version: typeof version === 'string' ? version : '', member,
      folder: folder === undefined ? undefined : memberFolder(folder), requires: [], groupRequires: [],
    });
  }

  const byName = indexesByName(packages);
  const resolve = (requirements: unknown, into: number[]) => {
    for (const requirement of list(requirements)) {
      const { name, version } = table(requirement);
      if (typeof name !== 'string') continue;
      const candidates = byName.get(pypiKey(name)) ?? [];
      for (const candidate of candidates) {
        if (typeof version !== 'string' || packages[candidate].version === version) into.push(candidate);
      }
    }
  };
  for (const pkg of packages) {
    resolve(pkg.entry.value.dependencies, pkg.requires);
    for (const extra of Object.values(table(pkg.entry.value['optional-dependencies']))) resolve(extra, pkg.requires);
    for (const group of Object.values(table(pkg.entry.value['dev-dependencies']))) resolve(group, pkg.groupRequires);
  }

  const members = packages.flatMap((pkg, index) => (pkg.member ? [index] : []));
  const direct = new Set(members.flatMap(index => [...packages[index].requires, ...packages[index].groupRequires]));
  const edges = packages.map(pkg => pkg.requires);
  const production = reachableFrom(members, edges);
  const development = reachableFrom(members.flatMap(index => packages[index].groupRequires), edges);

  // Members are left out: number the others for the package list.
  const position = new Map<number, number>();
  packages.forEach((pkg, index) => {
    if (!pkg.member) position.set(index, position.size);
  });
  const lockEntries: LockEntry[] = [];
  packages.forEach((pkg, index) => {
    if (pkg.member) return;
    const dependsOn = [...pkg.requires, ...pkg.groupRequires].flatMap(target => position.get(target) ?? []);
    lockEntries.push(tomlLockEntry(pkg.entry, 'package', {
      name: pkg.name,
      version: pkg.version,
      direct: direct.has(index),
      dev: development.has(index) && !production.has(index),
      dependsOn,
      hashes: releaseHashes(prefixedHexHashes(table(pkg.entry.value.sdist).hash), list(pkg.entry.value.wheels), wheel => prefixedHexHashes(table(wheel).hash)),
    }));
  });
  const built = buildPackages(lockEntries, input.content, input.path);
  const directs = new Map<string, string[]>();
  for (const index of members) {
    const { folder, requires, groupRequires } = packages[index];
    if (folder === undefined) continue;
    const ids = [...requires, ...groupRequires].filter(target => !packages[target].member).map(target => `${packages[target].name}@${packages[target].version}`);
    directs.set(folder, [...directs.get(folder) ?? [], ...ids]);
  }
  attributeToMembers(built, directs);
  return { packages: built };
}
