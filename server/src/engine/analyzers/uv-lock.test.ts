import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseUvLock } from './uv-lock';
import { doublingRatio } from '../../../../test/helpers/linear-time';

const FIXTURES = path.join(__dirname, 'fixtures', 'uv-lock');

function parse(content: string) {
  return parseUvLock({ path: 'app/uv.lock', content }).packages;
}

describe('uv.lock analyzer', () => {
  it('leaves the workspace members out and makes what they require direct; dev is what only dependency groups reach', () => {
    const packages = parse(fs.readFileSync(path.join(FIXTURES, 'workspace.lock'), 'utf8'));
    assert.deepEqual(packages.map(p => [p.id, p.direct, p.dev]), [
      ['numpy@2.0.2', false, true], ['numpy@2.1.0', true, false], ['pytest@8.3.4', true, true], ['six@1.16.0', true, false],
    ]);
  });

  it('attributes each package to the workspace members whose requirements pull it in, by their source folder', () => {
    const packages = parse(fs.readFileSync(path.join(FIXTURES, 'workspace.lock'), 'utf8'));
    // The root app requires lib (a member: it keeps its own six), numpy 2.1.0 and, in a group, pytest.
    assert.deepEqual(Object.fromEntries(packages.map(p => [p.id, p.members])), {
      'numpy@2.0.2': [''], 'numpy@2.1.0': [''], 'pytest@8.3.4': [''], 'six@1.16.0': ['', 'packages/lib'],
    });
  });

  it('gives no members when every member sits in the lockfile\'s own folder', () => {
    const packages = parse(fs.readFileSync(path.join(FIXTURES, 'uv_multiple_roots.lock'), 'utf8'));
    assert.ok(packages.length > 0 && packages.every(p => p.members === undefined));
  });

  it('tells versions of one name apart by the version a requirement gives', () => {
    const pytest = parse(fs.readFileSync(path.join(FIXTURES, 'workspace.lock'), 'utf8')).find(p => p.name === 'pytest')!;
    assert.deepEqual(pytest.dependsOn, ['numpy@2.0.2', 'six@1.16.0']);
    assert.deepEqual(pytest.copies![0].highlight, { file: 'app/uv.lock', startLine: 52, startColumn: 1, endLine: 52, endColumn: 16 });
    assert.deepEqual([pytest.location!.startLine, pytest.location!.endLine], [51, 58]);
  });

  it('without any member, nothing is direct or dev', () => {
    const packages = parse(fs.readFileSync(path.join(FIXTURES, 'uv_without_root.lock'), 'utf8'));
    assert.deepEqual(packages.map(p => [p.id, p.direct, p.dev]), [['asyncio@3.4.3', false, false]]);
  });

  it('rejects what is not a uv.lock with a message that names the place, never the content', () => {
    const cases: [string, RegExp][] = [
      ['[[package]]\nname = "secret\n', /invalid TOML, .* \(line 2, column \d+\)$/],
      ['version = 1\n\n[[package]]\nversion = "1.0"\nsource = { registry = "secret" }\n', /a \[\[package\]\] has no name \(line 3\)$/],
      ['[[package]]\nname = "secret"\nsource = { registry = "https://pypi.org/simple" }\n', /a \[\[package\]\] has no version \(line 1\)$/],
    ];
    for (const [content, message] of cases) {
      assert.throws(() => parse(content), (error: Error) => {
        assert.match(error.message, /^not a valid uv\.lock: /);
        assert.match(error.message, message);
        assert.ok(!error.message.includes('secret'), error.message);
        return true;
      });
    }
  });

  it('takes time linear in the number of packages', function () {
    this.timeout(60_000);
    const make = (count: number) => {
      let text = 'version = 1\nrequires-python = ">=3.9"\n\n[[package]]\nname = "project"\nversion = "0.1.0"\nsource = { virtual = "." }\n';
      text += `dependencies = [\n${Array.from({ length: count }, (_, i) => `    { name = "pkg-${i}" },\n`).join('')}]\n\n`;
      for (let i = 0; i < count; i++) {
        text += `[[package]]\nname = "pkg-${i}"\nversion = "1.0.${i}"\nsource = { registry = "https://pypi.org/simple" }\n`;
        text += `dependencies = [\n    { name = "pkg-${i + 1}", marker = "python_full_version < '3.11'" },\n]\n`;
        text += `sdist = { url = "https://files.pythonhosted.org/packages/pkg-${i}-1.0.${i}.tar.gz", hash = "sha256:${'a'.repeat(64)}", size = 1234 }\n`;
        text += `wheels = [\n    { url = "https://files.pythonhosted.org/packages/pkg_${i}-1.0.${i}-py3-none-any.whl", hash = "sha256:${'b'.repeat(64)}", size = 99 },\n]\n\n`;
      }
      return text;
    };
    const { ratio, smallMs, largeMs } = doublingRatio(make, content => parse(content), 1000);
    console.log(`      uv.lock: 1,000 packages ${smallMs.toFixed(1)} ms, 2,000 packages ${largeMs.toFixed(1)} ms (ratio ${ratio.toFixed(2)})`);
    assert.ok(ratio < 3, `ratio ${ratio.toFixed(2)}`);
  });

  it("records the sdist's SHA-256 as the package's hash, else the first wheel's", () => {
    const lock = `version = 1\n\n[[package]]\nname = "six"\nversion = "1.16.0"\nsource = { registry = "https://pypi.org/simple" }\nsdist = { url = "https://x.test/six.tar.gz", hash = "sha256:714772a9f82b2aeb4fa5f7092d00fe4ac4c9cdeb6800840b6ed39ea64c4d785a", size = 1 }\nwheels = [{ url = "https://x.test/six.whl", hash = "sha256:e5ea22387c670954c886b5a11a8fdcc9fb6894075864fea5d4b337f8e6cd261b", size = 1 }]\n\n[[package]]\nname = "wheelonly"\nversion = "1.0"\nsource = { registry = "https://pypi.org/simple" }\nwheels = [\n  { url = "https://x.test/a.whl", hash = "sha256:73b1d9037f2ac2d2a70edc1aa2abbe6bc663c3bf75e4cd4d432f67bc53331a95", size = 1 },\n  { url = "https://x.test/b.whl", hash = "sha256:e5ea22387c670954c886b5a11a8fdcc9fb6894075864fea5d4b337f8e6cd261b", size = 1 },\n]\n`;
    const [six, wheelOnly] = parseUvLock({ path: 'uv.lock', content: lock }).packages;
    assert.deepEqual(six.hashes, [{ algorithm: 'SHA-256', value: '714772a9f82b2aeb4fa5f7092d00fe4ac4c9cdeb6800840b6ed39ea64c4d785a' }]);
    assert.deepEqual(wheelOnly.hashes, [{ algorithm: 'SHA-256', value: '73b1d9037f2ac2d2a70edc1aa2abbe6bc663c3bf75e4cd4d432f67bc53331a95' }]);
  });
});
