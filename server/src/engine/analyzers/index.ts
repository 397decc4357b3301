// The analyzer registry: every analyzer Vigil runs, in one explicit list, and what each declares
// (the files it claims, the siblings it reads, its ecosystem, how its findings are fixed). The
// scan, the CLI, the language server, the extension's activation events and the conformance tests
// all read this list; no other list of file kinds or ecosystems exists. Every analyzer that claims
// a path runs on it.
import type { Analyzer, Ecosystem, Scanner } from '../types';
import { hasAdvisorySource } from '../ecosystems';
import { baseName, siblingPath } from '../source';
import { bunLockAnalyzer } from './bun-lock';
import { cargoLockAnalyzer } from './cargo-lock';
import { composerLockAnalyzer } from './composer-lock';
import { csprojAnalyzer } from './csproj';
import { conanLockAnalyzer } from './conan-lock';
import { dockerfileAnalyzer } from './dockerfile';
import { dotnetDepsAnalyzer } from './dotnet-deps';
import { gemfileLockAnalyzer } from './gemfile-lock';
import { kubernetesAnalyzer } from './kubernetes';
import { goModAnalyzer } from './go-mod';
import { gradleLockAnalyzer } from './gradle-lock';
import { juliaManifestAnalyzer } from './julia-manifest';
import { mixLockAnalyzer } from './mix-lock';
import { npmLockAnalyzer } from './npm-lock';
import { nugetConfigAnalyzer } from './nuget-config';
import { nugetLockAnalyzer } from './nuget-lock';
import { packagesPropsAnalyzer } from './packages-props';
import { pipRequirementsAnalyzer } from './pip-requirements';
import { pipenvLockAnalyzer } from './pipenv-lock';
import { pnpmLockAnalyzer } from './pnpm-lock';
import { pomAnalyzer } from './pom';
import { podfileLockAnalyzer } from './podfile-lock';
import { poetryLockAnalyzer } from './poetry-lock';
import { pubLockAnalyzer } from './pub-lock';
import { pylockAnalyzer } from './pylock';
import { sbtLockAnalyzer } from './sbt-lock';
import { swiftResolvedAnalyzer } from './swift-resolved';
import { uvLockAnalyzer } from './uv-lock';
import { yarnLockAnalyzer } from './yarn-lock';
import { builtinSecretAnalyzer } from './secret';
import { terraformAnalyzer } from './terraform';
import { npmLicenseAnalyzer } from './license-npm';
import { pythonLicenseAnalyzer } from './license-python';
import { gemspecLicenseAnalyzer } from './license-gemspec';
import { composerLicenseAnalyzer } from './license-composer';
import { cargoLicenseAnalyzer } from './license-cargo';
import { nuspecLicenseAnalyzer } from './license-nuspec';
import { licenseFileAnalyzer, licenseHeaderAnalyzer } from './license-file';

export const ANALYZERS: readonly Analyzer[] = [
  npmLockAnalyzer, yarnLockAnalyzer, pnpmLockAnalyzer, bunLockAnalyzer, pipRequirementsAnalyzer, pipenvLockAnalyzer, poetryLockAnalyzer, uvLockAnalyzer,
  pylockAnalyzer, gemfileLockAnalyzer, composerLockAnalyzer, cargoLockAnalyzer, goModAnalyzer, nugetLockAnalyzer, nugetConfigAnalyzer,
  dotnetDepsAnalyzer, packagesPropsAnalyzer, csprojAnalyzer, pomAnalyzer, gradleLockAnalyzer, sbtLockAnalyzer,
  pubLockAnalyzer, mixLockAnalyzer, swiftResolvedAnalyzer, conanLockAnalyzer, podfileLockAnalyzer, juliaManifestAnalyzer,
  dockerfileAnalyzer, kubernetesAnalyzer, terraformAnalyzer, builtinSecretAnalyzer,
  npmLicenseAnalyzer, pythonLicenseAnalyzer, gemspecLicenseAnalyzer, composerLicenseAnalyzer, cargoLicenseAnalyzer, nuspecLicenseAnalyzer,
  licenseFileAnalyzer, licenseHeaderAnalyzer,
];

/**
 * Dependency files Vigil recognises but cannot analyze yet. A scan names each one it meets in a
 * note, so that a gate never passes in silence on a project it did not read.
 */
export const PLANNED_FORMATS: readonly { type: string; fileNames: readonly string[] }[] = [
  { type: 'jar', fileNames: ['*.jar', '*.war', '*.ear', '*.par'] },
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

/**
 * The claimed files that read `path` as a sibling (a lockfile beside an edited package.json, the
 * other .tf files of a folder beside an edited .tf or .tfvars file). Claimed names with a `*` are
 * found among `known` paths (the files already analyzed), as no folder listing is at hand.
 */
export function filesReading(path: string, registry: readonly Analyzer[] = ANALYZERS, known: Iterable<string> = []): string[] {
  const name = baseName(path);
  const dir = path.slice(0, path.length - name.length);
  const found = new Set<string>();
  const knownHere = [...known].filter(file => file !== path && file.startsWith(dir) && !file.slice(dir.length).includes('/'));
  for (const analyzer of registry) {
    if (!analyzer.siblings?.some(sibling => nameMatches(sibling, name))) continue;
    for (const fileName of analyzer.fileNames) {
      if (!fileName.includes('*')) found.add(dir + fileName);
      else for (const file of knownHere) if (nameMatches(fileName, baseName(file))) found.add(file);
    }
  }
  found.delete(path);
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

/** The ecosystems the analyzers report packages of that have advisories: what a new DB downloads. */
export function supportedEcosystems(registry: readonly Analyzer[] = ANALYZERS): Ecosystem[] {
  const ecosystems = registry.flatMap(analyzer => (analyzer.ecosystem && hasAdvisorySource(analyzer.ecosystem) ? [analyzer.ecosystem] : []));
  return [...new Set(ecosystems)].sort();
}

/** Every file name an analyzer claims or a sibling it reads: what the editor watches and activates on. */
export function watchedFileNames(registry: readonly Analyzer[] = ANALYZERS): string[] {
  return [...new Set(registry.flatMap(analyzer => [...analyzer.fileNames, ...analyzer.siblings ?? []]))];
}
