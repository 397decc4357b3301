// poetry.lock: TOML, one `[[package]]` table per installed package, its requirements in
// `[package.dependencies]` (`name = "constraint"`, a table with `version`, or a list of those
// for constraints that differ by marker). Packages from a git, URL, file or directory source are
// reported as well, as in Trivy: their version is what the package itself declares.
//
// Dev: Poetry 1.0-1.4 writes `category = "dev"`, Poetry 2 writes `groups = [...]`, where only
// the `main` group is production. Lockfiles of Poetry 1.5-1.8 say neither; then a package is dev
// when the pyproject.toml beside the lockfile reaches it only from development dependencies.
// Direct: what that pyproject.toml declares (see readPyproject). Without it nothing is direct.
import { satisfies } from '@renovatebot/pep440';
import { prefixedHexHashes, releaseHashes } from '../hashes';
import type { Analyzer, AnalyzerInput, AnalyzerOutput, PackageHash } from '../types';
import { buildPackages, indexesByName, lineOf, list, pypiKey, reachableFrom, readPyproject, table, tomlLockEntry, type LockEntry } from './python-common';
import { readTomlEntries, type TomlEntry } from './toml-entries';

const MANIFEST = 'pyproject.toml';
/** Longer than any real constraint. */
const MAX_CONSTRAINT = 256;

export const poetryLockAnalyzer: Analyzer = {
  id: 'poetry-lock',
  type: 'poetry',
  scanner: 'vuln',
  ecosystem: 'PyPI',
  fileNames: ['poetry.lock'],
  siblings: [MANIFEST],
  manifest: MANIFEST,
  inlineIgnores: false,
  trivyParser: 'python/poetry',
  fixes: 'none',
  analyze: parsePoetryLock,
};

interface PoetryPackage {
  entry: TomlEntry;
  name: string;
  version: string;
  /** From the lockfile's own `category` or `groups`; undefined where it has neither. */
  dev?: boolean;
}

export function parsePoetryLock(input: AnalyzerInput): AnalyzerOutput {
  const { entries } = readTomlEntries(input.content, 'package', 'poetry.lock');
  const packages: PoetryPackage[] = [];
  for (const entry of entries) {
    const { name, version } = entry.value;
    if (typeof name !== 'string' || name === '' || typeof version !== 'string' || version === '') {
      throw new Error(`not a valid poetry.lock: a [[package]] has no name or version (line ${lineOf(input.content, entry.start)})`);
    }
    packages.push({ entry, name, version, dev: devFromLock(entry.value) });
  }

  // Requirements name packages by any spelling of their name, with a version constraint.
  const byName = indexesByName(packages);
  const edges = packages.map(pkg => resolveDependencies(pkg.entry.value.dependencies, byName, packages));

  const declared = readPyproject(input.siblings?.get(MANIFEST));
  const isDeclared = (pkg: PoetryPackage, names: Set<string> | undefined) => !!names?.has(pypiKey(pkg.name));
  let devByGraph: ((index: number) => boolean) | undefined;
  if (declared && packages.some(pkg => pkg.dev === undefined)) {
    const starts = (names: Set<string>) => packages.flatMap((pkg, index) => (isDeclared(pkg, names) ? [index] : []));
    const production = reachableFrom(starts(declared.production), edges);
    const development = reachableFrom(starts(declared.development), edges);
    devByGraph = index => development.has(index) && !production.has(index);
  }

  const lockEntries: LockEntry[] = packages.map((pkg, index) => tomlLockEntry(pkg.entry, 'package', {
    name: pkg.name,
    version: pkg.version,
    direct: isDeclared(pkg, declared?.production) || isDeclared(pkg, declared?.development),
    dev: pkg.dev ?? devByGraph?.(index) ?? false,
    dependsOn: edges[index],
    hashes: poetryReleaseHashes(pkg.entry.value.files),
  }));
  return { packages: buildPackages(lockEntries, input.content, input.path) };
}

/** `files = [{file, hash}]`: the sdist is the file that is not a built distribution (wheel or egg). */
function poetryReleaseHashes(files: unknown): PackageHash[] | undefined {
  const listed = list(files).map(file => table(file));
  const sdist = listed.find(file => typeof file.file === 'string' && !isBuilt(file));
  return releaseHashes(sdist && prefixedHexHashes(sdist.hash), listed.filter(isBuilt), file => prefixedHexHashes(table(file).hash));
}

function isBuilt(file: Record<string, unknown>): boolean {
  return typeof file.file === 'string' && (file.file.endsWith('.whl') || file.file.endsWith('.egg'));
}

function devFromLock(value: Record<string, unknown>): boolean | undefined {
  if (typeof value.category === 'string') return value.category === 'dev';
  if (Array.isArray(value.groups)) return !value.groups.includes('main');
  return undefined;
}

/**
 * The packages a `[package.dependencies]` table points to. Where the lockfile holds one version
 * of a name, that is the one; where it holds several, those the constraint admits.
 */
function resolveDependencies(dependencies: unknown, byName: Map<string, number[]>, packages: PoetryPackage[]): number[] {
  const targets: number[] = [];
  const requirements = table(dependencies);
  for (const name of Object.keys(requirements)) { // not Object.entries: three times faster on smol-toml's prototype-less tables
    const candidates = byName.get(pypiKey(name));
    if (!candidates) continue; // an extra's optional package that was not installed
    if (candidates.length === 1) {
      targets.push(candidates[0]);
      continue;
    }
    const requirement = requirements[name];
    const constraints = (Array.isArray(requirement) ? requirement : [requirement]).map(constraintOf);
    for (const candidate of candidates) {
      if (constraints.some(constraint => admits(packages[candidate].version, constraint))) targets.push(candidate);
    }
  }
  return targets;
}

function constraintOf(requirement: unknown): string {
  if (typeof requirement === 'string') return requirement;
  const version = table(requirement).version;
  return typeof version === 'string' ? version : '*';
}

function admits(version: string, constraint: string): boolean {
  const trimmed = constraint.trim();
  if (trimmed === '' || trimmed === '*') return true;
  if (trimmed.length > MAX_CONSTRAINT) return false; // bounds the matcher's regexes on hostile input
  try {
    return satisfies(version, trimmed);
  } catch {
    return false; // not PEP 440 (a Poetry-only `^1.2`): no match, as in Trivy
  }
}
