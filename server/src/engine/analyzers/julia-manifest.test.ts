// What the goldens do not show: the underline, sub-tables, the syntax-tree fallback, malformed
// input, and linear time.
import assert from 'node:assert/strict';
import { doublingRatio } from '../../../../test/helpers/linear-time';
import { parseJuliaManifest } from './julia-manifest';

function manifest(size: number): string {
  let text = 'julia_version = "1.10.0"\nmanifest_format = "2.0"\n';
  for (let i = 0; i < size; i++) {
    text += `\n[[deps.Pkg${i}]]\ngit-tree-sha1 = "0123"\nuuid = "00000000-0000-0000-0000-${String(i).padStart(12, '0')}"\nversion = "1.${i}.0"\n`;
    if (i + 1 < size) text += `\n    [deps.Pkg${i}.deps]\n    Pkg${i + 1} = "00000000-0000-0000-0000-${String(i + 1).padStart(12, '0')}"\n`;
  }
  return text;
}

describe('julia-manifest analyzer', () => {
  it('underlines the header and spans the entry with its sub-tables', () => {
    const [first, second] = parseJuliaManifest(manifest(2), 'Manifest.toml');
    assert.deepEqual(first.copies![0].highlight, { file: 'Manifest.toml', startLine: 4, startColumn: 1, endLine: 4, endColumn: 14 });
    assert.deepEqual(first.location, { file: 'Manifest.toml', startLine: 4, startColumn: 1, endLine: 10, endColumn: 50 });
    assert.deepEqual(first.dependsOn, ['Pkg1@1.1.0']);
    assert.equal(second.purl, 'pkg:julia/Pkg1@1.1.0?uuid=00000000-0000-0000-0000-000000000001');
  });

  it('makes direct what the Project.toml lists, by UUID', () => {
    const project = '[deps]\nPkg1 = "00000000-0000-0000-0000-000000000001"\n';
    assert.deepEqual(parseJuliaManifest(manifest(2), 'Manifest.toml', project).map(p => p.direct), [false, true]);
    assert.deepEqual(parseJuliaManifest(manifest(2), 'Manifest.toml', 'not = toml = at all').map(p => p.direct), [false, false]);
  });

  it('locates entries the line scan cannot follow with the syntax tree', () => {
    const text = 'manifest_format = "2.0"\n[[deps.A]]\nuuid = "1"\nversion = "1.0.0"\nnote = """\n[[deps.B]]\n"""\n[[deps.C]]\nuuid = "3"\nversion = "3.0.0"\n';
    const packages = parseJuliaManifest(text, 'Manifest.toml');
    assert.deepEqual(packages.map(p => [p.id, p.location!.startLine, p.copies![0].highlight.endColumn]), [['A@1.0.0', 2, 11], ['C@3.0.0', 8, 11]]);
  });

  it('refuses broken input with a message that says where, never what', () => {
    const secret = 'sekret-token-123';
    for (const [content, expected] of [
      [`[[deps.A]]\nuuid = "${secret}\n`, /invalid TOML, .* \(line 2, column \d+\)/],
      [`manifest_format = "2.0"\ndeps = "${secret}"\n`, /'deps' is not a table/],
      [`${secret} = [1, 2]\n`, /a package entry is not a table/],
    ] as const) {
      assert.throws(() => parseJuliaManifest(content, 'Manifest.toml'), (error: Error) => {
        assert.ok(error.constructor === Error, String(error));
        assert.match(error.message, /^not a valid Manifest\.toml: /);
        assert.match(error.message, expected);
        assert.ok(!error.message.includes(secret), error.message);
        return true;
      });
    }
  });

  it('takes time that grows linearly (twice the packages, well under three times the time)', function () {
    this.timeout(60_000);
    const { ratio, smallMs, largeMs } = doublingRatio(manifest, text => parseJuliaManifest(text, 'Manifest.toml'), 1000);
    assert.ok(ratio < 3, `${largeMs.toFixed(1)} ms / ${smallMs.toFixed(1)} ms`);
  });
});
