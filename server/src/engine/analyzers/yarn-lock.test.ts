import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Package } from '../types';
import { parseYarnLock } from './yarn-lock';
import { assertLinearGrowth } from '../../../../test/helpers/linear-time';
import { corpusOrSkip } from '../../../../test/helpers/corpus';

const FIXTURES = path.join(__dirname, 'fixtures', 'yarn-lock');

function parseFixture(name: string, manifest?: object): Package[] {
  const content = fs.readFileSync(path.join(FIXTURES, name), 'utf8');
  return parseYarnLock(content, `app/yarn.lock`, manifest && JSON.stringify(manifest)).packages;
}

const byId = (packages: Package[]) => new Map(packages.map((p) => [p.id, p]));
const ids = (packages: Package[], keep: (p: Package) => boolean = () => true) => packages.filter(keep).map((p) => p.id).sort();

/** [id, startLine, endLine] of every package, as Trivy's parser tests give them for these fixtures. */
const TRIVY_LOCATIONS: Record<string, [string, number, number][]> = {
  'yarn_happy.lock': [
    ['@babel/helper-regex@7.4.4', 4, 9], ['ansi-regex@2.1.1', 11, 14], ['ansi-regex@3.0.0', 16, 19], ['asap@2.0.6', 21, 24],
    ['inherits@2.0.3', 26, 29], ['is-fullwidth-code-point@2.0.0', 31, 34], ['js-tokens@4.0.0', 36, 39], ['jquery@3.4.1', 41, 44],
    ['lodash@4.17.11', 46, 49], ['promise@8.0.3', 51, 56], ['safe-buffer@5.1.2', 58, 61], ['safer-buffer@2.1.2', 63, 66],
    ['statuses@1.5.0', 68, 71], ['string-width@2.1.1', 73, 79], ['strip-ansi@3.0.1', 82, 87], ['strip-ansi@4.0.0', 89, 94],
    ['whatwg-fetch@3.0.0', 96, 99], ['wide-align@1.1.3', 101, 106],
  ],
  'yarn_v2_happy.lock': [
    ['@types/color-name@1.1.1', 8, 13], ['abbrev@1.1.1', 15, 20], ['ansi-styles@3.2.1', 22, 29], ['ansi-styles@4.2.1', 31, 39],
    ['assert-plus@1.0.0', 41, 46], ['async@3.2.0', 48, 53], ['color-convert@1.9.3', 63, 70], ['color-convert@2.0.1', 72, 79],
    ['color-name@1.1.3', 81, 86], ['color-name@1.1.4', 88, 93], ['ipaddr.js@1.9.1', 104, 109], ['js-tokens@4.0.0', 111, 116],
    ['loose-envify@1.4.0', 118, 127], ['node-gyp@7.1.0', 129, 136], ['once@1.4.0', 138, 145], ['wrappy@1.0.2', 147, 152],
  ],
  'yarn_v2_deps_with_protocol.lock': [['debug@4.3.4', 16, 26], ['ms@2.1.2', 28, 33]],
  'yarn_with_local.lock': [['asap@2.0.6', 5, 8], ['jquery@3.4.1', 10, 13], ['promise@8.0.3', 15, 20]],
  'yarn_with_npm.lock': [['jquery@3.6.0', 1, 4]],
  'yarn_with_bad_protocol.lock': [['jquery@3.4.1', 4, 7]],
  'yarn_with_git.lock': [],
};

