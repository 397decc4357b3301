import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { assertLinearGrowth } from '../../../../test/helpers/linear-time';
import { parseComposerLock } from '../analyzers/composer-lock';
import { bumpComposerConstraint, composerJsonManifest } from './composerJson';
import { applyTextEdits } from './edits';
import { declaredDependency, manifestFormatFor } from './manifests';

const fixtures = path.resolve(__dirname, '../analyzers/fixtures/composer-lock/with-manifest');
const lockText = readFileSync(path.join(fixtures, 'composer.lock'), 'utf8');
const manifestText = readFileSync(path.join(fixtures, 'composer.json'), 'utf8');

const project = `{
    "name": "acme/app",
    "require": {
        "php": ">=8.1",
        "ext-json": "*",
        "Monolog/Monolog": "^2.3",
        "guzzlehttp/psr7": "~1.8.2"
    },
    "require-dev": {
        "phpunit/phpunit": "9.5.*"
    }
}
`;

describe('fixes: Composer constraints', () => {
  it('raises a constraint in its own notation', () => {
    const cases: [string, string, string][] = [
      ['^1.2', '1.5.1', '^1.5.1'],
      ['~1.2.3', '1.2.9', '~1.2.9'],
      ['1.2.3', '1.5.1', '1.5.1'],
      ['v1.2.3', 'v1.5.1', '1.5.1'],
      ['=1.2.3', '1.5.1', '=1.5.1'],
      ['>=1.2', '1.5.1', '>=1.5.1'],
      ['>1.2', '1.5.1', '>=1.5.1'],
      ['1.2.*', '1.2.9', '~1.2.9'],
      ['1.*', '1.5.1', '^1.5.1'],
      ['>=1.2 <2.0', '1.5.1', '>=1.5.1 <2.0'],
      ['>=1.2, <2.0', '1.5.1', '>=1.5.1, <2.0'],
      ['<2.0 >=1.2', '1.5.1', '<2.0 >=1.5.1'],
      ['^1.2@beta', '1.5.1', '^1.5.1@beta'],
    ];
    for (const [spec, version, expected] of cases) assert.equal(bumpComposerConstraint(spec, version), expected, spec);
  });

  it('refuses alternatives, branches, wildcards of everything and ranges the fix lies beyond', () => {
    for (const spec of ['^1.2 || ^2.0', '^1.2|^2.0', 'dev-main', '*', '1.0 - 2.0', '>=1.2 <1.5', '<2.0', '>=1 >=2', '', 'dev-main#abc123']) {
      assert.equal(bumpComposerConstraint(spec, '1.5.1'), undefined, spec);
    }
  });
});

describe('fixes: composer.json', () => {
  it('lists require and require-dev packages, leaving platform requirements out', () => {
    assert.equal(manifestFormatFor('app/composer.json'), composerJsonManifest);
    const listed = composerJsonManifest.list(project);
    assert.deepEqual(listed.map(d => `${d.section}:${d.name}=${d.spec}`), [
      'require:Monolog/Monolog=^2.3', 'require:guzzlehttp/psr7=~1.8.2', 'require-dev:phpunit/phpunit=9.5.*',
    ]);
    assert.equal(project.slice(listed[0].offset, listed[0].offset + listed[0].length), '"Monolog/Monolog": "^2.3"');
    assert.equal(declaredDependency(composerJsonManifest, project, 'monolog/monolog')?.name, 'Monolog/Monolog', 'Packagist names compare case-insensitively');
  });

  it('names what the lockfile analyzer marks direct', () => {
    const direct = parseComposerLock(lockText, 'composer.lock', manifestText).filter(p => p.direct).map(p => p.name);
    assert.ok(direct.length > 0);
    assert.deepEqual(composerJsonManifest.list(manifestText).map(d => d.name), direct);
  });

  it('bumps a constraint in place and leaves the rest of the file alone', () => {
    const planned = composerJsonManifest.bump(project, 'monolog/monolog', '2.7.0')!;
    assert.equal(planned.spec, '^2.7.0');
    assert.equal(applyTextEdits(project, planned.edits), project.replace('"^2.3"', '"^2.7.0"'));
    const dev = composerJsonManifest.bump(project, 'phpunit/phpunit', '9.5.10')!;
    assert.equal(applyTextEdits(project, dev.edits), project.replace('"9.5.*"', '"~9.5.10"'));
  });

  it('gives no bump for a package not declared, a constraint already there, or one it cannot raise', () => {
    assert.equal(composerJsonManifest.bump(project, 'acme/none', '1.0.0'), undefined);
    assert.equal(composerJsonManifest.bump(project, 'php', '8.3.0'), undefined);
    assert.equal(composerJsonManifest.bump('{"require": {"a/b": "^1.5.1"}}', 'a/b', '1.5.1'), undefined);
    assert.equal(composerJsonManifest.bump('{"require": {"a/b": "dev-main"}}', 'a/b', '1.5.1'), undefined);
    for (const spec of ['^2.0', '2.*', '>=2.0 <3', '1.5.*']) assert.equal(bumpComposerConstraint(spec, '1.5.0'), undefined, `never down from ${spec}`);
  });

  it('keeps an indirect package off its vulnerable versions with a conflict entry, indented like the file', () => {
    const planned = composerJsonManifest.override!(project, 'guzzlehttp/guzzle', '7.4.4', '7.4.5', 'none')!;
    assert.equal(planned.field, 'conflict');
    const after = applyTextEdits(project, planned.edits);
    assert.deepEqual(JSON.parse(after).conflict, { 'guzzlehttp/guzzle': '<7.4.5' });
    assert.match(after, /\n {4}"conflict": \{\n {8}"guzzlehttp\/guzzle": "<7\.4\.5"\n {4}\}/);
  });

  it('gives nothing for a malformed file, and never throws', () => {
    for (const text of ['', '{ "require": ', '[]', 'null', '{"require": ["a/b"]}', '{"require": {"a/b": 1}}']) {
      assert.deepEqual(composerJsonManifest.list(text), [], text);
      assert.equal(composerJsonManifest.bump(text, 'a/b', '2.0.0'), undefined, text);
    }
    assert.equal(composerJsonManifest.override!('[1]', 'a/b', '1.0.0', '2.0.0', 'none'), undefined);
  });

  it('lists in linear time', function () {
    this.timeout(60000);
    const make = (n: number) => `{"require": {${Array.from({ length: n }, (_, i) => `"v/p${i}": "^1.${i}"`).join(',\n')}}}`;
    assertLinearGrowth(make, text => composerJsonManifest.list(text), 1000);
  });
});
