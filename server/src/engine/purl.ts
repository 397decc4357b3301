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
  if (ecosystem === 'npm' && options.namespace === undefined && !options.qualifiers) {
    const plain = plainNpmPurl(name, version);
    if (plain) return plain;
  }
  const type = PURL_TYPES[ecosystem];
  // A CocoaPods subspec (`AppCenter/Analytics`) is the pod's subpath, as the purl spec has it.
  const subspec = ecosystem === 'CocoaPods' ? name.indexOf('/') : -1;
  const subpath = subspec === -1 ? '' : name.slice(subspec + 1);
  let [namespace, shortName] = splitName(ecosystem, subspec === -1 ? name : name.slice(0, subspec));
  if (options.namespace !== undefined) namespace = options.namespace;

  let purl = `pkg:${type}/`;
  if (namespace) purl += encodeSegments(namespace) + '/';
  purl += encodeSegment(shortName);
  if (version) purl += '@' + encodeSegment(version);

  // Lockfile packages have no qualifiers: the entries, filter and sort only run for those that do.
  if (options.qualifiers) {
    const qualifiers = Object.entries(options.qualifiers)
      .filter((entry): entry is [string, string] => !!entry[1])
      .sort(([a], [b]) => compareStrings(a, b));
    if (qualifiers.length > 0) {
      purl += '?' + qualifiers.map(([key, value]) => `${key.toLowerCase()}=${encodeSegment(value)}`).join('&');
    }
  }
  if (subpath) purl += '#' + encodeSegments(subpath);
  return purl;
}

/** An npm name with nothing to encode but its scope's `@` (`name`, `@scope/name`): one test instead of a split and three. */
const PLAIN_NPM_NAME = /^(?:@[A-Za-z0-9._~:-]+\/)?[A-Za-z0-9._~:-]+$/;

/**
 * What the general path gives for such a name and a version with nothing to encode, built in one
 * step: npm lockfiles have a thousand packages or more. Undefined for any other name or version.
 */
function plainNpmPurl(name: string, version: string): string | undefined {
  if (!version || !PLAIN_NPM_NAME.test(name) || !NOTHING_TO_ENCODE.test(version)) return undefined;
  const lowered = name.toLowerCase();
  return lowered.charCodeAt(0) === AT_SIGN ? `pkg:npm/%40${lowered.slice(1)}@${version}` : `pkg:npm/${lowered}@${version}`;
}

const AT_SIGN = 0x40;

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

/** Each `/`-separated segment encoded, the slashes kept. */
function encodeSegments(path: string): string {
  return NOTHING_TO_ENCODE_IN_PATH.test(path) ? path : path.split('/').map(encodeSegment).join('/');
}

/** Paths whose segments encodeSegment leaves as they are: `github.com/gin-gonic`. */
const NOTHING_TO_ENCODE_IN_PATH = /^[A-Za-z0-9._~:/-]*$/;

/** Percent-encodes everything but unreserved characters and `:` (the spec allows a bare colon). */
function encodeSegment(text: string): string {
  if (NOTHING_TO_ENCODE.test(text)) return text; // most names and versions: skips three string rewrites
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
    .replace(/%3A/g, ':');
}

/** A purl taken apart, each part percent-decoded; type and qualifier keys lowercased. */
export interface PurlParts {
  type: string;
  namespace: string;
  name: string;
  version?: string;
  qualifiers: Map<string, string>;
  subpath?: string;
}

/**
 * Takes a purl apart, or undefined when it is not one. Cut by hand at the first `#` (subpath) and
 * `?` (qualifiers): purls come from files others wrote (ignore files, SBOMs, VEX documents).
 */
