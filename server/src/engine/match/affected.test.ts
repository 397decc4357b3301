import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { OsvRecord } from '../osv';
import type { Ecosystem } from '../types';
import { matchAdvisory, versionsBeyondRanges } from './affected';

const FIXTURES = path.resolve(__dirname, '../../../../test/fixtures/osv');

function record(id: string): OsvRecord {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, `${id}.json`), 'utf8')) as OsvRecord;
}

/** Asserts each version's outcome: null for unaffected, else the fixed versions. */
function expectMatches(osv: OsvRecord, ecosystem: Ecosystem, name: string, cases: Record<string, string[] | null>) {
  for (const [version, expected] of Object.entries(cases)) {
    const result = matchAdvisory(osv, ecosystem, name, version);
    assert.deepEqual(result && result.fixedVersions, expected, `${osv.id} ${name}@${version}`);
  }
}

describe('matchAdvisory on real OSV records', function () {
  it('GHSA-3787-6prv-h9w3 (npm undici): SEMVER ranges in two affected entries of one package unite', function () {
    expectMatches(record('GHSA-3787-6prv-h9w3'), 'npm', 'undici', {
      '0.0.1': ['5.28.3'],
      '5.28.2': ['5.28.3'],
      '5.28.3': null,
      '5.99.0': null,
      '6.0.0-rc.1': null,
      '6.0.0': ['6.6.1'],
      '6.6.0': ['6.6.1'],
      '6.6.1': null,
      '7.0.0': null,
    });
  });

  it('GHSA-chwr-hf3w-c984 (npm dat.gui): last_affected includes its own version and has no fix', function () {
    expectMatches(record('GHSA-chwr-hf3w-c984'), 'npm', 'dat.gui', {
      '0.5.0': [],
      '0.7.7': [],
      '0.7.8-beta': null,
      '0.7.8': null,
    });
  });

  it('GHSA-p8p7-x288-28g6 (npm): each affected entry only applies to its own package name', function () {
    const osv = record('GHSA-p8p7-x288-28g6');
    expectMatches(osv, 'npm', 'request', { '2.88.2': [], '2.88.3': null });
    expectMatches(osv, 'npm', '@cypress/request', { '2.88.12': ['3.0.0'], '3.0.0': null });
    expectMatches(osv, 'npm', 'Request', { '2.88.2': null });
    assert.equal(matchAdvisory(osv, 'PyPI', 'request', '2.88.2'), null);
  });

  it('PYSEC-2009-10 (PyPI zodb3): two intervals of one ECOSYSTEM range, PEP 440 prereleases at the edges', function () {
    expectMatches(record('PYSEC-2009-10'), 'PyPI', 'zodb3', {
      '3.7.9': null,
      '3.8.0b1': null,
      '3.8': ['3.8.3'],
      '3.8.1b4': ['3.8.3'],
      '3.8.3b1': ['3.8.3'],
      '3.8.3': null,
      '3.8.4': null,
      '3.9.0a1': ['3.9.0c2'],
      '3.9.0c1': ['3.9.0c2'],
      '3.9.0rc2': null,
      '3.9.0': null,
    });
  });

  it('PYSEC-2009-10: PyPI names match under PEP 503 normalisation', function () {
    expectMatches(record('PYSEC-2009-10'), 'PyPI', 'ZODB3', { '3.8.2': ['3.8.3'] });
  });

  it('PYSEC-2008-8 (PyPI paramiko): a legacy version counts through the explicit versions list only', function () {
    const osv = record('PYSEC-2008-8');
    expectMatches(osv, 'PyPI', 'paramiko', {
      '0.1-bulbasaur': [],
      '0.1-mewtwo': null,
      '1.7.1': ['1.7.2'],
      '1.7.2': null,
    });
    // Without the list, the ECOSYSTEM range cannot judge a version PEP 440 rejects.
    const rangesOnly = { ...osv, affected: osv.affected!.map((a) => ({ ...a, versions: [] })) };
    expectMatches(rangesOnly, 'PyPI', 'paramiko', { '0.1-bulbasaur': null, '1.0': ['1.7.2'] });
  });

  it('PYSEC-2012-1 (PyPI beaker): GIT ranges are ignored, the ECOSYSTEM range decides', function () {
    expectMatches(record('PYSEC-2012-1'), 'PyPI', 'beaker', {
      '1.6.4': ['1.6.5.post1'],
      '1.6.5': ['1.6.5.post1'],
      '1.6.5.post1': null,
      '1.7.0': null,
    });
  });

  it('GHSA-229r-pqp6-8w6g (RubyGems sprout, repository format): last_affected under Gem::Version order', function () {
    expectMatches(record('GHSA-229r-pqp6-8w6g'), 'RubyGems', 'sprout', {
      '0.7.246': [],
      '0.7.246.rc1': [],
      '0.7.247': null,
      '1.0.0': null,
    });
  });

  it('GO-2020-0004 (Go): pseudo-version bounds, with or without the leading v', function () {
    expectMatches(record('GO-2020-0004'), 'Go', 'github.com/nanobox-io/golang-nanoauth', {
      '0.0.0-20160722212128-ffffffffffff': null,
      'v0.0.0-20160722212129-ac0cc4484ad4': ['0.0.0-20200131131040-063a3fb69896'],
      '0.0.0-20190101000000-000000000000': ['0.0.0-20200131131040-063a3fb69896'],
      'v0.0.0-20200131131040-063a3fb69896': null,
      '0.1.0': null,
    });
  });

  it('GO-2021-0068 (Go toolchain): introduced "0" and a second interval opened at a prerelease', function () {
    expectMatches(record('GO-2021-0068'), 'Go', 'toolchain', {
      '1.0.0': ['1.14.14'],
      '1.14.13': ['1.14.14'],
      '1.14.14': null,
      '1.15.0-rc1': ['1.15.7'],
      '1.15.6': ['1.15.7'],
      '1.15.7': null,
      '1.16.0': null,
    });
  });

  it('RUSTSEC-2019-0004 (crates.io libp2p-core): multiple intervals in one SEMVER range', function () {
    expectMatches(record('RUSTSEC-2019-0004'), 'crates.io', 'libp2p-core', {
      '0.2.9': null,
      '0.3.0': ['0.7.1'],
      '0.7.0': ['0.7.1'],
      '0.7.1': null,
      '0.8.0-alpha': ['0.8.1'],
      '0.8.0': ['0.8.1'],
      '0.8.1': null,
    });
  });

  it('withdrawn records (RUSTSEC-2020-0053, GO-2022-0617) never match', function () {
    expectMatches(record('RUSTSEC-2020-0053'), 'crates.io', 'dirs', { '1.0.0': null, '0.0.1': null });
    expectMatches(record('GO-2022-0617'), 'Go', 'k8s.io/kubernetes', { '1.20.0': null });
    // The same record without `withdrawn` would match everything: the flag is what stops it.
    const { withdrawn: _, ...live } = record('GO-2022-0617');
    expectMatches(live as OsvRecord, 'Go', 'k8s.io/kubernetes', { '1.20.0': [] });
  });

  it('versions that do not parse never throw and are not matched by ranges', function () {
    const osv = record('GHSA-3787-6prv-h9w3');
    for (const version of ['', 'latest', 'git+https://example.com/x.git', '💥', '>=1.0.0']) {
      assert.equal(matchAdvisory(osv, 'npm', 'undici', version), null, version);
    }
  });
});

