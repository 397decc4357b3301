import { goModWithModules } from '../../../../test/helpers/generated-go-mod';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { doublingRatio } from '../../../../test/helpers/linear-time';
import { goModAnalyzer } from '../analyzers/go-mod';
import { applyTextEdits } from './edits';
import { declaredDependency, manifestFormatFor } from './manifests';
import { goModManifest } from './goMod';

const GO_MOD = `module example.com/app

go 1.22.1

toolchain go1.22.5

require (
\tgolang.org/x/text v0.3.2
\tgithub.com/pkg/errors v0.9.1 // indirect
\tgithub.com/old/lib v1.0.0
\tgithub.com/local/lib v1.0.0
)

require "golang.org/x/net" v0.7.0

replace github.com/old/lib v1.0.0 => github.com/fork/lib v1.1.0

replace github.com/local/lib => ../lib
`;

const bumped = (text: string, name: string, version: string) => {
  const edit = goModManifest.bump(text, name, version);
  return edit && { spec: edit.spec, text: applyTextEdits(text, edit.edits) };
};

describe('fixes: go.mod', () => {
  it('lists every require under the name a replace gives it, and the toolchain as stdlib', () => {
    const listed = goModManifest.list(GO_MOD);
    assert.deepEqual(listed.map(d => [d.name, d.spec, d.section]), [
      ['stdlib', 'v1.22.5', 'toolchain'],
      ['golang.org/x/text', 'v0.3.2', 'require'],
      ['github.com/pkg/errors', 'v0.9.1', 'require // indirect'],
      ['github.com/fork/lib', 'v1.1.0', 'require'],
      ['golang.org/x/net', 'v0.7.0', 'require'],
    ]);
    assert.equal(GO_MOD.slice(listed[1].offset, listed[1].offset + listed[1].length), 'golang.org/x/text v0.3.2');
    assert.equal(manifestFormatFor('svc/go.mod'), goModManifest);
    assert.ok(declaredDependency(goModManifest, GO_MOD, 'github.com/pkg/errors'), 'an indirect require is declared');
  });

  it('lists the packages the go-mod analyzer reports from go.mod itself', () => {
    for (const fixture of ['trivy-normal/go.mod', 'trivy-replaced/go.mod', 'trivy-replaced-with-local-path/go.mod', 'osv-replace-mixed.mod', 'osv-indirect-packages.mod']) {
      const text = readFileSync(path.resolve(__dirname, '../analyzers/fixtures/go-mod', fixture), 'utf8');
      const packages = goModAnalyzer.analyze({ path: 'go.mod', content: text }).packages;
      const listed = new Set(goModManifest.list(text).map(d => `${d.name}@${d.spec}`));
      assert.deepEqual([...listed].sort(), packages.map(p => `${p.name}@${p.version}`).sort(), fixture);
    }
  });

  it('bumps the line that decides the version, writing v and the version', () => {
    assert.match(bumped(GO_MOD, 'golang.org/x/text', '0.3.8')!.text, /^\tgolang\.org\/x\/text v0\.3\.8$/m);
    assert.match(bumped(GO_MOD, 'github.com/pkg/errors', 'v0.9.2')!.text, /^\tgithub\.com\/pkg\/errors v0\.9\.2 \/\/ indirect$/m);
    const fork = bumped(GO_MOD, 'github.com/fork/lib', '1.2.0')!;
    assert.match(fork.text, /^replace github\.com\/old\/lib v1\.0\.0 => github\.com\/fork\/lib v1\.2\.0$/m, 'the replace decides it');
    assert.match(fork.text, /^\tgithub\.com\/old\/lib v1\.0\.0$/m);
    assert.match(bumped(GO_MOD, 'golang.org/x/net', '0.23.0')!.text, /^require "golang\.org\/x\/net" v0\.23\.0$/m, 'a quoted path\'s version');
    assert.equal(bumped(GO_MOD, 'golang.org/x/text', '0.3.8')!.spec, 'v0.3.8');
  });

  it('bumps stdlib on the toolchain line, adding one after the go line where there is none', () => {
    assert.match(bumped(GO_MOD, 'stdlib', '1.22.7')!.text, /^toolchain go1\.22\.7$/m);
    const goLineOnly = 'module m\n\ngo 1.22.0\n\nrequire golang.org/x/text v0.3.2\n';
    const added = bumped(goLineOnly, 'stdlib', 'v1.22.7')!;
    assert.equal(added.spec, 'go1.22.7');
    assert.equal(added.text, 'module m\n\ngo 1.22.0\n\ntoolchain go1.22.7\n\nrequire golang.org/x/text v0.3.2\n');
    assert.equal(goModManifest.bump('module m\n\ngo 1.16\n', 'stdlib', '1.22.7'), undefined, 'Go 1.16 names no toolchain');
  });

  it('gives no bump for a version already there, a lower one, a local replacement or a module not required', () => {
    assert.equal(goModManifest.bump(GO_MOD, 'golang.org/x/text', '0.3.2'), undefined);
    assert.equal(goModManifest.bump(GO_MOD, 'golang.org/x/text', '0.3.0'), undefined);
    assert.equal(goModManifest.bump(GO_MOD, 'github.com/local/lib', '1.2.0'), undefined);
    assert.equal(goModManifest.bump(GO_MOD, 'github.com/old/lib', '1.2.0'), undefined, 'replaced: its requirement decides nothing');
    assert.equal(goModManifest.bump(GO_MOD, 'stdlib', '1.22.5'), undefined);
    assert.equal(goModManifest.bump(GO_MOD, 'example.com/absent', '1.0.0'), undefined);
  });

  it('forces a module go.mod does not require with a replace', () => {
    const override = goModManifest.override!(GO_MOD, 'golang.org/x/crypto', 'v0.0.1', '0.17.0', 'none')!;
    assert.equal(override.field, 'replace');
    assert.equal(applyTextEdits(GO_MOD, override.edits), `${GO_MOD}replace golang.org/x/crypto => golang.org/x/crypto v0.17.0\n`);
    assert.equal(applyTextEdits('module m', goModManifest.override!('module m', 'a.b/c', 'v1', 'v2.0.0', 'none')!.edits), 'module m\nreplace a.b/c => a.b/c v2.0.0\n');
    assert.equal(goModManifest.override!(GO_MOD, 'golang.org/x/text', 'v0.3.2', '0.3.8', 'none'), undefined, 'required: bumped instead');
    assert.equal(goModManifest.override!(GO_MOD, 'github.com/local/lib', 'v1.0.0', '1.2.0', 'none'), undefined, 'already replaced');
  });

  it('gives nothing for a malformed go.mod, without throwing', () => {
    for (const text of ['module m\nrequire (\n', 'module m\nrequire "x v1\n', 'nonsense here\n', 'module m\nreplace a v1\n']) {
      assert.deepEqual(goModManifest.list(text), []);
      assert.equal(goModManifest.bump(text, 'x', '2.0.0'), undefined);
      assert.equal(goModManifest.override!(text, 'x', 'v1', '2.0.0', 'none'), undefined);
    }
  });

  it('time grows linearly (twice the modules, well under three times the time)', function () {
    this.timeout(60_000);
    this.retries(2); // a busy shared machine can slow one size more than the other; a quadratic scan fails every try
    const { ratio } = doublingRatio(goModWithModules, text => goModManifest.bump(text, 'github.com/org1/mod1', '9.0.0'), 600);
    assert.ok(ratio < 3, `ratio ${ratio.toFixed(2)}`);
  });
});
