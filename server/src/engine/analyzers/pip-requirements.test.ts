import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Package } from '../types';
import { analyzersFor } from '.';
import { decodeText } from '../text';
import { MAX_INCLUDE_DEPTH, pipRequirementsAnalyzer } from './pip-requirements';
import { analyzePath } from '../scan';
import { MemorySource } from '../source';
import { doublingRatio } from '../../../../test/helpers/linear-time';

const FIXTURES = path.join(__dirname, 'fixtures', 'pip-requirements');

function analyzeFixture(name: string): Package[] {
  const content = decodeText(fs.readFileSync(path.join(FIXTURES, name)));
  return pipRequirementsAnalyzer.analyze({ path: 'requirements.txt', content }).packages;
}

function analyzeText(content: string): Package[] {
  return pipRequirementsAnalyzer.analyze({ path: 'requirements.txt', content }).packages;
}

const ids = (packages: Package[]) => packages.map((p) => p.id);

describe('pip-requirements analyzer', () => {
  it('claims requirements files by the names projects give them', () => {
    for (const name of ['requirements.txt', 'svc/requirements.txt', 'requirements-dev.txt', 'requirements_test.txt', 'dev-requirements.txt', 'test_requirements.txt']) {
      assert.ok(analyzersFor(name).includes(pipRequirementsAnalyzer), name);
    }
    assert.ok(!analyzersFor('requirements.in').includes(pipRequirementsAnalyzer));
    assert.ok(!analyzersFor('svc/dev-requirements.txt.bak').includes(pipRequirementsAnalyzer));
    assert.ok(!analyzersFor('notrequirements.txt').includes(pipRequirementsAnalyzer));
  });

  it('reads pinned packages as direct production PyPI packages with a purl', () => {
    const [click] = analyzeFixture('requirements_flask.txt');
    assert.deepEqual(
      { ...click, location: undefined, copies: undefined },
      { id: 'click@8.0.0', name: 'click', version: '8.0.0', ecosystem: 'PyPI', purl: 'pkg:pypi/click@8.0.0', direct: true, dev: false, location: undefined, copies: undefined },
    );
    // The name is underlined; the whole pin is what hovers and fixes answer on.
    assert.deepEqual(click.copies!.map(c => [c.highlight.startColumn, c.highlight.endColumn, c.location.endColumn]), [[1, 6, 13]]);
    const [continued] = analyzeText('foo\\\n==1.2\n');
    assert.equal(continued.copies![0].highlight.endLine, 1, 'a name continued on the next line is underlined on its first');
    assert.equal(analyzeFixture('requirements_flask.txt').length, 6);
  });

  it('strips comments, with or without a space before #', () => {
    assert.deepEqual(ids(analyzeFixture('requirements_comments.txt')), ['click@8.0.0', 'Flask@2.0.0', 'Jinja2@3.0.0', 'MarkupSafe@2.0.0']);
  });

  it('skips ranges, wildcards and unpinned lines; keeps == and === pins', () => {
    assert.deepEqual(ids(analyzeFixture('requirements_operator.txt')), ['Django@2.3.4', 'SomeProject@5.4']);
    assert.deepEqual(ids(analyzeFixture('requirements_compatible.txt')), []);
    assert.deepEqual(ids(analyzeFixture('requirements_no_version.txt')), ['Flask@2.0.0']);
    assert.deepEqual(ids(analyzeText('a===1.0-custom\nb==1.*\nc == 2.0, != 2.0.1\nd==1.0 ; python_version<"3"\n')), [
      'a@1.0-custom',
      'c@2.0',
      'd@1.0',
    ]);
  });

  it('handles extras, spaces around ==, hashes and line continuations', () => {
    assert.deepEqual(ids(analyzeFixture('requirement_exstras.txt')), ['pyjwt@2.1.0', 'celery@4.4.7']);
    assert.deepEqual(ids(analyzeFixture('requirements_spaces.txt')), ['click@8.0.0', 'Flask@2.0.0', 'itsdangerous@2.0.0', 'Jinja2@3.0.0']);
    assert.deepEqual(ids(analyzeFixture('requirements_hash.txt')), ['FooProject@1.2', 'Jinja2@3.0.0']);
    assert.deepEqual(ids(analyzeFixture('osv-line-continuation.txt')), ['foo@1.2.3', 'bar@4.5.6', 'baz@7.8.9', 'qux@10.11.12']);
    assert.deepEqual(ids(analyzeFixture('osv-with-per-requirement-options.txt')), ['boto3@1.26.121', 'foo@1.0.0', 'FooProject@1.2']);
  });

  it('skips option lines and template junk', () => {
    const text = '-r base.txt\n-c constraints.txt\n--index-url https://x/simple\n-e git+https://g/x.git#egg=x\nx @ https://h/x-1.0.whl\n';
    assert.deepEqual(analyzeText(text), []);
    assert.deepEqual(analyzeFixture('requirements_with_templating_engine.txt'), []);
  });

  it('decodes UTF-16LE with a BOM, and UTF-8 with a BOM', () => {
    assert.deepEqual(ids(analyzeFixture('requirements_utf16le.txt')), ['attrs@20.3.0']);
    const utf8Bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('six==1.16.0\n')]);
    assert.deepEqual(ids(analyzeText(decodeText(utf8Bom))), ['six@1.16.0']);
    // The same UTF-16LE bytes wrongly decoded as UTF-8 still give the package.
    const raw = fs.readFileSync(path.join(FIXTURES, 'requirements_utf16le.txt'), 'utf8');
    assert.deepEqual(ids(analyzeText(raw)), ['attrs@20.3.0']);
  });

  it('locates the name==version span, across continued lines too', () => {
    const [spaced, extras, continued] = analyzeText('  Flask ==  2.0.0  # web\npkg[a,b]==1.0 ; python_version<"3"\nfoo==\\\n  1.2.3\n');
    assert.deepEqual(spaced.location, { file: 'requirements.txt', startLine: 1, startColumn: 3, endLine: 1, endColumn: 18 });
    assert.deepEqual(extras.location, { file: 'requirements.txt', startLine: 2, startColumn: 1, endLine: 2, endColumn: 14 });
    assert.deepEqual(continued.location, { file: 'requirements.txt', startLine: 3, startColumn: 1, endLine: 4, endColumn: 8 });
  });

  it('reports a repeated pin once, with a copy per line', () => {
    const [six] = analyzeText('six==1.16.0\nsix == 1.16.0\r\n');
    assert.equal(six.location!.startLine, 1);
    assert.deepEqual(six.copies!.map((c) => c.location.startLine), [1, 2]);
  });

  it('refuses NULs that are not UTF-16LE, instead of reading the text with them dropped', () => {
    assert.throws(() => analyzeText('fla\0sk==0.12\n'), /binary content/);
    assert.throws(() => analyzeText('\uFFFD\uFFFDs\0i\0x\0=\0=\x001\0\0\0'), /binary content/);
  });

  it('joins a line ending in many backslashes, keeping what comes before them', () => {
    assert.deepEqual(ids(analyzeText(`six==1.16.0 ${'\\'.repeat(50)}\n--hash=sha256:00\nflask==2.0.0\n`)), ['six@1.16.0', 'flask@2.0.0']);
    assert.deepEqual(ids(analyzeText(`${'\\'.repeat(20)}x${'\\'.repeat(20)}\nsix==1.16.0\n`)), []);
  });

  describe('-r and -c includes', () => {
    async function scan(files: Record<string, string>) {
      const result = await analyzePath({ source: new MemorySource(files) }, {});
      const main = result.results.find(r => r.target === 'requirements.txt');
      return { packages: main?.packages ?? [], notes: result.notes.filter(n => n.startsWith('requirements.txt: ')), errors: result.errors };
    }

    it('reads included files relative to the including one, in pip\'s order, each package located where it is pinned', async () => {
      const { packages, notes } = await scan({
        'requirements.txt': '-r reqs/base.txt\n--requirement=reqs/web.txt\nsix==1.16.0\n',
        'reqs/base.txt': '-r ./../reqs/web.txt\nDjango==2.2.0\n',
        'reqs/web.txt': 'flask==0.12.2\n',
      });
      assert.deepEqual(packages.map(p => [p.id, p.location!.file, p.location!.startLine]), [
        ['flask@0.12.2', 'reqs/web.txt', 1], ['Django@2.2.0', 'reqs/base.txt', 2], ['six@1.16.0', 'requirements.txt', 3],
      ]);
      assert.deepEqual(notes, []);
    });

    it('pins an unpinned requirement from a constraints file, which adds no package of its own', async () => {
      const { packages } = await scan({
        'requirements.txt': '-c constraints.txt\nflask\nrequests[socks] ; python_version > "3"\n',
        'constraints.txt': 'flask==0.12.2\nRequests==2.19.1\nurllib3==1.24.1\n',
      });
      assert.deepEqual(packages.map(p => [p.id, p.location!.file, p.copies![0].highlight.endColumn]), [
        ['flask@0.12.2', 'requirements.txt', 6], ['requests@2.19.1', 'requirements.txt', 9],
      ]);
    });

    it('notes cycles, missing files, files outside the root and skipped entries, and never fails on them', async () => {
      const { packages, notes, errors } = await scan({
        'requirements.txt': '-r requirements.txt\n-r a.txt\n-e ./lib\nhttps://example.com/x.whl\npkg @ git+https://example.com/pkg.git\n',
        'a.txt': '-r requirements.txt\n-r missing.txt\n-r ../../etc/passwd\n-r /etc/passwd\n-c https://example.com/c.txt\nsix==1.16.0\n',
      });
      assert.deepEqual(errors, []);
      assert.deepEqual(packages.map(p => p.id), ['six@1.16.0']);
      assert.deepEqual(notes, [
        'requirements.txt: requirements.txt line 1: -r leads back to requirements.txt, which includes it (a cycle): not followed again',
        'requirements.txt: a.txt line 1: -r leads back to requirements.txt, which includes it (a cycle): not followed again',
        'requirements.txt: a.txt line 2: -r names a file that could not be read (missing, too large, or past the include limit)',
        'requirements.txt: a.txt line 3: -r names a URL or a file outside the scan root: not followed',
        'requirements.txt: a.txt line 4: -r names a URL or a file outside the scan root: not followed',
        'requirements.txt: a.txt line 5: -c names a URL or a file outside the scan root: not followed',
        'requirements.txt: 1 editable (-e) requirement and 2 requirements given by URL or path skipped: they name no version to check',
      ]);
    });

    it('follows includes no deeper than the cap', async () => {
      const files: Record<string, string> = { 'requirements.txt': '-r r1.txt\n' };
      for (let i = 1; i <= MAX_INCLUDE_DEPTH + 5; i++) files[`r${i}.txt`] = `-r r${i + 1}.txt\npkg${i}==1.0\n`;
      const { packages, notes } = await scan(files);
      assert.equal(packages.length, MAX_INCLUDE_DEPTH);
      assert.equal(notes.length, 1);
      assert.match(notes[0], /could not be read|deeper than/);
    });

    it('takes time that grows linearly in the number of includes and pins', function () {
      this.timeout(60_000);
      const make = (size: number) => {
        let text = '';
        for (let i = 0; i < size; i++) text += `-r missing-${i}.txt\npkg-${i}==1.${i}\n-e ./lib${i}\n`;
        return text;
      };
      const { ratio, smallMs, largeMs } = doublingRatio(make, text => pipRequirementsAnalyzer.analyze({ path: 'requirements.txt', content: text, related: new Map() }), 2000);
      assert.ok(ratio < 3, `${largeMs.toFixed(1)} ms / ${smallMs.toFixed(1)} ms`);
    });
  });
});
