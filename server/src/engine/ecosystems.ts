// Per-ecosystem naming rules shared by the analyzers, the DB index and the matcher.
import type { Ecosystem } from './types';

/** The ecosystems OSV publishes advisories for (`<Ecosystem>/all.zip`), that Vigil reads. */
export const ECOSYSTEMS: readonly Ecosystem[] = [
  'npm', 'PyPI', 'Go', 'crates.io', 'Maven', 'RubyGems', 'NuGet', 'Packagist',
  'Pub', 'Hex', 'SwiftURL', 'ConanCenter', 'Julia', 'Debian', 'Alpine', 'Red Hat',
];

/**
 * Ecosystems whose packages Vigil reports with no advisory source to check them against (OSV has
 * no CocoaPods ecosystem): never fetched for the DB, and a scan says its packages went unchecked.
 */
export const INVENTORY_ONLY_ECOSYSTEMS: readonly Ecosystem[] = ['CocoaPods'];

/** Whether advisories exist for an ecosystem's packages (it is not inventory-only). */
export function hasAdvisorySource(ecosystem: Ecosystem): boolean {
  return !INVENTORY_ONLY_ECOSYSTEMS.includes(ecosystem);
}

/**
 * The OSV ecosystem without its release suffix: `Alpine:v3.10` -> `Alpine`, `Debian:10` -> `Debian`.
 * Returns undefined for ecosystems Vigil does not know.
 */
export function baseEcosystem(osvEcosystem: string): Ecosystem | undefined {
  const base = osvEcosystem.split(':')[0];
  return (ECOSYSTEMS as readonly string[]).includes(base) ? (base as Ecosystem) : undefined;
}

/**
 * Whether a PyPI name is already PEP 503 normal: lowercase ASCII letters and digits, with single
 * `-` between them. Most names are; checking costs less than lowercasing and a replace per name.
 */
function isNormalPypiName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if ((code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39)) continue;
    if (code !== 0x2d) return false;
    const next = name.charCodeAt(i + 1);
    if (next === 0x2d || next === 0x5f || next === 0x2e) return false; // a run of separators
  }
  return true;
}

/**
 * The key a package name is indexed and compared under. PyPI names compare by PEP 503
 * normalisation; NuGet and Packagist names are case-insensitive; the rest are exact.
 */
export function normalizePackageName(ecosystem: Ecosystem, name: string): string {
  switch (ecosystem) {
    case 'PyPI':
      return isNormalPypiName(name) ? name : name.toLowerCase().replace(/[-_.]+/g, '-');
    case 'NuGet':
    case 'Packagist':
      return name.toLowerCase();
    default:
      return name;
  }
}
