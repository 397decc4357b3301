// Per-ecosystem naming rules shared by the analyzers, the DB index and the matcher.
import type { Ecosystem } from './types';

export const ECOSYSTEMS: readonly Ecosystem[] = [
  'npm', 'PyPI', 'Go', 'crates.io', 'Maven', 'RubyGems', 'NuGet', 'Packagist',
  'Pub', 'Hex', 'SwiftURL', 'ConanCenter', 'Debian', 'Alpine', 'Red Hat',
];

/**
 * The OSV ecosystem without its release suffix: `Alpine:v3.10` -> `Alpine`, `Debian:10` -> `Debian`.
 * Returns undefined for ecosystems Vigil does not know.
 */
export function baseEcosystem(osvEcosystem: string): Ecosystem | undefined {
  const base = osvEcosystem.split(':')[0];
  return (ECOSYSTEMS as readonly string[]).includes(base) ? (base as Ecosystem) : undefined;
}

/**
 * The key a package name is indexed and compared under. PyPI names compare by PEP 503
 * normalisation; NuGet and Packagist names are case-insensitive; the rest are exact.
 */
export function normalizePackageName(ecosystem: Ecosystem, name: string): string {
  switch (ecosystem) {
    case 'PyPI':
      return name.toLowerCase().replace(/[-_.]+/g, '-');
    case 'NuGet':
    case 'Packagist':
      return name.toLowerCase();
    default:
      return name;
  }
}
