import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareVersions, isValidVersion } from './index';
import { CORPUS_DIR, REPO_ROOT } from '../../../../test/helpers/corpus';

const VERSIONS_CORPUS = path.join(CORPUS_DIR, 'versions');
const FIXTURE_DIR = path.join(REPO_ROOT, 'test/fixtures/versions');

const ECOSYSTEM_OF_FILE: Record<string, string> = {
  'alpine-versions.txt': 'Alpine',
  'cran-versions.txt': 'CRAN',
  'debian-versions.txt': 'Debian',
  'hackage-versions.txt': 'Hackage',
  'maven-versions.txt': 'Maven',
  'nuget-versions.txt': 'NuGet',
  'packagist-versions.txt': 'Packagist',
  'pub-versions.txt': 'Pub',
  'pypi-versions.txt': 'PyPI',
  'redhat-versions.txt': 'Red Hat',
  'rubygems-versions.txt': 'RubyGems',
  'semver-versions.txt': 'npm',
};

const EXPECTED: Record<string, number> = { '<': -1, '=': 0, '>': 1 };

function fixtureDir(): string {
  return fs.existsSync(VERSIONS_CORPUS) ? VERSIONS_CORPUS : FIXTURE_DIR;
}

interface Comparison {
  line: number;
  left: string;
  op: string;
  right: string;
}

function readComparisons(file: string): Comparison[] {
  const comparisons: Comparison[] = [];
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((text, index) => {
      if (text.trim() === '' || text.startsWith('# ') || text.startsWith('// ')) return;
      const parts = text.split(' ');
      assert.equal(parts.length, 3, `${path.basename(file)}:${index + 1}: not "A OP B": ${text}`);
      assert.ok(parts[1] in EXPECTED, `${path.basename(file)}:${index + 1}: unknown operator ${parts[1]}`);
      comparisons.push({ line: index + 1, left: parts[0], op: parts[1], right: parts[2] });
    });
  return comparisons;
}

const OPPOSITE: Record<string, string> = { '<': '>', '=': '=', '>': '<' };

describe('compareVersions against osv-scalibr fixtures', function () {
  const dir = fixtureDir();
  before(function () {
    console.log(`      reading version fixtures from ${dir}`);
  });

  it('finds a fixture file for every ecosystem it maps, and maps every fixture file', function () {
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();
    assert.deepEqual(files, Object.keys(ECOSYSTEM_OF_FILE).sort());
  });

  // osv-scalibr runs its SemVer file against every SemVer-ordered ecosystem.
  const runs = Object.entries(ECOSYSTEM_OF_FILE).concat(
    ['Go', 'crates.io', 'Hex'].map((ecosystem) => ['semver-versions.txt', ecosystem]),
  );
  for (const [file, ecosystem] of runs) {
    it(`${file} (${ecosystem}): every line holds, both ways round`, function () {
      const failures: string[] = [];
      const comparisons = readComparisons(path.join(dir, file));
      assert.ok(comparisons.length > 0);
      for (const { line, left, op, right } of comparisons) {
        const forward = compareVersions(ecosystem, left, right);
        const backward = compareVersions(ecosystem, right, left);
        if (forward !== EXPECTED[op]) failures.push(`${file}:${line}: ${left} ${op} ${right}, got ${forward}`);
        if (backward !== EXPECTED[OPPOSITE[op]]) {
          failures.push(`${file}:${line}: ${right} ${OPPOSITE[op]} ${left} (reversed), got ${backward}`);
        }
      }
      assert.deepEqual(failures, []);
    });
  }
});

function assertOrdered(ecosystem: string, versions: string[]): void {
  for (let i = 0; i < versions.length; i++) {
    for (let j = 0; j < versions.length; j++) {
      const expected = i < j ? -1 : i > j ? 1 : 0;
      assert.equal(
        compareVersions(ecosystem, versions[i], versions[j]),
        expected,
        `${ecosystem}: ${versions[i]} vs ${versions[j]}`,
      );
    }
  }
}