/** The non-empty dependsOn lists Trivy's parser tests expect. */
const TRIVY_DEPENDS_ON: Record<string, Record<string, string[]>> = {
  'yarn_happy.lock': {
    '@babel/helper-regex@7.4.4': ['lodash@4.17.11'],
    'promise@8.0.3': ['asap@2.0.6'],
    'string-width@2.1.1': ['is-fullwidth-code-point@2.0.0', 'strip-ansi@4.0.0'],
    'strip-ansi@3.0.1': ['ansi-regex@2.1.1'],
    'strip-ansi@4.0.0': ['ansi-regex@3.0.0'],
    'wide-align@1.1.3': ['string-width@2.1.1'],
  },
  'yarn_v2_happy.lock': {
    'ansi-styles@3.2.1': ['color-convert@1.9.3'],
    'ansi-styles@4.2.1': ['@types/color-name@1.1.1', 'color-convert@2.0.1'],
    'color-convert@1.9.3': ['color-name@1.1.3'],
    'color-convert@2.0.1': ['color-name@1.1.4'],
    'loose-envify@1.4.0': ['js-tokens@4.0.0'],
    'once@1.4.0': ['wrappy@1.0.2'],
  },
  'yarn_v2_deps_with_protocol.lock': { 'debug@4.3.4': ['ms@2.1.2'] },
  'yarn_with_local.lock': { 'promise@8.0.3': ['asap@2.0.6'] },
};

