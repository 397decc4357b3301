// Corpus-wide cross-check: osv.dev enumerates `affected[].versions` by evaluating each record's
// ranges with its own comparators. Evaluating the ranges alone here must list the same versions,
// which checks the comparators and the range walk against osv.dev on ~190,000 real versions.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { baseEcosystem } from '../ecosystems';
import type { OsvRecord } from '../osv';
import { isValidVersion } from '../versions';
import { matchAdvisory, versionsBeyondRanges } from './affected';
import { corpusOrSkip } from '../../../../test/helpers/corpus';

let OSV_DIR: string;

/**
 * Listed versions the ranges do not cover, each for a reason in the data, not in the matcher:
 * enumerated from a GIT range (gevent), from overlapping intervals the schema's walk closes
 * (wagtail: introduced 0 / fixed 2.11.6 inside introduced 2.11 / fixed 2.11.7), or prereleases
 * below the `introduced` release (django 3.2a1 < 3.2).
 */
const KNOWN_DATA_GAPS = [
  'PYSEC-2021-114 wagtail 2.11.6',
  'PYSEC-2023-177 gevent 23.9.0',
  'PYSEC-2023-177 gevent 23.9.0.post1',
  'PYSEC-2023-61 django 3.2a1',
  'PYSEC-2023-61 django 3.2b1',
  'PYSEC-2023-61 django 3.2rc1',
  'PYSEC-2023-61 django 4.2a1',
  'PYSEC-2023-61 django 4.2b1',
  'PYSEC-2023-61 django 4.2rc1',
];

function skipWithoutCorpus(this: Mocha.Context): void {
  OSV_DIR = corpusOrSkip(this, 'vuln/advisories/osv');
}

describe('matchAdvisory agrees with osv.dev version enumerations (corpus)', function () {
  before(skipWithoutCorpus);

  for (const folder of ['npm', 'PyPI', 'Go', 'RubyGems', 'Maven', 'NuGet', 'Packagist']) {
    it(`${folder}: every enumerated version is inside the record's ranges`, function () {
      const files = unzipSync(fs.readFileSync(path.join(OSV_DIR, folder, 'all.zip')));
      const gaps: string[] = [];
      let checked = 0;
      for (const data of Object.values(files)) {
        const osv = JSON.parse(strFromU8(data)) as OsvRecord;
        if (osv.withdrawn) continue;
        for (const entry of osv.affected ?? []) {
          const ecosystem = entry.package && baseEcosystem(entry.package.ecosystem);
          if (!ecosystem || !(entry.ranges ?? []).some((r) => r.type !== 'GIT')) continue;
          const rangesOnly = { ...osv, affected: [{ ...entry, versions: [] }] };
          for (const version of entry.versions ?? []) {
            if (!isValidVersion(ecosystem, version)) continue;
            checked++;
            if (!matchAdvisory(rangesOnly, ecosystem, entry.package!.name, version)) {
              gaps.push(`${osv.id} ${entry.package!.name} ${version}`);
            }
          }
        }
      }
      assert.ok(checked > 0);
      assert.deepEqual(gaps.sort(), folder === 'PyPI' ? KNOWN_DATA_GAPS : []);
    });
  }
});

describe('versionsBeyondRanges keeps every match answer (corpus)', function () {
  this.timeout(60_000);
  before(skipWithoutCorpus);

  for (const folder of ['npm', 'PyPI', 'Go', 'crates.io', 'RubyGems', 'Maven', 'NuGet', 'Packagist']) {
    it(`${folder}: the trimmed lists give the same result for every listed, boundary and odd version`, function () {
      const files = unzipSync(fs.readFileSync(path.join(OSV_DIR, folder, 'all.zip')));
      const differences: string[] = [];
      let checked = 0;
      let dropped = 0;
      for (const data of Object.values(files)) {
        const osv = JSON.parse(strFromU8(data)) as OsvRecord;
        for (const entry of osv.affected ?? []) {
          const ecosystem = entry.package && baseEcosystem(entry.package.ecosystem);
          if (!ecosystem) continue;
          const name = entry.package!.name;
          const own = osv.affected!.filter(a => a.package?.name === name && baseEcosystem(a.package.ecosystem) === ecosystem);
          const trimmed = { ...osv, affected: versionsBeyondRanges(own, ecosystem) };
          const whole = { ...osv, affected: own };
          dropped += own.reduce((n, a) => n + (a.versions?.length ?? 0), 0) - trimmed.affected.reduce((n, a) => n + (a.versions?.length ?? 0), 0);
          const probes = new Set(['0', 'not-a-version', '999999.0.0']);
          for (const a of own) {
            for (const v of a.versions ?? []) probes.add(v);
            for (const r of a.ranges ?? []) for (const e of r.events) for (const v of Object.values(e)) probes.add(String(v));
          }
          for (const version of probes) {
            checked++;
            const a = JSON.stringify(matchAdvisory(whole, ecosystem, name, version));
            const b = JSON.stringify(matchAdvisory(trimmed, ecosystem, name, version));
            if (a !== b) differences.push(`${osv.id} ${name} ${version}: ${a} vs ${b}`);
          }
        }
      }
      console.log(`      ${folder}: ${checked} answers compared, ${dropped} listed versions left to the ranges`);
      assert.ok(checked > 0);
      assert.deepEqual(differences.slice(0, 20), []);
    });
  }
});
