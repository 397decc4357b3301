// Package digests as lockfiles record them, turned into hex digests under CycloneDX's names.
import type { PackageHash } from './types';

const SRI_ALGORITHMS: Record<string, PackageHash['algorithm']> = { sha1: 'SHA-1', sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };
const DIGEST_BYTES: Record<PackageHash['algorithm'], number> = { MD5: 16, 'SHA-1': 20, 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };

/**
 * The digests of a Subresource Integrity string (npm's `integrity`: `sha512-BASE64`, several
 * separated by spaces), hex-encoded; undefined when it holds none Vigil knows.
 */
export function sriHashes(integrity: unknown): PackageHash[] | undefined {
  if (typeof integrity !== 'string' || integrity.length > 4096) return undefined;
  let hashes: PackageHash[] | undefined;
  // Read by hand: a lockfile has one per package, and split, a regex and Buffer per token were a
  // tenth of an npm lockfile's analysis.
  let at = 0;
  for (;;) {
    while (at < integrity.length && isSpace(integrity.charCodeAt(at))) at++;
    if (at === integrity.length) return hashes;
    const dash = integrity.indexOf('-', at);
    // npm writes sha512 only: named without cutting and lowercasing a copy of the name.
    const algorithm = integrity.startsWith('sha512-', at) ? 'SHA-512' : dash === -1 ? undefined : SRI_ALGORITHMS[integrity.slice(at, dash).toLowerCase()];
    if (algorithm) {
      const digest = readBase64(integrity, dash + 1);
      const next = integrity.charCodeAt(digest.end);
      // An SRI option (`?opt`) may follow the digest; anything else spoils the token.
      const tokenEnds = digest.end === integrity.length || next === QUESTION_MARK || isSpace(next);
      if (tokenEnds && digest.bytes === DIGEST_BYTES[algorithm] && !hashes?.some(h => h.algorithm === algorithm)) {
        const hash: PackageHash = { algorithm, value: DECODED.toString('hex', 0, digest.bytes) };
        // A one-element literal: push onto `[]` reserves room for 16, the most of each package's hashes' memory.
        if (hashes) hashes.push(hash);
        else hashes = [hash];
      }
      at = digest.end;
    }
    while (at < integrity.length && !isSpace(integrity.charCodeAt(at))) at++;
  }
}

const QUESTION_MARK = 0x3f;
const EQUALS = 0x3d;

function isSpace(char: number): boolean {
  return char === 0x20 || (char >= 0x09 && char <= 0x0d) || (char >= 0xa0 && isUnicodeSpace(char));
}

function isUnicodeSpace(char: number): boolean {
  return char === 0xa0 || char === 0xfeff || char === 0x1680 || (char >= 0x2000 && char <= 0x200a) || char === 0x2028
    || char === 0x2029 || char === 0x202f || char === 0x205f || char === 0x3000;
}

/** Base64 digit values by character code; -1 for what is not one. */
const BASE64_VALUES = (() => {
  const values = new Int8Array(128).fill(-1);
  const digits = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < digits.length; i++) values[digits.charCodeAt(i)] = i;
  return values;
})();
/** Where readBase64 decodes to: the longest digest Vigil knows, and one byte to tell a longer one. */
const DECODED = Buffer.alloc(65);

/**
 * Decodes the base64 digits from `start` into DECODED, then skips up to two `=`: gives the byte
 * count (more than 64 for a digest longer than any Vigil knows) and where the digits end. Trailing
 * bits that make no whole byte are dropped, as Node's base64 decoder does.
 */
function readBase64(text: string, start: number): { bytes: number; end: number } {
  let bytes = 0;
  let at = start;
  // Whole groups of four digits first, three bytes each: a third of the steps of the loop below,
  // which was most of reading an npm lockfile's integrity strings. It stops short of DECODED's end.
  for (; at + 4 <= text.length && bytes + 3 < DECODED.length; at += 4) {
    const a = text.charCodeAt(at);
    const b = text.charCodeAt(at + 1);
    const c = text.charCodeAt(at + 2);
    const d = text.charCodeAt(at + 3);
    if ((a | b | c | d) >= 128) break;
    const group = (BASE64_VALUES[a] << 18) | (BASE64_VALUES[b] << 12) | (BASE64_VALUES[c] << 6) | BASE64_VALUES[d];
    if (group < 0) break; // a -1 (not a digit) sets the sign bit
    DECODED[bytes] = group >> 16;
    DECODED[bytes + 1] = group >> 8;
    DECODED[bytes + 2] = group;
    bytes += 3;
  }
  let bits = 0;
  let pending = 0;
  for (; at < text.length; at++) {
    const char = text.charCodeAt(at);
    const value = char < 128 ? BASE64_VALUES[char] : -1;
    if (value === -1) break;
    bits = ((bits << 6) | value) & 0xffffff;
    pending += 6;
    if (pending >= 8) {
      pending -= 8;
      if (bytes < DECODED.length) DECODED[bytes] = (bits >> pending) & 0xff;
      bytes++;
    }
  }
  if (text.charCodeAt(at) === EQUALS) at++;
  if (text.charCodeAt(at) === EQUALS) at++;
  return { bytes, end: at };
}

const HEX = /^[0-9a-fA-F]+$/;

/** A hex digest (Cargo's `checksum`, Composer's `shasum`, pub's `sha256`), when it has the algorithm's length. */
export function hexHashes(algorithm: PackageHash['algorithm'], digest: unknown): PackageHash[] | undefined {
  if (typeof digest !== 'string' || digest.length !== 2 * DIGEST_BYTES[algorithm] || !HEX.test(digest)) return undefined;
  return [{ algorithm, value: digest.toLowerCase() }];
}

/** A base64 digest (NuGet's `contentHash`, SHA-512), hex-encoded, when it has the algorithm's length. */
export function base64Hashes(algorithm: PackageHash['algorithm'], digest: unknown): PackageHash[] | undefined {
  if (typeof digest !== 'string' || digest.length > 4096) return undefined;
  const decoded = readBase64(digest, 0);
  if (decoded.end !== digest.length || decoded.bytes !== DIGEST_BYTES[algorithm]) return undefined;
  return [{ algorithm, value: DECODED.toString('hex', 0, decoded.bytes) }];
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
export function releaseHashes<Wheel>(sdist: PackageHash[] | undefined, wheels: readonly Wheel[], hashesOf: (wheel: Wheel) => PackageHash[] | undefined): PackageHash[] | undefined {
  if (sdist) return sdist;
  // A wheel's digests are read only when no file before it has one: a release may list dozens.
  for (const wheel of wheels) {
    const hashes = hashesOf(wheel);
    if (hashes) return hashes;
  }
  return undefined;
}