describe('yarn.lock parser', () => {
  for (const [fixture, expected] of Object.entries(TRIVY_LOCATIONS)) {
    it(`${fixture}: Trivy's packages, lines and dependencies`, () => {
      const packages = parseFixture(fixture);
      assert.deepEqual(packages.map((p) => [p.id, p.location!.startLine, p.location!.endLine]), expected, 'in file order');
      const dependsOn = Object.fromEntries(packages.filter((p) => p.dependsOn!.length > 0).map((p) => [p.id, p.dependsOn]));
      assert.deepEqual(dependsOn, TRIVY_DEPENDS_ON[fixture] ?? {});
      for (const pkg of packages) {
        assert.equal(pkg.ecosystem, 'npm');
        assert.equal(pkg.direct, false, 'nothing is direct without a package.json');
        assert.equal(pkg.dev, false);
        assert.equal(pkg.copies!.length, 1);
        assert.equal(pkg.copies![0].highlight.startLine, pkg.copies![0].highlight.endLine, 'the key line is underlined');
      }
    });
  }

  it('locates the whole entry: key line, column 1, to the end of its last field', () => {
    const [helperRegex] = parseFixture('yarn_happy.lock');
    assert.deepEqual(helperRegex.location, { file: 'app/yarn.lock', startLine: 4, startColumn: 1, endLine: 9, endColumn: 22 });
    assert.equal(helperRegex.purl, 'pkg:npm/%40babel/helper-regex@7.4.4');
    assert.equal(helperRegex.name, '@babel/helper-regex');
    const berry = parseFixture('yarn_v2_happy.lock')[0];
    assert.deepEqual(berry.location, { file: 'app/yarn.lock', startLine: 8, startColumn: 1, endLine: 13, endColumn: 17 });
  });

  it('reads the quoted field names npm writes into a yarn.lock', () => {
    const [jquery] = parseFixture('yarn_with_npm.lock');
    assert.equal(jquery.version, '3.6.0');
  });

  for (const version of ['v1', 'v2']) {
    it(`reports an npm: alias under the real name (${version})`, () => {
      const manifest = {
        dependencies: { 'ansi-regex': version === 'v1' ? '^6.0.0' : 'npm:^6.0.0', 'ansi-regex-cjs': 'npm:ansi-regex@^5.0.0' },
        devDependencies: { 'babel-hvi': 'npm:@babel/helper-validator-identifier@^7.0.0' },
      };
      const packages = parseFixture(`osv-with-aliases.${version}.lock`, manifest);
      assert.deepEqual(ids(packages), ['@babel/helper-validator-identifier@7.22.20', 'ansi-regex@5.0.1', 'ansi-regex@6.0.1']);
      assert.deepEqual(ids(packages, (p) => p.direct), ids(packages));
      assert.deepEqual(ids(packages, (p) => p.dev), ['@babel/helper-validator-identifier@7.22.20']);
      assert.equal(byId(packages).get('ansi-regex@5.0.1')!.purl, 'pkg:npm/ansi-regex@5.0.1');
    });
  }

  it('leaves out git, GitHub, URL, file: and link: entries, keeping registry ones', () => {
    // minimist's entry has a registry descriptor first, so it counts as the registry package.
    assert.deepEqual(ids(parseFixture('osv-commits.v1.lock')), ['minimist@0.0.8']);
    assert.deepEqual(ids(parseFixture('osv-files.v1.lock')), ['etag@1.8.1', 'lodash@1.3.1']);
  });

  it('follows optionalDependencies as well as dependencies', () => {
    const content = [
      'a@^1.0.0:', '  version "1.0.0"', '  dependencies:', '    b "^2.0.0"', '  optionalDependencies:', '    c "^3.0.0"', '',
      'b@^2.0.0:', '  version "2.0.0"', '', 'c@^3.0.0:', '  version "3.0.0"', '',
    ].join('\n');
    assert.deepEqual(parseYarnLock(content, 'yarn.lock').packages[0].dependsOn, ['b@2.0.0', 'c@3.0.0']);
  });

  it('merges entries of the same name@version, keeping the others as otherLocations', () => {
    const content = [
      'a@^1.0.0:', '  version "1.0.0"', '  resolved "https://one.example/a-1.0.0.tgz"', '  dependencies:', '    b "^2.0.0"', '',
      'b@^2.0.0:', '  version "2.0.0"', '',
      'a@1.0.0:', '  version "1.0.0"', '  resolved "https://two.example/a-1.0.0.tgz"', '  dependencies:', '    b "^2.0.0"',
    ].join('\r\n');
    const [a, b] = parseYarnLock(content, 'yarn.lock').packages;
    assert.equal(a.id, 'a@1.0.0');
    assert.equal(b.id, 'b@2.0.0');
    assert.deepEqual(a.dependsOn, ['b@2.0.0']);
    assert.deepEqual(a.copies!.map(c => c.location)[1], { file: 'yarn.lock', startLine: 10, startColumn: 1, endLine: 14, endColumn: 15 });
    assert.equal(a.location!.endColumn, 15, 'a CR before the line break is not part of the entry');
  });

  it('accepts an empty lockfile, one of comments only, and a Berry one with metadata only', () => {
    assert.deepEqual(parseYarnLock('', 'yarn.lock').packages, []);
    assert.deepEqual(parseYarnLock('# yarn lockfile v1\n\n', 'yarn.lock').packages, []);
    assert.deepEqual(parseYarnLock('__metadata:\n  version: 8\n  cacheKey: 10c0\n', 'yarn.lock').packages, []);
  });

  it('keeps a Berry version as written (1.10 is not 1.1)', () => {
    const content = '__metadata:\n  version: 6\n\n"a@npm:^1.10":\n  version: 1.10\n  resolution: "a@npm:1.10"\n';
    assert.equal(parseYarnLock(content, 'yarn.lock').packages[0].id, 'a@1.10');
  });

  it('attributes each package to the Berry workspaces whose dependencies pull it in, and makes what members declare direct', () => {
    const dir = path.join(FIXTURES, 'berry-workspaces');
    const lockfile = fs.readFileSync(path.join(dir, 'yarn.lock'), 'utf8');
    const manifest = fs.readFileSync(path.join(dir, 'package.json'), 'utf8');
    const expected = {
      'body-parser@1.18.2': [''], 'express@4.16.0': [''], 'left-pad@1.3.0': ['packages/shared'],
      'ms@2.1.3': [''], 'qs@6.11.0': ['packages/api'], 'qs@6.5.1': [''],
    };
    const members = (packages: Package[]) => Object.fromEntries(packages.map(p => [p.id, p.members]));
    const packages = parseYarnLock(lockfile, 'yarn.lock', manifest).packages;
    // The root's file: package passes ms on to the root; api depends on shared, which keeps left-pad.
    assert.deepEqual(members(packages), expected);
    assert.deepEqual(ids(packages, p => p.direct), ['express@4.16.0', 'left-pad@1.3.0', 'qs@6.11.0']);
    // Without the root's package.json nothing is direct, as in Trivy; members are still known.
    const bare = parseYarnLock(lockfile, 'yarn.lock').packages;
    assert.deepEqual(ids(bare, p => p.direct), []);
    assert.deepEqual(members(bare), expected);
    // YAML beyond the subset yarn writes goes to the full parser, which finds the same workspaces.
    const reformatted = lockfile.replace('linkType: soft\n', 'linkType: soft # a comment\n');
    assert.deepEqual(members(parseYarnLock(reformatted, 'yarn.lock', manifest).packages), expected);
  });

  it('gives no members for a classic lockfile, which records no workspaces, nor for a Berry lockfile of one project', () => {
    for (const name of ['yarn_happy.lock', 'yarn_v2_happy.lock']) assert.ok(parseFixture(name).every(p => p.members === undefined), name);
  });
});

