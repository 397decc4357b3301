// The manifests a developer edits (package.json, Cargo.toml, go.mod, pom.xml, ...): where each
// direct dependency is declared, and the edits that bump it or pin an indirect one. The editor
// summarises a lockfile's findings on these lines and offers these edits as quick-fixes; every
// format lives in its own file and is registered in MANIFEST_FORMATS below.
import { normalizePackageName } from '../ecosystems';
import { nameMatches } from '../analyzers';
import { baseName } from '../source';
import type { Ecosystem, FixStyle } from '../types';
import type { TextEditAt } from './edits';
import { cargoTomlManifest } from './cargoToml';
import { composerJsonManifest } from './composerJson';
import { csprojManifest } from './csproj';
import { gemfileManifest } from './gemfile';
import { goModManifest } from './goMod';
import { packageJsonManifest } from './packageJson';
import { packagesPropsManifest } from './packagesProps';
import { pipfileManifest } from './pipfile';
import { pomManifest } from './pom';
import { pyprojectTomlManifest } from './pyprojectToml';

/** One direct dependency as the manifest declares it. */
export interface ManifestDependency {
  /** The package name as the ecosystem's lockfile names it (`group:artifact` for Maven). */
  name: string;
  /** The version requirement as written (`^4.17.0`, `>=2.0,<3`); empty when the declaration names none. */
  spec: string;
  /** Where it is declared: `dependencies`, `devDependencies`, `dev-dependencies`, ... */
  section: string;
  /** Offsets of the whole declaration, for the line's squiggle. */
  offset: number;
  length: number;
}

/** Edits that raise a direct dependency, and the requirement they write. */
export interface BumpEdit {
  edits: TextEditAt[];
  spec: string;
}

/** Edits that force an indirect dependency, and the manifest field they write (`overrides`, `replace`). */
export interface OverrideEdit {
  edits: TextEditAt[];
  field: string;
}

export interface ManifestFormat {
  /** File names it reads, as analyzers name theirs (`package.json`, `*.csproj`). */
  fileNames: readonly string[];
  ecosystem: Ecosystem;
  /** Every direct dependency, in file order; empty when the text does not parse. */
  list(text: string): ManifestDependency[];
  /**
   * Edits that make the manifest require `version` of `name` (a name `list` gives), keeping the
   * manifest's own range style. Undefined when the declaration names no version it can raise.
   */
  bump(text: string, name: string, version: string): BumpEdit | undefined;
  /**
   * Why `bump` has no edit for declared dependency `name` where the version is not this file's to
   * raise (`its version is the property x, which this POM does not define ...`), for the editor to
   * say so; undefined when the file holds the version, or cannot tell.
   */
  whyNoBump?(text: string, name: string): string | undefined;
  /**
   * Whether declared dependency `name` takes its version from the workspace root's manifest
   * (Cargo's `serde = { workspace = true }`): its bump edits that manifest instead.
   */
  inheritsVersion?(text: string, name: string): boolean;
  /**
   * Edits that force indirect dependency `name` from `installed` to `version` with the ecosystem's
   * override mechanism; `style` is the lockfile analyzer's (npm, yarn and pnpm differ). Formats
   * without one leave this out.
   */
  override?(text: string, name: string, installed: string, version: string, style: FixStyle): OverrideEdit | undefined;
}

export const MANIFEST_FORMATS: readonly ManifestFormat[] = [
  packageJsonManifest,
  composerJsonManifest,
  csprojManifest,
  packagesPropsManifest,
  pomManifest,
  cargoTomlManifest,
  pyprojectTomlManifest,
  pipfileManifest,
  goModManifest,
  gemfileManifest,
];

/** The manifest format of a file, by its base name. */
export function manifestFormatFor(path: string): ManifestFormat | undefined {
  const name = baseName(path);
  return MANIFEST_FORMATS.find(format => format.fileNames.some(pattern => nameMatches(pattern, name)));
}

/**
 * The declaration of package `name` in a manifest, compared as the ecosystem compares names
 * (`Django` is `django` on PyPI); the first in file order when it is declared twice.
 */
export function declaredDependency(format: ManifestFormat, text: string, name: string): ManifestDependency | undefined {
  const wanted = normalizePackageName(format.ecosystem, name);
  return format.list(text).find(dependency => normalizePackageName(format.ecosystem, dependency.name) === wanted);
}