describe('compareVersions edge cases', function () {
  it('Go: pseudo-versions sit between the releases around them, by timestamp', function () {
    assertOrdered('Go', [
      '0.0.0-20190101000000-aaaaaaaaaaaa',
      '0.0.0-20200101000000-000000000000',
      '1.2.3',
      '1.2.4-0.20191109021931-daa7c04131f5',
      '1.2.4-0.20201109021931-000000000000',
      '1.2.4-pre',
      '1.2.4-pre.0.20210101000000-abcdefabcdef',
      '1.2.4',
      '1.10.0',
    ]);
  });

  it('Go: accepts the leading v and ignores +incompatible', function () {
    assert.equal(compareVersions('Go', 'v1.2.3', '1.2.3'), 0);
    assert.equal(compareVersions('Go', '2.0.0+incompatible', 'v2.0.0'), 0);
    assert.equal(compareVersions('Go', 'v2.1.0+incompatible', '2.0.0'), 1);
    assert.equal(compareVersions('Go', '2.0.0-20180101000000-abcdef123456+incompatible', '2.0.0'), -1);
  });

  it('PyPI: epochs, pre, post, dev and local releases in PEP 440 order', function () {
    assertOrdered('PyPI', [
      '1.0.dev0',
      '1.0a1.dev1',
      '1.0a1',
      '1.0b2.post3',
      '1.0rc1',
      '1.0',
      '1.0+abc',
      '1.0+abc.5',
      '1.0+5',
      '1.0.post1.dev1',
      '1.0.post1',
      '1.1.dev1',
      '1.1',
      '1!0.1',
      '2!0.0.1a1',
    ]);
  });

  it('PyPI: normalised spellings compare equal', function () {
    assert.equal(compareVersions('PyPI', '1.0', '1.0.0'), 0);
    assert.equal(compareVersions('PyPI', '1.0ALPHA1', '1.0a1'), 0);
    assert.equal(compareVersions('PyPI', '1.0-post2', '1.0.post2'), 0);
    assert.equal(compareVersions('PyPI', '1.0-2', '1.0.post2'), 0);
    assert.equal(compareVersions('PyPI', 'v1.0', '1.0'), 0);
    assert.equal(compareVersions('PyPI', '0!1.0', '1.0'), 0);
  });

  it('numbers beyond 2^53 keep their order', function () {
    for (const ecosystem of ['npm', 'Go', 'PyPI', 'Maven', 'RubyGems', 'NuGet', 'Debian', 'Alpine', 'Red Hat']) {
      assert.equal(compareVersions(ecosystem, '9007199254740993', '9007199254740992'), 1, ecosystem);
    }
  });

  it('suffixed ecosystem names use the base ordering', function () {
    assert.equal(compareVersions('Alpine:v3.10', '1.2.3-r1', '1.2.3-r10'), -1);
    assert.equal(compareVersions('Debian:10', '1.0~rc1-1', '1.0-1'), -1);
  });

  it('never throws on garbage, and orders it deterministically', function () {
    const garbage = ['', ' ', 'not a version', '💥', '-', '.', '1..2..', '~~~', '::', 'v', '+', '_', '\u0000'];
    for (const ecosystem of Object.values(ECOSYSTEM_OF_FILE).concat(['Go', 'crates.io', 'Hex', 'Unknown'])) {
      for (const a of garbage.concat(['1.0.0'])) {
        for (const b of garbage.concat(['1.0.0'])) {
          const forward = compareVersions(ecosystem, a, b);
          assert.ok([-1, 0, 1].includes(forward), `${ecosystem}: ${a} vs ${b}`);
          assert.equal(compareVersions(ecosystem, a, b), forward);
        }
      }
    }
  });

  it('npm: invalid versions sort below valid ones', function () {
    assert.equal(compareVersions('npm', 'latest', '0.0.0-0'), -1);
    assert.equal(compareVersions('npm', '=1.2.3', 'v1.2.3'), 0);
  });

  it('isValidVersion tells versions from garbage', function () {
    assert.equal(isValidVersion('npm', '1.2.3-beta.1'), true);
    assert.equal(isValidVersion('npm', 'latest'), false);
    assert.equal(isValidVersion('Go', 'v0.0.0-20191109021931-daa7c04131f5'), true);
    assert.equal(isValidVersion('PyPI', '1.0.post1'), true);
    assert.equal(isValidVersion('PyPI', '0.1-bulbasaur'), false);
    assert.equal(isValidVersion('Debian:11', '1:2.3-4'), true);
    assert.equal(isValidVersion('Maven', ''), false);
  });
});
