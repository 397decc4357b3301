// Package digests as lockfiles record them, turned into hex digests under CycloneDX's names.
import type { PackageHash } from './types';

const SRI_ALGORITHMS: Record<string, PackageHash['algorithm']> = { sha1: 'SHA-1', sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const DIGEST_BYTES: Record<PackageHash['algorithm'], number> = { MD5: 16, 'SHA-1': 20, 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };

/**
 * The digests of a Subresource Integrity string (npm's `integrity`: `sha512-BASE64`, several
 * separated by spaces), hex-encoded; undefined when it holds none Vigil knows.
 */
export function sriHashes(integrity: unknown): PackageHash[] | undefined {
  if (typeof integrity !== 'string' || integrity.length > 4096) return undefined;
  const hashes: PackageHash[] = [];
  for (const token of integrity.split(/\s+/)) {
    const dash = token.indexOf('-');
    const algorithm = SRI_ALGORITHMS[token.slice(0, dash).toLowerCase()];
    // An SRI option (`?opt`) may follow the digest.
    const digest = token.slice(dash + 1).split('?')[0];
    if (!algorithm || !BASE64.test(digest) || hashes.some(h => h.algorithm === algorithm)) continue;
    const bytes = Buffer.from(digest, 'base64');
    if (bytes.length === DIGEST_BYTES[algorithm]) hashes.push({ algorithm, value: bytes.toString('hex') });
  }
  return hashes.length > 0 ? hashes : undefined;
}

const HEX = /^[0-9a-fA-F]+$/;

/** A hex digest (Cargo's `checksum`, Composer's `shasum`, pub's `sha256`), when it has the algorithm's length. */
export function hexHashes(algorithm: PackageHash['algorithm'], digest: unknown): PackageHash[] | undefined {
  if (typeof digest !== 'string' || digest.length !== 2 * DIGEST_BYTES[algorithm] || !HEX.test(digest)) return undefined;
  return [{ algorithm, value: digest.toLowerCase() }];
}

/** A base64 digest (NuGet's `contentHash`, SHA-512), hex-encoded, when it has the algorithm's length. */
export function base64Hashes(algorithm: PackageHash['algorithm'], digest: unknown): PackageHash[] | undefined {
  if (typeof digest !== 'string' || digest.length > 4096 || !BASE64.test(digest)) return undefined;
  const bytes = Buffer.from(digest, 'base64');
  return bytes.length === DIGEST_BYTES[algorithm] ? [{ algorithm, value: bytes.toString('hex') }] : undefined;
}

/** `{ hashes }` to spread into a package, or nothing when none is known. */
export function optionalHashes(hashes: PackageHash[] | undefined): { hashes?: PackageHash[] } {
  return hashes ? { hashes } : {};
}

const NAMED_ALGORITHMS: Record<string, PackageHash['algorithm']> = { md5: 'MD5', sha1: 'SHA-1', sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };

/** A hex digest written `ALGORITHM:HEX`, pip's `--hash` form (Poetry, uv and Pipenv write it). */
export function prefixedHexHashes(value: unknown): PackageHash[] | undefined {
  if (typeof value !== 'string') return undefined;
  const colon = value.indexOf(':');
  const algorithm = NAMED_ALGORITHMS[value.slice(0, colon).toLowerCase()];
  return algorithm ? hexHashes(algorithm, value.slice(colon + 1)) : undefined;
}

/** A table of hex digests by algorithm name (pylock.toml's `hashes = {sha256 = "..."}`), one per algorithm. */
export function namedHexHashes(table: unknown): PackageHash[] | undefined {
  if (typeof table !== 'object' || table === null || Array.isArray(table)) return undefined;
  const hashes: PackageHash[] = [];
  for (const [name, digest] of Object.entries(table)) {
    const algorithm = NAMED_ALGORITHMS[name.toLowerCase()];
    const hash = algorithm ? hexHashes(algorithm, digest) : undefined;
    if (hash && !hashes.some(known => known.algorithm === algorithm)) hashes.push(...hash);
  }
  return hashes.length > 0 ? hashes : undefined;
}

/**
 * The hashes of a Python release, of the files its lockfile lists for it (one sdist, wheels per
 * platform): CycloneDX keeps one hash per algorithm for a component, so one file stands for the
 * release. The sdist's where it is listed: a release has at most one, whatever platform installs
 * it. Else the first wheel's that has a known digest, in the lockfile's order, so that the choice
 * is the lockfile's and never the scanning machine's.
 */
export function releaseHashes(sdist: PackageHash[] | undefined, wheels: readonly (PackageHash[] | undefined)[]): PackageHash[] | undefined {
  return sdist ?? wheels.find(hashes => hashes !== undefined);
}
