import assert from 'node:assert/strict';
import { analyzersFor } from '.';
import { parsePylock, pylockAnalyzer } from './pylock';
import { doublingRatio } from '../../../../test/helpers/linear-time';

function parse(content: string, pyproject?: string) {
  return parsePylock({ path: 'app/pylock.toml', content, siblings: pyproject === undefined ? undefined : new Map([['pyproject.toml', pyproject]]) }).packages;
}

describe('pylock.toml analyzer', () => {
  it('claims pylock.toml and the named pylock.<name>.toml files of PEP 751', () => {
    for (const path of ['pylock.toml', 'app/pylock.linux.toml', 'pylock.dev-py3.12.toml']) {
      assert.ok(analyzersFor(path).includes(pylockAnalyzer), path);
    }
    assert.ok(!analyzersFor('pylock.toml.bak').includes(pylockAnalyzer));
  });

  it('makes the same name@version listed for two environments one package with two copies', () => {
    const text = '[[packages]]\nname = "ham"\nversion = "3.0.0"\nmarker = "sys_platform == \'linux\'"\n\n[[packages]]\nname = "ham"\nversion = "3.0.0"\nmarker = "sys_platform == \'win32\'"\n';
    const [ham] = parse(text);
    assert.deepEqual(ham.copies!.map(copy => [copy.key, copy.location.startLine, copy.highlight.startLine]), [['packages[0]', 1, 2], ['packages[1]', 6, 7]]);
  });

  it('without pyproject.toml, only what a directory package requires is direct, and nothing is dev', () => {
    const text = '[[packages]]\nname = "app"\ndirectory = { path = "." }\ndependencies = [{ name = "a" }]\n\n[[packages]]\nname = "a"\nversion = "1"\ndependencies = [{ name = "b" }]\n\n[[packages]]\nname = "b"\nversion = "2"\n';
    assert.deepEqual(parse(text).map(p => [p.id, p.direct, p.dev]), [['a@1', true, false], ['b@2', false, false]]);
  });

  it('rejects what is not a pylock.toml with a message that names the place, never the content', () => {
    const cases: [string, RegExp][] = [
      ['[[packages]]\nname = "secret\n', /invalid TOML, .* \(line 2, column \d+\)$/],
      ['lock-version = "1.0"\n[[packages]]\nversion = "secret"\n', /a \[\[packages\]\] has no name \(line 2\)$/],
    ];
    for (const [content, message] of cases) {
      assert.throws(() => parse(content), (error: Error) => {
        assert.match(error.message, /^not a valid pylock\.toml: /);
        assert.match(error.message, message);
        assert.ok(!error.message.includes('secret'), error.message);
        return true;
      });
    }
  });

  it('takes time linear in the number of packages', function () {
    this.timeout(60_000);
    const make = (count: number) => {
      let text = 'lock-version = "1.0"\ncreated-by = "pip"\n\n';
      for (let i = 0; i < count; i++) {
        text += `[[packages]]\nname = "pkg-${i}"\nversion = "1.0.${i}"\ndependencies = [\n  { name = "pkg-${i + 1}", version = "1.0.${i + 1}" },\n]\n\n`;
        text += `[[packages.wheels]]\nname = "pkg_${i}-1.0.${i}-py3-none-any.whl"\nurl = "https://files.pythonhosted.org/packages/pkg_${i}-1.0.${i}-py3-none-any.whl"\n\n`;
        text += `[packages.wheels.hashes]\nsha256 = "${'c'.repeat(64)}"\n\n`;
      }
      return text;
    };
    const { ratio, smallMs, largeMs } = doublingRatio(make, content => parse(content), 1000);
    console.log(`      pylock.toml: 1,000 packages ${smallMs.toFixed(1)} ms, 2,000 packages ${largeMs.toFixed(1)} ms (ratio ${ratio.toFixed(2)})`);
    assert.ok(ratio < 3, `ratio ${ratio.toFixed(2)}`);
  });

  it("records the sdist's hashes as the package's, else the first wheel's", () => {
    const lock = `lock-version = "1.0"\ncreated-by = "test"\n\n[[packages]]\nname = "six"\nversion = "1.16.0"\nsdist = { url = "https://x.test/six.tar.gz", hashes = { sha256 = "714772a9f82b2aeb4fa5f7092d00fe4ac4c9cdeb6800840b6ed39ea64c4d785a" } }\nwheels = [{ url = "https://x.test/six.whl", hashes = { sha256 = "e5ea22387c670954c886b5a11a8fdcc9fb6894075864fea5d4b337f8e6cd261b" } }]\n\n[[packages]]\nname = "wheelonly"\nversion = "1.0"\nwheels = [\n  { url = "https://x.test/a.whl", hashes = { md4 = "00", sha256 = "73b1d9037f2ac2d2a70edc1aa2abbe6bc663c3bf75e4cd4d432f67bc53331a95" } },\n  { url = "https://x.test/b.whl", hashes = { sha256 = "e5ea22387c670954c886b5a11a8fdcc9fb6894075864fea5d4b337f8e6cd261b" } },\n]\n`;
    const [six, wheelOnly] = parsePylock({ path: 'pylock.toml', content: lock }).packages;
    assert.deepEqual(six.hashes, [{ algorithm: 'SHA-256', value: '714772a9f82b2aeb4fa5f7092d00fe4ac4c9cdeb6800840b6ed39ea64c4d785a' }]);
    assert.deepEqual(wheelOnly.hashes, [{ algorithm: 'SHA-256', value: '73b1d9037f2ac2d2a70edc1aa2abbe6bc663c3bf75e4cd4d432f67bc53331a95' }]);
  });
});