describe('Berry: the fast reader and the YAML parser agree', () => {
  /** Four spaces per level: the same YAML, but not what yarn writes, so the YAML parser reads it. */
  const reindent = (content: string) => content.replace(/^( +)/gm, '$1$1');
  const summary = (packages: Package[]) =>
    packages.map((p) => [p.id, p.location!.startLine, p.location!.endLine, ...p.dependsOn!].join(' '));

  for (const fixture of ['yarn_v2_happy.lock', 'yarn_v2_deps_with_protocol.lock', 'osv-with-aliases.v2.lock']) {
    it(fixture, () => {
      const content = fs.readFileSync(path.join(FIXTURES, fixture), 'utf8');
      const fast = parseYarnLock(content, 'yarn.lock').packages;
      assert.ok(fast.length > 0);
      assert.deepEqual(summary(parseYarnLock(reindent(content), 'yarn.lock').packages), summary(fast));
    });
  }

  it('reads YAML that yarn would not write (flow maps, comments, anchors) through the YAML parser', () => {
    const content = [
      '__metadata:', '  version: 8', '',
      '"a@npm:^1.0.0": { version: 1.0.0, resolution: "a@npm:1.0.0", dependencies: { b: "npm:^2.0.0" } }', '',
      '"b@npm:^2.0.0":', '  version: &v 2.0.0 # a comment', '  resolution: "b@npm:2.0.0"', '',
    ].join('\n');
    const [a, b] = parseYarnLock(content, 'yarn.lock').packages;
    assert.deepEqual([a.id, a.dependsOn, b.id], ['a@1.0.0', ['b@2.0.0'], 'b@2.0.0']);
    assert.deepEqual([b.location!.startLine, b.location!.endLine], [6, 8]);
  });
});

