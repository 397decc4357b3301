import assert from 'node:assert/strict';
import { parseComposerLock } from './composer-lock';
import { doublingRatio } from '../../../../test/helpers/linear-time';

const entry = (name: string, version: string, require: Record<string, string> = {}) =>
  `    {\n      "name": "${name}",\n      "version": "${version}",\n      "require": ${JSON.stringify(require)},\n      "authors": [{ "name": "Someone" }]\n    }`;
const lock = (packages: string[], dev: string[] = []) =>
  `{\n  "packages": [\n${packages.join(',\n')}\n  ],\n  "packages-dev": [\n${dev.join(',\n')}\n  ]\n}\n`;

describe('composer.lock parser', () => {
  const content = lock(
    [entry('Monolog/Monolog', '2.9.1', { php: '>=7.2', 'psr/log': '^1.0', 'ext-json': '*' }), entry('psr/log', '1.1.4')],
    [entry('phpunit/phpunit', '9.6.0', { 'psr/log': '^1' })],
  );

  it('reads packages and packages-dev, underlining the name member and locating the whole entry', () => {
    const [monolog, psrLog, phpunit] = parseComposerLock(content, 'app/composer.lock');
    assert.equal(monolog.purl, 'pkg:composer/monolog/monolog@2.9.1');
    assert.deepEqual(monolog.dependsOn, ['psr/log@1.1.4'], 'php and ext-* are the platform, not packages');
    assert.deepEqual(monolog.location, { file: 'app/composer.lock', startLine: 3, startColumn: 5, endLine: 8, endColumn: 6 });
    assert.deepEqual(monolog.copies![0].highlight, { file: 'app/composer.lock', startLine: 4, startColumn: 7, endLine: 4, endColumn: 32 });
    assert.deepEqual([monolog.dev, psrLog.dev, phpunit.dev], [false, false, true]);
    assert.ok([monolog, psrLog, phpunit].every(p => !p.direct), 'nothing is direct without composer.json');
  });

  it('marks what composer.json requires direct, matching names without regard to case', () => {
    const manifest = JSON.stringify({ require: { php: '^8.1', 'ext-mbstring': '*', 'monolog/monolog': '^2.9' }, 'require-dev': { 'phpunit/phpunit': '^9' } });
    const packages = parseComposerLock(content, 'composer.lock', manifest);
    assert.deepEqual(packages.map(p => [p.id, p.direct]), [['Monolog/Monolog@2.9.1', true], ['psr/log@1.1.4', false], ['phpunit/phpunit@9.6.0', true]]);
    assert.equal(parseComposerLock(content, 'composer.lock', '{ not json').length, 3, 'a broken composer.json leaves the lockfile readable');
  });

  it('reads keys written with escapes as JSON.parse does', () => {
    const text = '{ "pack\\u0061ges": [ { "n\\u0061me": "a/b", "version": "1.0.0" } ] }';
    const [pkg] = parseComposerLock(text, 'composer.lock');
    assert.equal(pkg.id, 'a/b@1.0.0');
    assert.equal(pkg.copies![0].highlight.startColumn, 24, 'the name member, found through its escaped key');
  });

  const SECRET = 'hunter2-token';
  const broken: [string, string, RegExp][] = [
    ['text that is not JSON', `{ "packages": [ ${SECRET}`, /not valid JSON.*line 1/],
    ['an array at the top', `["${SECRET}"]`, /JSON object/],
    ['packages that is not an array', `{ "packages": { "${SECRET}": 1 } }`, /"packages" is not an array/],
    ['an entry without a version', `{ "packages": [{ "name": "${SECRET}" }] }`, /entry 1 of "packages" has no name or version/],
  ];
  for (const [what, text, message] of broken) {
    it(`throws on ${what}, without quoting the file`, () => {
      assert.throws(() => parseComposerLock(text, 'composer.lock'), (error: Error) => {
        assert.match(error.message, message);
        assert.ok(!error.message.includes(SECRET), error.message);
        return true;
      });
    });
  }

  // Below the size where the garbage collector starts promoting objects (a step in the curve).
  it('time grows linearly (twice the packages, well under three times the time)', function () {
    this.timeout(60_000);
    this.retries(2); // a busy shared machine can slow one size more than the other; a quadratic parser fails every try
    const make = (n: number) => lock(Array.from({ length: n }, (_, i) => entry(`vendor/p${i}`, `1.${i}.0`, { [`vendor/p${i + 1}`]: '^1' })));
    const { ratio } = doublingRatio(make, text => parseComposerLock(text, 'composer.lock'), 600);
    assert.ok(ratio < 3, `ratio ${ratio.toFixed(2)}`);
  });
});
