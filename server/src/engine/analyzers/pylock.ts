// pylock.toml (PEP 751, also `pylock.<name>.toml`): TOML, one `[[packages]]` table per package,
// its requirements as `{ name = ..., version = ... }` tables in `dependencies`. A name may repeat
// with different versions for different environments (told apart by `marker`), and the same
// name@version may repeat too; each entry is a copy of its package.
//
// A package without a version (a VCS checkout or archive that did not say) is not reported, nor a
// `[packages.directory]` one: that is the project itself or another local folder, the user's own
// code (Trivy lists it as the root package). What a directory package requires is direct, and so
// is what the pyproject.toml beside the lockfile declares; dev is what only its development
// dependencies reach (see readPyproject). The lockfile alone says nothing of either.
import { namedHexHashes, releaseHashes } from '../hashes';
import type { Analyzer, AnalyzerInput, AnalyzerOutput } from '../types';
import { buildPackages, indexesByName, lineOf, list, pypiKey, reachableFrom, readPyproject, table, tomlLockEntry, type LockEntry } from './python-common';
import { readTomlEntries, type TomlEntry } from './toml-entries';

const MANIFEST = 'pyproject.toml';

export const pylockAnalyzer: Analyzer = {
  id: 'pylock',
  type: 'pylock',
  scanner: 'vuln',
  ecosystem: 'PyPI',
  fileNames: ['pylock.toml', 'pylock.*.toml'],
  siblings: [MANIFEST],
  manifest: MANIFEST,
  inlineIgnores: false,
  trivyParser: 'python/pylock',
  fixes: 'none',
  analyze: parsePylock,
};

interface PylockPackage {
  entry: TomlEntry;
  name: string;
  /** Empty for packages that are not reported. */
  version: string;
  local: boolean;
  requires: number[];
}

export function parsePylock(input: AnalyzerInput): AnalyzerOutput {
  const { entries } = readTomlEntries(input.content, 'packages', 'pylock.toml');
  const packages: PylockPackage[] = [];
  for (const entry of entries) {
    const { name, version, directory } = entry.value;
    if (typeof name !== 'string' || name === '') {
      throw new Error(`not a valid pylock.toml: a [[packages]] has no name (line ${lineOf(input.content, entry.start)})`);
    }
    packages.push({ entry, name, version: typeof version === 'string' ? version : '', local: directory !== undefined, requires: [] });
  }

  const byName = indexesByName(packages);
  for (const pkg of packages) {
    for (const requirement of list(pkg.entry.value.dependencies)) {
      const { name, version } = table(requirement);
      if (typeof name !== 'string') continue;
      for (const candidate of byName.get(pypiKey(name)) ?? []) {
        if (typeof version !== 'string' || packages[candidate].version === version) pkg.requires.push(candidate);
      }
    }
  }

  const declared = readPyproject(input.siblings?.get(MANIFEST));
  const named = (names: Set<string> | undefined) => packages.flatMap((pkg, index) => (names?.has(pypiKey(pkg.name)) ? [index] : []));
  const locals = packages.flatMap((pkg, index) => (pkg.local ? [index] : []));
  const direct = new Set([...named(declared?.production), ...named(declared?.development), ...locals.flatMap(index => packages[index].requires)]);
  const edges = packages.map(pkg => pkg.requires);
  const production = reachableFrom([...locals, ...named(declared?.production)], edges);
  const development = reachableFrom(named(declared?.development), edges);

  const reported = (pkg: PylockPackage) => !pkg.local && pkg.version !== '';
  const position = new Map<number, number>();
  packages.forEach((pkg, index) => {
    if (reported(pkg)) position.set(index, position.size);
  });
  const lockEntries: LockEntry[] = [];
  packages.forEach((pkg, index) => {
    if (!reported(pkg)) return;
    lockEntries.push(tomlLockEntry(pkg.entry, 'packages', {
      name: pkg.name,
      version: pkg.version,
      direct: direct.has(index),
      dev: development.has(index) && !production.has(index),
      dependsOn: pkg.requires.flatMap(target => position.get(target) ?? []),
      hashes: releaseHashes(namedHexHashes(table(pkg.entry.value.sdist).hashes), list(pkg.entry.value.wheels), wheel => namedHexHashes(table(wheel).hashes)),
    }));
  });
  return { packages: buildPackages(lockEntries, input.content, input.path) };
}