describe('yarn.lock with the package.json beside it', () => {
  it('v1: direct from every dependency field; dev only where production code cannot reach', () => {
    const packages = parseFixture('yarn_happy.lock', {
      dependencies: { promise: '^8.0.3', 'wide-align': '1.1.3', lodash: '^4.17.11' },
      optionalDependencies: { 'whatwg-fetch': '>=0.10.0' },
      peerDependencies: { statuses: '>= 1.4.0 < 2' },
      devDependencies: { '@babel/helper-regex': '^7.4.4', jquery: '^3.4.1', 'strip-ansi': '^3.0.0' },
    });
    assert.deepEqual(ids(packages, (p) => p.direct), [
      '@babel/helper-regex@7.4.4', 'jquery@3.4.1', 'lodash@4.17.11', 'promise@8.0.3', 'statuses@1.5.0',
      'strip-ansi@3.0.1', 'whatwg-fetch@3.0.0', 'wide-align@1.1.3',
    ]);
    // lodash is a dev dependency's dependency too, but production reaches it: not dev.
    assert.deepEqual(ids(packages, (p) => p.dev), ['@babel/helper-regex@7.4.4', 'ansi-regex@2.1.1', 'jquery@3.4.1', 'strip-ansi@3.0.1']);
    // Reached from nothing the package.json declares: neither direct nor dev.
    assert.deepEqual(ids(packages, (p) => !p.direct && !p.dev), [
      'ansi-regex@3.0.0', 'asap@2.0.6', 'inherits@2.0.3', 'is-fullwidth-code-point@2.0.0', 'js-tokens@4.0.0',
      'safe-buffer@5.1.2', 'safer-buffer@2.1.2', 'string-width@2.1.1', 'strip-ansi@4.0.0',
    ]);
  });

  it('Berry: a plain range in package.json matches the npm: descriptor', () => {
    const packages = byId(parseFixture('yarn_v2_happy.lock', {
      dependencies: { async: '^3.2.0' },
      devDependencies: { 'ansi-styles': '^4.1.0', 'loose-envify': '^1.4.0' },
    }));
    const direct = [...packages.values()].filter((p) => p.direct).map((p) => p.id).sort();
    assert.deepEqual(direct, ['ansi-styles@4.2.1', 'async@3.2.0', 'loose-envify@1.4.0']);
    const dev = [...packages.values()].filter((p) => p.dev).map((p) => p.id).sort();
    assert.deepEqual(dev, ['@types/color-name@1.1.1', 'ansi-styles@4.2.1', 'color-convert@2.0.1', 'color-name@1.1.4', 'js-tokens@4.0.0', 'loose-envify@1.4.0']);
  });

  it('a range edited since the last install still finds the only entry of that name, never a guess between several', () => {
    const packages = byId(parseFixture('yarn_v2_happy.lock', {
      dependencies: { once: '^1.4.0', 'color-name': '^1.1.0' },
    }));
    assert.equal(packages.get('once@1.4.0')!.direct, true);
    assert.equal(packages.get('color-name@1.1.3')!.direct, false);
    assert.equal(packages.get('color-name@1.1.4')!.direct, false);
  });

  it('reads a package.json that is not valid JSON as no package.json (the lockfile still reads)', () => {
    const content = fs.readFileSync(path.join(FIXTURES, 'yarn_with_local.lock'), 'utf8');
    const packages = parseYarnLock(content, 'yarn.lock', '{ "dependencies": { "promise": ').packages;
    assert.equal(packages.length, 3);
    assert.ok(packages.every((p) => !p.direct && !p.dev));
  });
});

describe('yarn.lock that is not valid', () => {
  const SECRET = 'hunter2-token';
  const cases: [string, string, RegExp][] = [
    ['a v1 key without its colon', `a@^1.0.0 ${SECRET}\n  version "1.0.0"\n`, /key does not end in ':'.*line 1/],
    ['a v1 field before any entry', `  version "1.0.0" ${SECRET}\n`, /indented deeper.*line 1/],
    ['odd v1 indentation', `a@^1.0.0:\n   version "1.0.0" ${SECRET}\n`, /multiple of two.*line 2/],
    ['a tab in v1 indentation', `a@^1.0.0:\n\tversion "1.0.0" ${SECRET}\n`, /tab.*line 2/],
    ['an unclosed v1 string', `"a@^1.0.0:\n  version "1.0.0" ${SECRET}\n`, /not closed.*line 1/],
    ['a v1 field with no value', `a@^1.0.0:\n  version\n  ${SECRET}\n`, /no value.*line 2/],
    ['a v1 registry entry without a version', `a@^1.0.0:\n  resolved "${SECRET}"\n`, /no version.*line 1/],
    ['a descriptor without @', `${SECRET}:\n  version "1.0.0"\n`, /name@range/],
    ['broken Berry YAML', `__metadata:\n  version: 8\n"a@npm:1":\n  version: [${SECRET}\n`, /invalid YAML/],
    ['a tab in Berry indentation', `__metadata:\n  version: 8\n"a@npm:1":\n\tversion: 1 ${SECRET}\n`, /invalid YAML/],
    ['a Berry entry that is not a map', `__metadata:\n  version: 8\n"a@npm:1": ${SECRET}\n`, /not a key with a map.*line 3/],
  ];
  for (const [what, content, message] of cases) {
    it(`throws on ${what}, naming the line but not quoting the file`, () => {
      assert.throws(() => parseYarnLock(content, 'yarn.lock'), (error: Error) => {
        assert.ok(!(error instanceof TypeError) && !(error instanceof RangeError), String(error));
        assert.match(error.message, message);
        assert.ok(!error.message.includes(SECRET), error.message);
        return true;
      });
    });
  }
});

