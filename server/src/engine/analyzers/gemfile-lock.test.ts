import assert from 'node:assert/strict';
import { parseGemfileLock } from './gemfile-lock';
import { doublingRatio } from '../../../../test/helpers/linear-time';

const lockfile = (...lines: string[]) => lines.join('\n') + '\n';

describe('Gemfile.lock parser', () => {
  it('keeps platform variants of one version as copies, each underlined on its own spec line', () => {
    const content = lockfile(
      'GEM', '  remote: https://rubygems.org/', '  specs:',
      '    nokogiri (1.13.6-arm64-darwin)', '      racc (~> 1.4)',
      '    nokogiri (1.13.6-x86_64-linux)', '      racc (~> 1.4)',
      '    racc (1.6.0)', '',
      'PLATFORMS', '  arm64-darwin', '  x86_64-linux', '',
      'DEPENDENCIES', '  nokogiri (~> 1.13)', '',
    );
    const [nokogiri, racc] = parseGemfileLock(content, 'app/Gemfile.lock');
    assert.equal(nokogiri.id, 'nokogiri@1.13.6');
    assert.equal(nokogiri.purl, 'pkg:gem/nokogiri@1.13.6');
    assert.equal(nokogiri.direct, true);
    assert.deepEqual(nokogiri.dependsOn, ['racc@1.6.0']);
    assert.deepEqual(nokogiri.copies!.map(c => [c.key, c.location.startLine, c.location.endLine, c.highlight.startColumn, c.highlight.endColumn]), [
      ['nokogiri (1.13.6)', 4, 5, 5, 35], ['nokogiri (1.13.6)', 6, 7, 5, 35],
    ]);
    assert.equal(racc.direct, false);
  });

  it('marks gems declared with ! (git sources) direct, and the dependencies of a declared PATH gem, which it leaves out', () => {
    const content = lockfile(
      'GIT', '  remote: https://github.com/example/forked.git', '  revision: 0123abcd', '  specs:', '    forked (2.0.0)', '      rack', '',
      'PATH', '  remote: vendor/own', '  specs:', '    own (0.1.0)', '      thor (>= 1)', '',
      'GEM', '  remote: https://rubygems.org/', '  specs:', '    rack (2.2.3)', '    thor (1.2.1)', '',
      'DEPENDENCIES', '  forked!', '  own!', '',
    );
    const packages = parseGemfileLock(content, 'Gemfile.lock');
    assert.deepEqual(packages.map(p => [p.id, p.direct]), [['forked@2.0.0', true], ['rack@2.2.3', false], ['thor@1.2.1', true]]);
    assert.deepEqual(packages[0].dependsOn, ['rack@2.2.3']);
  });

  it('passes over CHECKSUMS, RUBY VERSION and BUNDLED WITH, and a CRLF file reads the same', () => {
    const content = lockfile(
      'GEM', '  remote: https://rubygems.org/', '  specs:', '    rake (13.0.6)', '',
      'DEPENDENCIES', '  rake', '', 'CHECKSUMS', '  rake (13.0.6) sha256=abc', '', 'RUBY VERSION', '   ruby 3.2.2p53', '', 'BUNDLED WITH', '   2.5.3',
    );
    for (const text of [content, content.replace(/\n/g, '\r\n')]) {
      const packages = parseGemfileLock(text, 'Gemfile.lock');
      assert.deepEqual(packages.map(p => [p.id, p.direct, p.location!.endColumn]), [['rake@13.0.6', true, 18]]);
    }
  });

  const SECRET = 'hunter2-token';
  const broken: [string, string, RegExp][] = [
    ['text that is no Gemfile.lock', `${SECRET}\n`, /not a section header \(line 1\)/],
    ['an indented line before any section', `  ${SECRET}\n`, /before any section header \(line 1\)/],
    ['a spec without a version', `GEM\n  specs:\n    ${SECRET}\n`, /'name \(version\)' \(line 3\)/],
    ['a spec with an empty version', `GEM\n  specs:\n    ${SECRET} ()\n`, /'name \(version\)' \(line 3\)/],
  ];
  for (const [what, content, message] of broken) {
    it(`throws on ${what}, naming the line but not quoting the file`, () => {
      assert.throws(() => parseGemfileLock(content, 'Gemfile.lock'), (error: Error) => {
        assert.match(error.message, message);
        assert.ok(!error.message.includes(SECRET), error.message);
        return true;
      });
    });
  }

  // Below the size (about 2,000 gems) where the garbage collector starts promoting objects, which
  // puts one step in the curve; on either side of it the time is linear.
  it('time grows linearly (twice the gems, well under three times the time)', function () {
    this.timeout(60_000);
    this.retries(2); // a busy shared machine can slow one size more than the other; a quadratic parser fails every try
    const make = (n: number) => {
      let text = 'GEM\n  remote: https://rubygems.org/\n  specs:\n';
      for (let i = 0; i < n; i++) text += `    gem-${i} (1.${i}.0-x86_64-linux)\n      gem-${i + 1} (~> 1.0)\n      gem-${i + 2}\n`;
      text += '\nDEPENDENCIES\n';
      for (let i = 0; i < n; i += 10) text += `  gem-${i} (~> 1.0)\n`;
      return text;
    };
    const { ratio } = doublingRatio(make, text => parseGemfileLock(text, 'Gemfile.lock'), 600);
    assert.ok(ratio < 3, `ratio ${ratio.toFixed(2)}`);
  });
});
