// Converts Trivy's integration fixture DB (testdata/fixtures/db/*.yaml, trivy-db bucket/pairs form)
// into OSV records Vigil can import, so Trivy's goldens can be replayed against Vigil.
//
// Trivy picks a language package's severity from the data source's vendor severity (GHSA's, for
// the "GitHub Security Advisory *" buckets) before the record's own. The conversion writes that
// choice as GHSA's `database_specific.severity` and leaves the CVSS vectors out of `severity[]`,
// so that Vigil's own rule (CVSS first) reproduces Trivy's result on this data.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { OsvEvent, OsvRange, OsvRecord } from '../../server/src/engine/osv';
import { compareVersions } from '../../server/src/engine/versions';
import type { Ecosystem } from '../../server/src/engine/types';

interface Pair { key?: string; bucket?: string; value?: any; pairs?: Pair[] }

/** trivy-db bucket prefix -> OSV ecosystem, for the language ecosystems. */
const ECOSYSTEM_BY_PREFIX: Record<string, string> = {
  npm: 'npm', pip: 'PyPI', cargo: 'crates.io', go: 'Go', composer: 'Packagist', rubygems: 'RubyGems',
  nuget: 'NuGet', maven: 'Maven', pub: 'Pub', erlang: 'Hex', swift: 'SwiftURL', conan: 'ConanCenter',
};

const GHSA_SEVERITY = ['UNKNOWN', 'LOW', 'MODERATE', 'HIGH', 'CRITICAL'];

/**
 * `>= 1.0, < 1.2` or `<1.2.3` -> OSV events. Each `||` alternative is its own range. Maven
 * intervals as GitLab writes them (`[2.9.0,2.9.10.7)`, `(,1.2]`, several side by side) too.
 */
export function constraintToRanges(constraint: string): OsvRange[] {
  if (/^\s*[[(]/.test(constraint)) return intervalsToRanges(constraint);
  return constraint.split('||').map(alternative => {
    const events: OsvEvent[] = [];
    for (const [, op, version] of alternative.matchAll(/(>=|<=|>|<|=|==)?\s*([^\s,<>=]+)/g)) {
      if (op === '>=' || op === '>') events.push({ introduced: version });
      else if (op === '<') events.push({ fixed: version });
      else if (op === '<=') events.push({ last_affected: version });
      else events.push({ introduced: version }, { last_affected: version });
    }
    if (!events.some(e => e.introduced !== undefined)) events.unshift({ introduced: '0' });
    return { type: 'ECOSYSTEM', events };
  });
}

/** `[a,b)`, `(a,b]`, `(,b)`, `[a]`: one range each (an open lower end is read as closed). */
function intervalsToRanges(constraint: string): OsvRange[] {
  const ranges: OsvRange[] = [];
  for (const [, lower, upper, close] of constraint.matchAll(/[[(]\s*([^,\])]*?)\s*(?:,\s*([^\])]*?)\s*)?([\])])/g)) {
    const events: OsvEvent[] = [{ introduced: lower || '0' }];
    if (upper === undefined) events.push({ last_affected: lower });
    else if (upper) events.push(close === ')' ? { fixed: upper } : { last_affected: upper });
    ranges.push({ type: 'ECOSYSTEM', events });
  }
  return ranges;
}

/**
 * Trivy reports an advisory's PatchedVersions as the fix even where its VulnerableVersions end with
 * `<= X`: such a range ends at the lowest patched version at or above X (`<= 0.13.3` patched in 0.13.3,
 * as pub's http advisory says), as `fixed`, so that Vigil reports
 * the same fixed versions. Without such a patched version it stays `last_affected`.
 */
function patchedAfterLastAffected(range: OsvRange, patched: string[], ecosystem: Ecosystem): OsvRange {
  const last = range.events.findIndex(e => e.last_affected !== undefined);
  if (last === -1) return range;
  const bound = range.events[last].last_affected!;
  const next = patched.filter(v => compareVersions(ecosystem, v, bound) >= 0).sort((a, b) => compareVersions(ecosystem, a, b))[0];
  if (!next) return range;
  return { ...range, events: range.events.map((e, i) => (i === last ? { fixed: next } : e)) };
}

function readPairs(file: string): Pair[] {
  return parse(fs.readFileSync(file, 'utf8')) ?? [];
}

