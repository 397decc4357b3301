import * as assert from 'node:assert/strict';
import { doublingRatio } from '../../../../test/helpers/linear-time';
import { gemfileLockAnalyzer } from '../analyzers/gemfile-lock';
import { manifestFor } from '../analyzers';
import { applyTextEdits } from './edits';
import { gemfileManifest } from './gemfile';
import { declaredDependency, manifestFormatFor } from './manifests';
import { bumpGemRequirements } from './versions';

const GEMFILE = `source 'https://rubygems.org'
git_source(:github) { |repo| "https://github.com/#{repo}.git" }

ruby '3.2.2'

gem 'rails', '~> 7.0.4'
gem "puma", ">= 5.0", "< 7" # the web server
gem 'jquery-rails', '4.3.1'
gem 'bootsnap', require: false
gem('lodash-rails', '= 4.17.4')
gem 'nokogiri',
    '~> 1.13',
    '>= 1.13.2'
gem "pg", "#{PG_VERSION}"

group :development, :test do
  gem 'debug', '>= 1.0', platforms: %i[mri mingw x64_mingw]
  if ENV['CI']
    gem 'rspec'
  end
end

platforms :jruby do
  gem 'jdbc'
end
`;

const bumped = (name: string, version: string) => {
  const edit = gemfileManifest.bump(GEMFILE, name, version);
  return edit && { spec: edit.spec, text: applyTextEdits(GEMFILE, edit.edits) };
};

describe('fixes: Gemfile', () => {
  it('lists every gem call with its requirements, group and range', () => {
    const listed = gemfileManifest.list(GEMFILE);
    assert.deepEqual(listed.map(d => [d.name, d.spec, d.section]), [
      ['rails', '~> 7.0.4', 'gem'],
      ['puma', '>= 5.0, < 7', 'gem'],
      ['jquery-rails', '4.3.1', 'gem'],
      ['bootsnap', '', 'gem'],
      ['lodash-rails', '= 4.17.4', 'gem'],
      ['nokogiri', '~> 1.13, >= 1.13.2', 'gem'],
      ['pg', '', 'gem'],
      ['debug', '>= 1.0', 'group development, test'],
      ['rspec', '', 'group development, test'],
      ['jdbc', '', 'gem'],
    ]);
    const puma = listed[1];
    assert.equal(GEMFILE.slice(puma.offset, puma.offset + puma.length), 'gem "puma", ">= 5.0", "< 7"');
    assert.equal(manifestFormatFor('app/Gemfile'), gemfileManifest);
    assert.ok(declaredDependency(gemfileManifest, GEMFILE, 'nokogiri'));
  });

  it('bumps only where the Gemfile pins a version, keeping the operator and quotes', () => {
    assert.match(bumped('rails', '7.0.8.1')!.text, /^gem 'rails', '~> 7\.0\.8\.1'$/m);
    assert.match(bumped('puma', '6.4.2')!.text, /^gem "puma", ">= 6\.4\.2", "< 7" # the web server$/m);
    assert.match(bumped('jquery-rails', '4.4.0')!.text, /^gem 'jquery-rails', '4\.4\.0'$/m);
    assert.match(bumped('lodash-rails', '4.17.21')!.text, /^gem\('lodash-rails', '= 4\.17\.21'\)$/m);
    const nokogiri = bumped('nokogiri', '1.16.5')!;
    assert.equal(nokogiri.spec, '~> 1.16.5, >= 1.16.5');
    assert.match(nokogiri.text, /^ {4}'~> 1\.16\.5',\n {4}'>= 1\.16\.5'$/m);
    assert.match(bumped('debug', '1.9.2')!.text, /^ {2}gem 'debug', '>= 1\.9\.2', platforms: %i\[mri mingw x64_mingw\]$/m);
  });

  it('gives no bump without a pinned version, for an interpolated one, or when a ceiling excludes it', () => {
    assert.equal(gemfileManifest.bump(GEMFILE, 'bootsnap', '1.18.0'), undefined);
    assert.equal(gemfileManifest.bump(GEMFILE, 'pg', '1.5.0'), undefined);
    assert.equal(gemfileManifest.bump(GEMFILE, 'puma', '7.0.0'), undefined);
    assert.equal(gemfileManifest.bump(GEMFILE, 'rails', '7.0.4'), undefined, 'already there');
    assert.equal(gemfileManifest.bump(GEMFILE, 'absent', '1.0'), undefined);
  });

  it('reads odd text without throwing', () => {
    for (const text of ["gem 'unclosed", 'gem', "gem ''", 'end\nend\ngem "a", "1"', "gem 'a', 'b' 'c'", '\u0000gem\t"x",\n\n', "gem 'a',"]) {
      assert.doesNotThrow(() => gemfileManifest.list(text), text);
      assert.doesNotThrow(() => gemfileManifest.bump(text, 'a', '2.0'), text);
    }
    assert.deepEqual(gemfileManifest.list("gem 'unclosed\ngem 'ok'"), [{ name: 'ok', spec: '', section: 'gem', offset: 14, length: 8 }]);
    assert.deepEqual(gemfileManifest.list("gem 'a', 'b' 'c'").map(d => d.spec), ['b']);
  });

  it('is the manifest of Gemfile.lock, whose gems go by the Gemfile\'s names', () => {
    assert.equal(manifestFor('app/Gemfile.lock'), 'app/Gemfile');
    assert.ok(gemfileLockAnalyzer.siblings?.includes('Gemfile'));
    const lock = 'GEM\n  remote: https://rubygems.org/\n  specs:\n    jquery-rails (4.3.1)\n      thor (>= 0.14)\n    thor (1.2.1)\n\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  jquery-rails (= 4.3.1)\n';
    const direct = gemfileLockAnalyzer.analyze({ path: 'Gemfile.lock', content: lock }).packages.filter(p => p.direct).map(p => p.name);
    assert.deepEqual(direct, gemfileManifest.list("gem 'jquery-rails', '= 4.3.1'").map(d => d.name));
  });

  it('rewrites RubyGems requirements one by one', () => {
    assert.deepEqual(bumpGemRequirements(['~> 1.2', '>= 1.2.1'], '1.2.5'), ['~> 1.2.5', '>= 1.2.5']);
    assert.deepEqual(bumpGemRequirements(['>= 1.0', '!= 1.5'], '1.5'), undefined);
    assert.deepEqual(bumpGemRequirements(['< 2'], '1.5'), undefined, 'no floor to raise');
  });

  it('time grows linearly (twice the lines, well under three times the time)', function () {
    this.timeout(60_000);
    this.retries(2); // a busy shared machine can slow one size more than the other; a quadratic scan fails every try
    const make = (n: number) => {
      let text = "source 'https://rubygems.org'\n";
      for (let i = 0; i < n; i++) {
        text += i % 3 === 0 ? `group :g${i} do\n  if x\n` : '';
        text += `  gem 'gem${i}', '~> 1.${i}', ">= 1.${i}.1", require: false # c\n`;
        text += i % 3 === 2 ? '  end\nend\n' : '';
      }
      return text + "gem 'open',\n\n\n".repeat(n) + "gem 'unclosed\n".repeat(n);
    };
    const { ratio } = doublingRatio(make, text => gemfileManifest.bump(text, 'gem1', '9.0.0'), 2000);
    assert.ok(ratio < 3, `ratio ${ratio.toFixed(2)}`);
  });
});
