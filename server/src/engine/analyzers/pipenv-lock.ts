// Pipfile.lock: JSON with one object per category, each mapping a package name to its entry
// (`"version": "==2.21.0"`). `default` holds the production packages, `develop` the development
// ones; other keys besides `_meta` are pipenv's custom categories, installed only on request, so
// they count as dev too. An entry without a version (a VCS, path or editable install) is not a
// registry package and is left out.
//
// The lockfile records no graph and no direct dependencies: a package is direct when the Pipfile
// beside it names it in `[packages]` or `[dev-packages]`. Without a Pipfile nothing is direct.
import { prefixedHexHashes } from '../hashes';
import type { Analyzer, AnalyzerInput, AnalyzerOutput, PackageHash } from '../types';
import { locateMembersOfMembers, parseJson, stringEnd, type MemberSpans } from './json-offsets';
import { buildPackages, pypiKey, readPipfile, table, type LockEntry } from './python-common';

const MANIFEST = 'Pipfile';

export const pipenvLockAnalyzer: Analyzer = {
  id: 'pipenv-lock',
  type: 'pipenv',
  scanner: 'vuln',
  ecosystem: 'PyPI',
  fileNames: ['Pipfile.lock'],
  siblings: [MANIFEST],
  manifest: MANIFEST,
  inlineIgnores: false,
  trivyParser: 'python/pipenv',
  fixes: 'none',
  analyze: parsePipfileLock,
};

export function parsePipfileLock(input: AnalyzerInput): AnalyzerOutput {
  let root: unknown;
  try {
    root = parseJson(input.content);
  } catch (error) {
    throw new Error(`not a valid Pipfile.lock: ${(error as Error).message}`);
  }
  if (typeof root !== 'object' || root === null || Array.isArray(root)) throw new Error('not a valid Pipfile.lock: it must hold a JSON object');
  const declared = readPipfile(input.siblings?.get(MANIFEST));

  const entries: LockEntry[] = [];
  let spansOf: Map<string, MemberSpans> | undefined;
  for (const [category, packages] of Object.entries(root)) {
    if (category === '_meta' || typeof packages !== 'object' || packages === null || Array.isArray(packages)) continue;
    if (Object.keys(packages).length === 0) continue; // spares a pass over the text
    const dev = category !== 'default';
    spansOf ??= locateMembersOfMembers(input.content, []); // one pass for every category
    for (const [name, span] of spansOf.get(category) ?? []) {
      const { version, hashes } = table((packages as Record<string, unknown>)[name]);
      if (typeof version !== 'string') continue;
      const bare = version.replace(/^=+/, '');
      if (bare === '') continue;
      const key = declared && pypiKey(name);
      entries.push({
        name, version: bare, key: `${category}.${name}`, start: span.start, end: span.end,
        nameStart: span.start, nameEnd: stringEnd(input.content, span.start),
        direct: !!key && (declared!.production.has(key) || declared!.development.has(key)), dev, dependsOn: [],
        hashes: firstHashes(hashes),
      });
    }
  }
  // Categories in file order, so that positions are asked for in source order.
  entries.sort((a, b) => a.start - b.start);
  return { packages: buildPackages(entries, input.content, input.path) };
}

/**
 * Pipenv lists a release's hashes without their file names: the first Vigil knows stands for it
 * (see releaseHashes). The rest are not decoded, which was most of the analysis.
 */
function firstHashes(hashes: unknown): PackageHash[] | undefined {
  if (!Array.isArray(hashes)) return undefined;
  for (const hash of hashes) {
    const found = prefixedHexHashes(hash);
    if (found) return found;
  }
  return undefined;
}