/** Every language advisory of the fixture DB, one OSV record per (ecosystem, package, ID). */
export function convertTrivyFixtureDb(dbDir: string): OsvRecord[] {
  const details = new Map<string, any>();
  for (const bucket of readPairs(path.join(dbDir, 'vulnerability.yaml'))) {
    for (const pair of bucket.pairs ?? []) details.set(pair.key!, pair.value);
  }
  const records: OsvRecord[] = [];
  /** Records named by an advisory's own ID (GHSA-...), which hold every package that ID affects, as OSV records do. */
  const byOwnId = new Map<string, OsvRecord>();
  for (const file of fs.readdirSync(dbDir).filter(f => f.endsWith('.yaml'))) {
    for (const source of readPairs(path.join(dbDir, file))) {
      const ecosystem = ECOSYSTEM_BY_PREFIX[(source.bucket ?? '').split('::')[0]];
      if (!ecosystem || !source.bucket?.includes('::')) continue;
      const isGhsa = source.bucket.includes('GitHub Security Advisory');
      for (const pkg of source.pairs ?? []) {
        for (const advisory of pkg.pairs ?? []) {
          const id = advisory.key!;
          const info = details.get(id) ?? {};
          const vulnerable: string[] = advisory.value?.VulnerableVersions ?? [];
          const patched: string[] = advisory.value?.PatchedVersions ?? [];
          const ranges = vulnerable.length
            ? vulnerable.flatMap(constraintToRanges).map(range => patchedAfterLastAffected(range, patched, ecosystem as Ecosystem))
            : [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, ...patched.map(fixed => ({ fixed }))] }];
          const vendorLevel = isGhsa ? info.VendorSeverity?.ghsa : undefined;
          const severity = vendorLevel !== undefined ? GHSA_SEVERITY[vendorLevel] : info.Severity;
          const affected = { package: { ecosystem, name: pkg.bucket! }, ranges };
          // A CVE is found as the alias of a record per package; any other ID is its record's own, as
          // Trivy's goldens report it (Vigil prefers a CVE alias over a record's ID, and has none here).
          const ownIdRecord = id.startsWith('CVE-') ? undefined : byOwnId.get(id);
          if (ownIdRecord) {
            ownIdRecord.affected!.push(affected);
            continue;
          }
          const record: OsvRecord = {
            id: id.startsWith('CVE-') ? `TRIVY-FIXTURE-${ecosystem}-${pkg.bucket}-${id}`.replace(/[^A-Za-z0-9.-]/g, '_') : id,
            aliases: id.startsWith('CVE-') ? [id] : [],
            modified: info.LastModifiedDate ?? '2020-01-01T00:00:00Z',
            published: info.PublishedDate,
            summary: info.Title,
            details: info.Description,
            affected: [affected],
            references: (info.References ?? []).map((url: string) => ({ type: 'WEB', url })),
            database_specific: severity ? { severity: severity === 'MEDIUM' ? 'MODERATE' : severity } : {},
          };
          records.push(record);
          if (!id.startsWith('CVE-')) byOwnId.set(id, record);
        }
      }
    }
  }
  return [...records, ...ubuntuRatings(records, details)];
}

const UBUNTU_WORDS = ['negligible', 'low', 'medium', 'high', 'critical'];

/**
 * Ubuntu's rating of each CVE the records name, where Trivy's fixture has one (`VendorSeverity.ubuntu`),
 * as the UBUNTU-CVE-... record that osv.dev publishes for it: the CVE in `upstream`, the word in `severity`.
 */
function ubuntuRatings(records: readonly OsvRecord[], details: ReadonlyMap<string, any>): OsvRecord[] {
  const cves = new Set(records.flatMap(record => record.aliases ?? []).filter(id => id.startsWith('CVE-')));
  return [...cves].flatMap(cve => {
    const level = details.get(cve)?.VendorSeverity?.ubuntu;
    if (typeof level !== 'number' || !UBUNTU_WORDS[level]) return [];
    return [{
      id: `UBUNTU-${cve}`, upstream: [cve], modified: details.get(cve).LastModifiedDate ?? '2020-01-01T00:00:00Z',
      severity: [{ type: 'Ubuntu', score: UBUNTU_WORDS[level] }],
      affected: [{ package: { ecosystem: 'Ubuntu:20.04:LTS', name: cve.toLowerCase() } }],
    }];
  });
}

/** Writes the converted records as a folder of OSV JSON files, ready for `vigil db import`. */
export function writeTrivyFixtureDb(dbDir: string, outDir: string): number {
  const records = convertTrivyFixtureDb(dbDir);
  fs.mkdirSync(outDir, { recursive: true });
  for (const record of records) fs.writeFileSync(path.join(outDir, `${record.id}.json`), JSON.stringify(record));
  return records.length;
}
