// Package URLs (https://github.com/package-url/purl-spec) for every OSV ecosystem Vigil knows.
// Output follows the purl spec and matches what Trivy writes in its reports (lowercased npm,
// PyPI, Pub, Hex, Composer and Go names, the spec's rule for each of those types; `@scope` as an
// encoded npm namespace; a Swift package's repository host and owner as its namespace, case kept;
// OS package qualifiers sorted by key).
import { normalizePackageName } from './ecosystems';
import type { Ecosystem } from './types';
import { compareStrings } from './text';

/** The purl type for each OSV ecosystem. */
export const PURL_TYPES: Readonly<Record<Ecosystem, string>> = {
  npm: 'npm',
  PyPI: 'pypi',
  Go: 'golang',
  'crates.io': 'cargo',
  Maven: 'maven',
  RubyGems: 'gem',
  NuGet: 'nuget',
  Packagist: 'composer',
  Pub: 'pub',
  Hex: 'hex',
  SwiftURL: 'swift',
  ConanCenter: 'conan',
  Julia: 'julia',
  CocoaPods: 'cocoapods',
  Debian: 'deb',
  Alpine: 'apk',
  'Red Hat': 'rpm',
};

export interface PurlOptions {
  /**
   * Overrides the namespace worked out from the name. OS packages need it for the distro
   * vendor (`ubuntu` rather than the default `debian`, `centos` rather than `redhat`).
   */
  namespace?: string;
  /** Qualifiers such as `arch`, `distro`, `epoch`. Empty values are left out. */
  qualifiers?: Record<string, string | undefined>;
}

/**
 * The purl of one package, e.g. `pkg:npm/%40babel/core@7.0.0`, `pkg:pypi/zope-interface@5.4.0`,
 * `pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1`.
 * `name` is the package name as the ecosystem spells it (Maven `group:artifact`, npm `@scope/name`,
 * Go module path, Composer `vendor/name`). An empty version gives a purl without `@version`.
 */
export function buildPurl(ecosystem: Ecosystem, name: string, version: string, options: PurlOptions = {}): string {
  const type = PURL_TYPES[ecosystem];
  // A CocoaPods subspec (`AppCenter/Analytics`) is the pod's subpath, as the purl spec has it.
  const subspec = ecosystem === 'CocoaPods' ? name.indexOf('/') : -1;
  const subpath = subspec === -1 ? '' : name.slice(subspec + 1);
  let [namespace, shortName] = splitName(ecosystem, subspec === -1 ? name : name.slice(0, subspec));
  if (options.namespace !== undefined) namespace = options.namespace;

  let purl = `pkg:${type}/`;
  if (namespace) purl += namespace.split('/').map(encodeSegment).join('/') + '/';
  purl += encodeSegment(shortName);
  if (version) purl += '@' + encodeSegment(version);

  const qualifiers = Object.entries(options.qualifiers ?? {})
    .filter((entry): entry is [string, string] => !!entry[1])
    .sort(([a], [b]) => compareStrings(a, b));
  if (qualifiers.length > 0) {
    purl += '?' + qualifiers.map(([key, value]) => `${key.toLowerCase()}=${encodeSegment(value)}`).join('&');
  }
  if (subpath) purl += '#' + subpath.split('/').map(encodeSegment).join('/');
  return purl;
}

/** Splits a package name into the purl namespace and name, applying each type's case rules. */
function splitName(ecosystem: Ecosystem, name: string): [string, string] {
  switch (ecosystem) {
    case 'npm':
    case 'Packagist':
    case 'Go':
    case 'SwiftURL':
      return splitAtLastSlash(ecosystem === 'SwiftURL' ? name : name.toLowerCase());
    case 'Maven': {
      const colon = name.indexOf(':');
      return colon === -1 ? ['', name] : [name.slice(0, colon), name.slice(colon + 1)];
    }
    case 'PyPI':
      return ['', normalizePackageName('PyPI', name)];
    case 'Pub':
    case 'Hex':
      return ['', name.toLowerCase()];
    case 'Debian':
      return ['debian', name];
    case 'Alpine':
      return ['alpine', name.toLowerCase()];
    case 'Red Hat':
      return ['redhat', name];
    default:
      return ['', name];
  }
}

function splitAtLastSlash(name: string): [string, string] {
  const slash = name.lastIndexOf('/');
  return slash === -1 ? ['', name] : [name.slice(0, slash), name.slice(slash + 1)];
}

/** Characters that encodeSegment leaves as they are. */
const NOTHING_TO_ENCODE = /^[A-Za-z0-9._~:-]*$/;

/** Percent-encodes everything but unreserved characters and `:` (the spec allows a bare colon). */
function encodeSegment(text: string): string {
  if (NOTHING_TO_ENCODE.test(text)) return text; // most names and versions: skips three string rewrites
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
    .replace(/%3A/g, ':');
}