describe('matchAdvisory on constructed ranges', function () {
  const base = (events: object[], extra: object = {}): OsvRecord =>
    ({
      id: 'TEST-1',
      modified: '2024-01-01T00:00:00Z',
      affected: [{ package: { ecosystem: 'npm', name: 'pkg' }, ranges: [{ type: 'SEMVER', events }], ...extra }],
    }) as OsvRecord;

  it('evaluates events in version order, not in the order written', function () {
    const osv = base([{ fixed: '2.0.0' }, { introduced: '1.5.0' }, { fixed: '1.2.0' }, { introduced: '1.0.0' }]);
    expectMatches(osv, 'npm', 'pkg', {
      '0.9.0': null,
      '1.0.0': ['1.2.0'],
      '1.2.0': null,
      '1.5.0': ['2.0.0'],
      '2.0.0': null,
    });
  });

  it('limit caps the range; "*" caps nothing', function () {
    expectMatches(base([{ introduced: '1.0.0' }, { limit: '1.5.0' }]), 'npm', 'pkg', { '1.4.9': [], '1.5.0': null });
    expectMatches(base([{ introduced: '1.0.0' }, { limit: '*' }]), 'npm', 'pkg', { '9.0.0': [] });
  });

  it('overlapping ranges give every fix that closes an interval around the version, deduplicated and sorted', function () {
    const osv = {
      id: 'TEST-2',
      modified: '2024-01-01T00:00:00Z',
      affected: [
        {
          package: { ecosystem: 'npm', name: 'pkg' },
          ranges: [
            { type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.10.0' }] },
            { type: 'SEMVER', events: [{ introduced: '1.0.0' }, { fixed: '1.9.0' }] },
            { type: 'GIT', repo: 'https://example.com/r', events: [{ introduced: '0' }, { fixed: 'abc' }] },
          ],
        },
        { package: { ecosystem: 'npm', name: 'pkg' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.9.0' }] }] },
      ],
    } as OsvRecord;
    expectMatches(osv, 'npm', 'pkg', { '1.5.0': ['1.9.0', '1.10.0'], '0.5.0': ['1.9.0', '1.10.0'], '1.9.5': ['1.10.0'] });
  });

  it('matches suffixed OS ecosystems by their base and orders ECOSYSTEM ranges with that ecosystem', function () {
    const osv = {
      id: 'ALPINE-TEST',
      modified: '2024-01-01T00:00:00Z',
      affected: [
        { package: { ecosystem: 'Alpine:v3.10', name: 'musl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.1.22-r4' }] }] },
      ],
    } as OsvRecord;
    expectMatches(osv, 'Alpine', 'musl', { '1.1.22-r3': ['1.1.22-r4'], '1.1.22-r10': null, '1.1.22_rc1-r9': ['1.1.22-r4'] });
    expectMatches(osv, 'Debian', 'musl', { '1.1.22-r3': null });
  });

  it('a record without affected entries or package never matches', function () {
    assert.equal(matchAdvisory({ id: 'X', modified: '' } as OsvRecord, 'npm', 'pkg', '1.0.0'), null);
    assert.equal(matchAdvisory({ id: 'X', modified: '', affected: [{ versions: ['1.0.0'] }] } as OsvRecord, 'npm', 'pkg', '1.0.0'), null);
  });
});

describe('versionsBeyondRanges', () => {
  it('leaves to the ranges the listed versions they cover, keeping what they miss and what does not parse', () => {
    const osv = record('PYSEC-2009-10');
    const own = osv.affected!;
    const trimmed = versionsBeyondRanges([{ ...own[0], versions: [...own[0].versions!, 'garbage version', '3.7.0'] }], 'PyPI');
    // Every listed ZODB3 version lies in the two ranges; the unparseable one and 3.7.0 (outside them) stay.
    assert.deepEqual(trimmed[0].versions, ['garbage version', '3.7.0']);
    for (const version of [...own[0].versions!, '3.8.3', '3.9.0c2', '3.7.0', 'garbage version', '0']) {
      const whole = { ...osv, affected: [{ ...own[0], versions: [...own[0].versions!, 'garbage version', '3.7.0'] }] };
      assert.deepEqual(matchAdvisory({ ...osv, affected: trimmed }, 'PyPI', 'ZODB3', version), matchAdvisory(whole, 'PyPI', 'ZODB3', version), version);
    }
  });
});
