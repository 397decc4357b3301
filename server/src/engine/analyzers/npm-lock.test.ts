import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Package } from '../types';
import { analyzersFor } from '.';
import { npmLockAnalyzer } from './npm-lock';

const FIXTURES = path.join(__dirname, 'fixtures', 'npm-lock');

function analyzeFixture(name: string): Package[] {
  const content = fs.readFileSync(path.join(FIXTURES, name), 'utf8');
  return npmLockAnalyzer.analyze({ path: `app/${name}`, content }).packages;
}

function analyzeText(content: string): Package[] {
  return npmLockAnalyzer.analyze({ path: 'package-lock.json', content }).packages;
}

const byId = (packages: Package[]) => new Map(packages.map((p) => [p.id, p]));

describe('npm-lock analyzer', () => {
  it('claims package-lock.json and npm-shrinkwrap.json anywhere', () => {
    assert.ok(analyzersFor('package-lock.json').includes(npmLockAnalyzer));
    assert.ok(analyzersFor('a/b/npm-shrinkwrap.json').includes(npmLockAnalyzer));
    assert.ok(!analyzersFor('a/package.json').includes(npmLockAnalyzer));
    assert.ok(!analyzersFor('node_modules/.package-lock.json').includes(npmLockAnalyzer));
  });

  for (const version of ['v2', 'v3']) {
    it(`reads a lockfile ${version}: direct, dev, dependsOn, purl`, () => {
      const packages = byId(analyzeFixture(`package-lock_${version}.json`));
      assert.equal(packages.size, 31);
      const direct = [...packages.values()].filter((p) => p.direct).map((p) => p.id).sort();
      assert.deepEqual(direct, [
        '@babel/helper-string-parser@7.19.4', 'body-parser@1.18.3', 'debug@2.5.2',
        'finalhandler@1.1.1', 'ms@1.0.0', 'promise@8.3.0',
      ]);
      const dev = [...packages.values()].filter((p) => p.dev).map((p) => p.id).sort();
      assert.deepEqual(dev, ['debug@2.5.2', 'ms@0.7.2']);
      const bodyParser = packages.get('body-parser@1.18.3')!;
      assert.equal(bodyParser.purl, 'pkg:npm/body-parser@1.18.3');
      assert.equal(bodyParser.ecosystem, 'npm');
      assert.ok(bodyParser.dependsOn!.includes('debug@2.6.9'), 'nested node_modules wins');
      assert.ok(bodyParser.dependsOn!.includes('bytes@3.0.0'), 'hoisted dependency found');
      assert.equal(packages.get('@babel/helper-string-parser@7.19.4')!.purl, 'pkg:npm/%40babel/helper-string-parser@7.19.4');
    });
  }

  it('reads a lockfile v1: nested dependencies, dev, requires; nothing is known to be direct', () => {
    const packages = byId(analyzeFixture('package-lock_v1.json'));
    assert.equal(packages.size, 31);
    assert.ok([...packages.values()].every((p) => !p.direct));
    assert.deepEqual([...packages.values()].filter((p) => p.dev).map((p) => p.id).sort(), ['debug@2.5.2', 'ms@0.7.2']);
    assert.deepEqual(packages.get('debug@2.5.2')!.dependsOn, ['ms@0.7.2']);
    assert.ok(packages.get('body-parser@1.18.3')!.dependsOn!.includes('debug@2.6.9'));
  });

  it('locates each package at its key and entry, 1-based, end exclusive', () => {
    const content = [
      '{',
      '  "lockfileVersion": 3,',
      '  "packages": {',
      '    "": { "dependencies": { "a": "^1.0.0" } },',
      '    "node_modules/a": {',
      '      "version": "1.0.0"',
      '    },',
      '    "node_modules/b": { "version": "2.0.0" }',
      '  }',
      '}',
    ].join('\n');
    const [a, b] = analyzeText(content);
    assert.deepEqual(a.location, { file: 'package-lock.json', startLine: 5, startColumn: 5, endLine: 7, endColumn: 6 });
    assert.deepEqual(b.location, { file: 'package-lock.json', startLine: 8, startColumn: 5, endLine: 8, endColumn: 45 });
    assert.equal(a.direct, true);
    assert.equal(b.direct, false);
  });

  describe('any valid JSON formatting', () => {
    /** The source text a location covers (1-based lines and columns, end exclusive). */
    const textAt = (content: string, location: Package['location']) => {
      const lineStarts = [0];
      for (let i = content.indexOf('\n'); i !== -1; i = content.indexOf('\n', i + 1)) lineStarts.push(i + 1);
      const offset = (line: number, column: number) => lineStarts[line - 1] + column - 1;
      return content.slice(offset(location!.startLine, location!.startColumn), offset(location!.endLine, location!.endColumn));
    };
    /** Each package's location must cover exactly `"key": {…}` for its entry. */
    const assertLocatedEntries = (content: string, section: (lock: any) => Record<string, unknown>) => {
      const packages = analyzeText(content);
      assert.ok(packages.length > 0);
      for (const p of packages) {
        const member = JSON.parse(`{${textAt(content, p.location)}}`);
        const [key] = Object.keys(member);
        assert.deepEqual(member[key], section(JSON.parse(content))[key], `${p.id} located at its own entry`);
      }
      return packages;
    };
    const lock = {
      name: 'app "quoted" \\ {not a brace} 😀',
      lockfileVersion: 3,
      packages: {
        '': { name: 'app', dependencies: { 'a': '1', '@s/b': '1' }, description: '[{"packages": {}}]' },
        'node_modules/a': { version: '1.0.0', resolved: 'x\\', dependencies: { '@s/b': '1' } },
        'node_modules/@s/b': { version: '2.0.0', dev: true, license: '"}' },
        'node_modules/a/node_modules/@s/b': { version: '3.0.0', funding: ['{', '"', { url: '}' }] },
        'node_modules/ü😀': { version: '1.0.0' },
      },
    };
    const variants: Record<string, string> = {
      pretty: JSON.stringify(lock, null, 2),
      minified: JSON.stringify(lock),
      crlf: JSON.stringify(lock, null, 2).replace(/\n/g, '\r\n'),
      tabs: JSON.stringify(lock, null, '\t'),
      // keys are the only strings that start a line
      'odd whitespace': JSON.stringify(lock, null, 1).replace(/^(\s*"(?:[^"\\]|\\.)*"): /gm, '$1\t :\r\n ').replace(/,\n/g, '\n ,'),
      'escaped keys': JSON.stringify(lock, null, 2).replace('"node_modules/a": {', '"node_modules\\/\\u0061": {'),
      'unicode escapes': JSON.stringify(lock, null, 2).replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    };
    const expected = analyzeText(variants.pretty).map(({ location, copies, ...rest }) => rest);

    for (const [name, content] of Object.entries(variants)) {
      it(`${name}: same packages, each located at its entry`, () => {
        const packages = assertLocatedEntries(content, (parsed) => parsed.packages);
        assert.deepEqual(packages.map(({ location, copies, ...rest }) => rest), expected);
      });
    }

    it('lockfile v1, minified and pretty: nested dependencies located at their entries', () => {
      const v1 = {
        lockfileVersion: 1,
        dependencies: {
          a: { version: '1.0.0', requires: { b: '^2' }, dependencies: { b: { version: '2.0.0', description: '}{"' } } },
          b: { version: '1.0.0', dev: true },
        },
      };
      for (const content of [JSON.stringify(v1), JSON.stringify(v1, null, 4).replace(/\n/g, '\r\n')]) {
        const packages = analyzeText(content);
        assert.deepEqual(packages.map((p) => p.id), ['a@1.0.0', 'b@2.0.0', 'b@1.0.0']);
        assert.deepEqual(packages[0].dependsOn, ['b@2.0.0']);
        assert.equal(JSON.parse(`{${textAt(content, packages[1].location)}}`).b.description, '}{"');
        assert.equal(JSON.parse(`{${textAt(content, packages[2].location)}}`).b.dev, true);
      }
    });

    it('counts columns in UTF-16 units after non-ASCII text', () => {
      const content = '{"lockfileVersion":3,"x":"é😀","packages":{"node_modules/a":{"version":"1.0.0"}}}';
      const [a] = analyzeText(content);
      assert.equal(a.location!.startColumn, content.indexOf('"node_modules/a"') + 1);
      assert.equal(a.location!.endColumn, content.length - 1);
    });
  });

  it('merges the same name@version under several paths: a copy per entry with its own dev flag and requirers', () => {
    const packages = byId(analyzeFixture('package-lock_v3_with-same-dev-and-non-dev.json'));
    const minimist = packages.get('minimist@0.0.8')!;
    assert.equal(minimist.dev, false);
    assert.equal(minimist.direct, true);
    assert.equal(minimist.location!.startLine, 38);
    assert.deepEqual(minimist.copies!.map((c) => [c.location.startLine, c.dev, c.direct]), [[38, true, false], [68, false, true]]);
    // The underline is the entry's key, on one line.
    const [first] = minimist.copies!;
    assert.equal(first.highlight.startLine, first.highlight.endLine);
    assert.equal(first.highlight.endColumn - first.highlight.startColumn, JSON.stringify(first.key).length);
    assert.equal(packages.get('fsevents@1.2.9')!.dev, true);
  });

  it('treats peer and optional packages as production and follows peer edges', () => {
    const packages = byId(analyzeFixture('package-lock_v3_with_peer.json'));
    assert.equal(packages.get('lodash@4.17.21')!.direct, true, 'root peerDependencies are direct');
    assert.equal(packages.get('winston@3.17.0')!.dev, false);
    assert.deepEqual(packages.get('winston-mail@2.0.0')!.dependsOn, ['mustache@2.3.2', 'winston@3.17.0']);
  });

  it('does not report devOptional packages as dev', () => {
    const content = JSON.stringify({
      lockfileVersion: 3,
      packages: {
        '': { devDependencies: { a: '1' }, optionalDependencies: { b: '1' } },
        'node_modules/a': { version: '1.0.0', dev: true, dependencies: { c: '1' } },
        'node_modules/b': { version: '1.0.0', optional: true, dependencies: { c: '1' } },
        'node_modules/c': { version: '1.0.0', devOptional: true },
      },
    });
    const packages = byId(analyzeText(content));
    assert.equal(packages.get('a@1.0.0')!.dev, true);
    assert.equal(packages.get('b@1.0.0')!.dev, false);
    assert.equal(packages.get('c@1.0.0')!.dev, false);
    assert.equal(packages.get('c@1.0.0')!.direct, false);
  });

  it('leaves workspace packages out and treats their dependencies as direct', () => {
    const packages = byId(analyzeFixture('package-lock_v3_with_workspace.json'));
    assert.deepEqual([...packages.keys()].sort(), ['debug@2.5.2', 'debug@2.6.9', 'ms@0.7.2', 'ms@2.0.0']);
    assert.equal(packages.get('debug@2.6.9')!.direct, true, 'dependency of workspace nested_func');
    assert.equal(packages.get('debug@2.5.2')!.direct, true, 'dependency of the root');
    assert.equal(packages.get('ms@2.0.0')!.direct, false);
    assert.deepEqual(packages.get('debug@2.6.9')!.dependsOn, ['ms@2.0.0']);
    // Each package belongs to the projects that pull it in: the root, or the workspace member.
    assert.deepEqual(packages.get('debug@2.5.2')!.members, ['']);
    assert.deepEqual(packages.get('ms@2.0.0')!.members, ['functions/nested_func']);

    const asObject = byId(analyzeFixture('package-lock_v3_with_workspace_as_object.json'));
    assert.deepEqual([...asObject.keys()], ['lodash@4.17.21']);
    assert.equal(asObject.get('lodash@4.17.21')!.direct, true);
  });

  it('skips broken links and local file: packages', () => {
    assert.deepEqual(analyzeFixture('package-lock_v3_broken_link.json'), []);
    const files = analyzeFixture('osv-files.v2.json');
    assert.deepEqual(files.map((p) => p.id), ['abbrev@1.0.9', 'abbrev@2.3.4']);
  });

  it('reports the real package behind an npm: alias', () => {
    for (const fixture of ['osv-alias.v1.json', 'osv-alias.v2.json']) {
      const ids = analyzeFixture(fixture).map((p) => p.id).sort();
      assert.deepEqual(ids, ['@babel/code-frame@7.0.0', 'string-width@4.2.0', 'string-width@5.1.2'], fixture);
    }
  });

  it('skips entries without a version', () => {
    const content = JSON.stringify({
      lockfileVersion: 2,
      packages: { '': {}, 'node_modules/a': { resolved: 'x' }, 'node_modules/b': { version: '1.0.0' } },
      dependencies: {},
    });
    assert.deepEqual(analyzeText(content).map((p) => p.id), ['b@1.0.0']);
    assert.deepEqual(analyzeText(JSON.stringify({ lockfileVersion: 1, dependencies: { a: {} } })), []);
  });

  it('throws a clear error on malformed input', () => {
    assert.throws(() => analyzeText('{\n  "lockfileVersion": 3,\n  "packages": {\n'), /Error: not valid JSON \(.* at line 4, column 1\)/);
    assert.throws(() => analyzeText('this is not json'), /not valid JSON/);
    assert.throws(() => analyzeText('[1, 2]'), /must hold a JSON object/);
    assert.throws(() => analyzeText(''), /not valid JSON/);
    assert.throws(() => analyzeText('{\r\n  "packages": {},\r\n}'), /Error: not valid JSON \(property name expected at line 3, column 1\)/);
    assert.throws(() => analyzeText('{"a": "tab\there"}'), /control character in string at line 1, column 11/);
    assert.throws(() => analyzeText("{'a': 1}"), /property name expected at line 1, column 2/);
    assert.throws(() => analyzeText('{"a": 01}'), /at line 1, column 8/);
    assert.throws(() => analyzeText('\ufeff{}'), /value expected at line 1, column 1/);
  });
});