export function parsePurl(purl: string): PurlParts | undefined {
  const text = purl.trim();
  if (!text.startsWith('pkg:')) return undefined;
  const hash = text.indexOf('#');
  const withoutSubpath = hash === -1 ? text : text.slice(0, hash);
  const question = withoutSubpath.indexOf('?');
  const query = question === -1 ? '' : withoutSubpath.slice(question + 1);
  // The spec allows `pkg://type/...`: slashes after the scheme are not part of the type.
  let body = (question === -1 ? withoutSubpath : withoutSubpath.slice(0, question)).slice('pkg:'.length);
  while (body.startsWith('/')) body = body.slice(1);
  const typeEnd = body.indexOf('/');
  if (typeEnd <= 0 || typeEnd === body.length - 1) return undefined;
  const type = body.slice(0, typeEnd);
  const rest = body.slice(typeEnd + 1);
  const at = rest.lastIndexOf('@');
  const nameAndNamespace = at >= 0 ? rest.slice(0, at) : rest;
  const version = at >= 0 ? decodePart(rest.slice(at + 1)) : undefined;
  const slash = nameAndNamespace.lastIndexOf('/');
  const qualifiers = new Map<string, string>();
  for (const part of query.split('&').filter(Boolean)) {
    const equals = part.indexOf('=');
    const key = equals === -1 ? part : part.slice(0, equals);
    qualifiers.set(key.toLowerCase(), decodePart(equals === -1 ? '' : part.slice(equals + 1)));
  }
  const name = decodePart(slash >= 0 ? nameAndNamespace.slice(slash + 1) : nameAndNamespace);
  if (!name) return undefined;
  return {
    type: type.toLowerCase(),
    namespace: decodePart(slash >= 0 ? nameAndNamespace.slice(0, slash) : ''),
    name,
    version,
    qualifiers,
    subpath: hash === -1 ? undefined : decodePart(text.slice(hash + 1)),
  };
}

/** Percent-decoding that keeps a malformed escape (`%zz`) as it is instead of throwing. */
function decodePart(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Whether `general` covers `specific`: type, namespace and name agree, and the version and each
 * qualifier of `general`, where it gives them. A purl without a version covers every version.
 */
export function purlMatches(general: string, specific: string): boolean {
  const want = parsePurl(general);
  const have = parsePurl(specific);
  if (!want || !have) return false;
  if (want.type !== have.type || want.namespace !== have.namespace || want.name !== have.name) return false;
  if (want.version !== undefined && want.version !== have.version) return false;
  for (const [key, value] of want.qualifiers) {
    if (have.qualifiers.get(key) !== value) return false;
  }
  return true;
}

/** The purl type -> OSV ecosystem, for reading purls back (SBOMs). */
const ECOSYSTEM_BY_PURL_TYPE: ReadonlyMap<string, Ecosystem> = new Map(
  (Object.entries(PURL_TYPES) as [Ecosystem, string][]).map(([ecosystem, type]) => [type, ecosystem]),
);

/** A package named by a purl, as Vigil names it: the ecosystem and the name the way the ecosystem spells it. */
export interface PurlPackage {
  ecosystem: Ecosystem;
  name: string;
  version: string;
}

/**
 * The ecosystem, name and version a purl names, or undefined for a purl type Vigil has no
 * ecosystem for (`pkg:conda/...`, `pkg:oci/...`). The inverse of buildPurl: Maven's namespace is
 * the group (`group:artifact`), npm's the scope, Go's and Composer's the path before the name.
 */
export function packageOfPurl(purl: string | PurlParts): PurlPackage | undefined {
  const parts = typeof purl === 'string' ? parsePurl(purl) : purl;
  if (!parts) return undefined;
  const ecosystem = ECOSYSTEM_BY_PURL_TYPE.get(parts.type);
  if (!ecosystem) return undefined;
  let name = parts.name;
  if (parts.namespace) {
    if (ecosystem === 'Maven') name = `${parts.namespace}:${parts.name}`;
    else if (ecosystem === 'npm' || ecosystem === 'Go' || ecosystem === 'Packagist' || ecosystem === 'SwiftURL') name = `${parts.namespace}/${parts.name}`;
  }
  return { ecosystem, name, version: parts.version ?? '' };
}
