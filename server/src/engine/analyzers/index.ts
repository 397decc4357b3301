// The analyzer registry: every analyzer Vigil runs, in one explicit list, and what each declares
// (the files it claims, the siblings it reads, its ecosystem, how its findings are fixed). The
// scan, the CLI, the language server, the extension's activation events and the conformance tests
// all read this list; no other list of file kinds or ecosystems exists. Every analyzer that claims
// a path runs on it.
import type { Analyzer, Ecosystem, Scanner } from '../types';
import { baseName, siblingPath } from '../source';
import { cargoLockAnalyzer } from './cargo-lock';
import { composerLockAnalyzer } from './composer-lock';
import { dockerfileAnalyzer } from './dockerfile';
import { gemfileLockAnalyzer } from './gemfile-lock';
import { goModAnalyzer } from './go-mod';
import { mixLockAnalyzer } from './mix-lock';
import { npmLockAnalyzer } from './npm-lock';
import { nugetConfigAnalyzer } from './nuget-config';
import { nugetLockAnalyzer } from './nuget-lock';
import { pipRequirementsAnalyzer } from './pip-requirements';
import { pipenvLockAnalyzer } from './pipenv-lock';
import { pnpmLockAnalyzer } from './pnpm-lock';
import { poetryLockAnalyzer } from './poetry-lock';
import { pubLockAnalyzer } from './pub-lock';
import { pylockAnalyzer } from './pylock';
import { swiftResolvedAnalyzer } from './swift-resolved';
import { uvLockAnalyzer } from './uv-lock';
import { yarnLockAnalyzer } from './yarn-lock';
import { builtinSecretAnalyzer } from './secret';
import { npmLicenseAnalyzer } from './license-npm';
import { pythonLicenseAnalyzer } from './license-python';
import { gemspecLicenseAnalyzer } from './license-gemspec';
import { composerLicenseAnalyzer } from './license-composer';
import { cargoLicenseAnalyzer } from './license-cargo';
import { licenseFileAnalyzer, licenseHeaderAnalyzer } from './license-file';

export const ANALYZERS: readonly Analyzer[] = [
  npmLockAnalyzer, yarnLockAnalyzer, pnpmLockAnalyzer, pipRequirementsAnalyzer, pipenvLockAnalyzer, poetryLockAnalyzer, uvLockAnalyzer,
  pylockAnalyzer, gemfileLockAnalyzer, composerLockAnalyzer, cargoLockAnalyzer, goModAnalyzer, nugetLockAnalyzer, nugetConfigAnalyzer,
  pubLockAnalyzer, mixLockAnalyzer, swiftResolvedAnalyzer, dockerfileAnalyzer, builtinSecretAnalyzer,
  npmLicenseAnalyzer, pythonLicenseAnalyzer, gemspecLicenseAnalyzer, composerLicenseAnalyzer, cargoLicenseAnalyzer,
  licenseFileAnalyzer, licenseHeaderAnalyzer,
];

/**
 * Dependency files Vigil recognises but cannot analyze yet. A scan names each one it meets in a
 * note, so that a gate never passes in silence on a project it did not read.
 */
export const PLANNED_FORMATS: readonly { type: string; fileNames: readonly string[] }[] = [
  { type: 'bun', fileNames: ['bun.lock'] },
  { type: 'dotnet-core', fileNames: ['*.deps.json'] },
  { type: 'pom', fileNames: ['pom.xml'] },
  { type: 'gradle', fileNames: ['gradle.lockfile'] },
  { type: 'conan', fileNames: ['conan.lock'] },
  { type: 'cocoapods', fileNames: ['Podfile.lock'] },
];

/** Whether a file name fits a declared name, where one `*` stands for any run of characters. */
export function nameMatches(pattern: string, name: string): boolean {
  const star = pattern.indexOf('*');
  if (star === -1) return pattern === name;
  const prefix = pattern.slice(0, star);
  const suffix = pattern.slice(star + 1);
  return name.length >= prefix.length + suffix.length && name.startsWith(prefix) && name.endsWith(suffix);
}

function claimedBy(fileNames: readonly string[], path: string): boolean {
  const name = baseName(path);
  return fileNames.some(pattern => nameMatches(pattern, name));
}

/** Every analyzer of `registry` that claims a root-relative path, in registry order. */
export function analyzersFor(path: string, registry: readonly Analyzer[] = ANALYZERS): Analyzer[] {
  return registry.filter(analyzer => claimedBy(analyzer.fileNames, path));
}

/** The planned format a path is, if Vigil recognises it but cannot analyze it yet. */
export function plannedFormatOf(path: string): string | undefined {
  return PLANNED_FORMATS.find(format => claimedBy(format.fileNames, path))?.type;
}

/** The analyzer whose results carry this Trivy type. */
export function analyzerOfType(type: string, registry: readonly Analyzer[] = ANALYZERS): Analyzer | undefined {
  return registry.find(analyzer => analyzer.type === type);
}

/** The claimed files that read `path` as a sibling (a lockfile beside an edited package.json). */
export function filesReading(path: string, registry: readonly Analyzer[] = ANALYZERS): string[] {
  const name = baseName(path);
  const dir = path.slice(0, path.length - name.length);
  const found = new Set<string>();
  for (const analyzer of registry) {
    if (!analyzer.siblings?.includes(name)) continue;
    for (const fileName of analyzer.fileNames) if (!fileName.includes('*')) found.add(dir + fileName);
  }
  return [...found];
}

/** The manifest that declares the direct dependencies of a claimed file (package.json beside a lockfile). */
export function manifestFor(path: string, registry: readonly Analyzer[] = ANALYZERS): string | undefined {
  const manifest = analyzersFor(path, registry).find(analyzer => analyzer.manifest)?.manifest;
  return manifest && siblingPath(path, manifest);
}

/** The claimed files whose manifest `path` is, in registry order. */
export function filesWithManifest(path: string, registry: readonly Analyzer[] = ANALYZERS): string[] {
  return filesReading(path, registry.filter(analyzer => analyzer.manifest === baseName(path)));
}

/** Scanners that some analyzer serves: the others are not available in this version. */
export function availableScanners(registry: readonly Analyzer[] = ANALYZERS): Scanner[] {
  return [...new Set(registry.map(analyzer => analyzer.scanner))];
}

/** The ecosystems the analyzers report packages of: what a new DB downloads. */
export function supportedEcosystems(registry: readonly Analyzer[] = ANALYZERS): Ecosystem[] {
  return [...new Set(registry.flatMap(analyzer => (analyzer.ecosystem ? [analyzer.ecosystem] : [])))].sort();
}

/** Every file name an analyzer claims or a sibling it reads: what the editor watches and activates on. */
export function watchedFileNames(registry: readonly Analyzer[] = ANALYZERS): string[] {
  return [...new Set(registry.flatMap(analyzer => [...analyzer.fileNames, ...analyzer.siblings ?? []]))];
}