describe('yarn.lock parser speed', function () {
  this.timeout(60_000);

  function classic(entries: number): string {
    let text = '# yarn lockfile v1\n\n';
    for (let i = 0; i < entries; i++) {
      text += `"pkg-${i}@^1.0.0", pkg-${i}@~1.0.0:\n  version "1.0.${i}"\n  resolved "https://registry.yarnpkg.com/pkg-${i}/-/pkg-${i}-1.0.${i}.tgz#0123456789abcdef"\n`;
      text += `  integrity sha512-${'A'.repeat(86)}==\n  dependencies:\n    pkg-${i + 1} "^1.0.0"\n    "@scope/pkg-${i + 2}" "~1.0.0"\n\n`;
    }
    return text;
  }

  function berry(entries: number): string {
    let text = '__metadata:\n  version: 8\n  cacheKey: 10c0\n\n';
    for (let i = 0; i < entries; i++) {
      text += `"pkg-${i}@npm:^1.0.0, pkg-${i}@npm:~1.0.0":\n  version: 1.0.${i}\n  resolution: "pkg-${i}@npm:1.0.${i}"\n`;
      text += `  dependencies:\n    pkg-${i + 1}: "npm:^1.0.0"\n  checksum: 10c0/${'a'.repeat(128)}\n  languageName: node\n  linkType: hard\n\n`;
    }
    return text;
  }

  /** Hostile classic text: one key of many descriptors, a long string of escapes, then many entries with no comma after them. */
  function hostile(size: number): string {
    const key = `${Array.from({ length: size }, (_, i) => `"a@^${i}"`).join(', ')}:\n  version "${'\\"'.repeat(size * 4)}"\n`;
    return key + `b@1:\n  version "1"\n`.repeat(size);
  }

  // Sizes below the point (about 2,000 entries here) where the garbage collector starts promoting
  // objects, which puts one step in the curve; on either side of it the time is linear.
  for (const [name, make, size] of [['classic', classic, 600], ['Berry', berry, 600], ['hostile classic', hostile, 3000]] as const) {
    it(`${name}: time grows linearly (twice the entries, well under three times the time)`, function () {
      this.timeout(60_000);
      assertLinearGrowth(make, text => parseYarnLock(text, 'yarn.lock'), size);
    });
  }

  it("records yarn classic's integrity as the package's SHA-512, and no hash for Berry's checksum", () => {
    const SHA512 = Buffer.alloc(64, 9);
    const integrity = `sha512-${SHA512.toString('base64')}`;
    const classic = `lodash@^4.17.21:\n  version "4.17.21"\n  resolved "https://registry.yarnpkg.com/lodash/-/lodash-4.17.21.tgz"\n  integrity ${integrity}\n`;
    assert.deepEqual(parseYarnLock(classic, 'yarn.lock').packages[0].hashes, [{ algorithm: 'SHA-512', value: SHA512.toString('hex') }]);
    const berry = `__metadata:\n  version: 8\n\n"lodash@npm:^4.17.21":\n  version: 4.17.21\n  resolution: "lodash@npm:4.17.21"\n  checksum: 10c0/${SHA512.toString('hex')}\n  languageName: node\n  linkType: hard\n`;
    assert.equal(parseYarnLock(berry, 'yarn.lock').packages[0].hashes, undefined);
  });
});
