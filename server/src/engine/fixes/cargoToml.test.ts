import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { cargoLockAnalyzer } from '../analyzers/cargo-lock';
import { cargoTomlManifest } from './cargoToml';
import { applyTextEdits } from './edits';
import { declaredDependency, manifestFormatFor } from './manifests';
import { bumpCargoSpec } from './versions';

const CARGO_TOML = `[package]
name = "app"
version = "0.1.0"

[dependencies]
serde = "1.0.100"
json = { package = "serde_json", version = "~1.0.40", features = ["raw"] }
regex = "=1.7.3"
local = { path = "../local" }

[dependencies.smallvec]
version = "1.4"
features = ["union"]

[dev-dependencies]
proptest = ">=0.9, <0.11"

[build-dependencies]
cc = '1.0'

[target.'cfg(unix)'.dependencies]
libc = { version = "0.2.60" }

[workspace.dependencies]
tokio = { version = "1", features = ["full"] }
`;

const bumped = (text: string, name: string, version: string) => {
  const edit = cargoTomlManifest.bump(text, name, version);
  return edit && { spec: edit.spec, text: applyTextEdits(text, edit.edits) };
};

describe('fixes: Cargo.toml', () => {
  it('lists every dependency table, renamed crates under their own name, with the range of each declaration', () => {
    const listed = cargoTomlManifest.list(CARGO_TOML);
    assert.deepEqual(listed.map(d => [d.name, d.spec, d.section]), [
      ['serde', '1.0.100', 'dependencies'],
      ['serde_json', '~1.0.40', 'dependencies'],
      ['regex', '=1.7.3', 'dependencies'],
      ['local', '', 'dependencies'],
      ['smallvec', '1.4', 'dependencies'],
      ['proptest', '>=0.9, <0.11', 'dev-dependencies'],
      ['cc', '1.0', 'build-dependencies'],
      ['libc', '0.2.60', 'target.cfg(unix).dependencies'],
      ['tokio', '1', 'workspace.dependencies'],
    ]);
    const text = (name: string) => {
      const found = listed.find(d => d.name === name)!;
      return CARGO_TOML.slice(found.offset, found.offset + found.length);
    };
    assert.equal(text('serde'), 'serde = "1.0.100"');
    assert.equal(text('serde_json'), 'json = { package = "serde_json", version = "~1.0.40", features = ["raw"] }');
    assert.equal(text('smallvec'), '[dependencies.smallvec]', 'a table declaration is its header');
    assert.equal(manifestFormatFor('crates/app/Cargo.toml'), cargoTomlManifest);
    assert.equal(declaredDependency(cargoTomlManifest, CARGO_TOML, 'serde_json')?.section, 'dependencies');
  });

  it('bumps in Cargo\'s own requirement style, in the string\'s own quotes', () => {
    assert.equal(bumped(CARGO_TOML, 'serde', '1.0.150')?.spec, '1.0.150', 'a bare version is a caret requirement and stays bare');
    assert.match(bumped(CARGO_TOML, 'serde_json', '1.0.99')!.text, /json = \{ package = "serde_json", version = "~1\.0\.99", features = \["raw"\] \}/);
    assert.match(bumped(CARGO_TOML, 'regex', '1.7.4')!.text, /^regex = "=1\.7\.4"$/m);
    assert.match(bumped(CARGO_TOML, 'smallvec', '1.6.1')!.text, /\[dependencies\.smallvec\]\nversion = "1\.6\.1"\n/);
    assert.match(bumped(CARGO_TOML, 'proptest', '0.10.1')!.text, /^proptest = ">=0\.10\.1, <0\.11"$/m);
    assert.match(bumped(CARGO_TOML, 'cc', '1.0.79')!.text, /^cc = '1\.0\.79'$/m);
    assert.match(bumped(CARGO_TOML, 'libc', '0.2.150')!.text, /^libc = \{ version = "0\.2\.150" \}$/m);
    assert.match(bumped(CARGO_TOML, 'tokio', '1.18.5')!.text, /^tokio = \{ version = "1\.18\.5", features = \["full"\] \}$/m);
    const once = bumped(CARGO_TOML, 'serde', '1.0.150')!.text;
    assert.equal(once.split('\n').length, CARGO_TOML.split('\n').length);
    assert.equal(once.replace('1.0.150', '1.0.100'), CARGO_TOML, 'nothing else changed');
  });

  it('gives no bump where there is nothing to raise', () => {
    assert.equal(cargoTomlManifest.bump(CARGO_TOML, 'serde', '1.0.100'), undefined, 'already there');
    assert.equal(cargoTomlManifest.bump(CARGO_TOML, 'serde', '1.0.50'), undefined, 'never down');
    assert.equal(cargoTomlManifest.bump(CARGO_TOML, 'local', '1.0.0'), undefined, 'a path dependency names no version');
    assert.equal(cargoTomlManifest.bump(CARGO_TOML, 'proptest', '0.11.1'), undefined, 'the ceiling excludes it');
    assert.equal(cargoTomlManifest.bump(CARGO_TOML, 'json', '1.0.99'), undefined, 'a rename key is no crate name');
    assert.equal(cargoTomlManifest.bump(CARGO_TOML, 'absent', '1.0.0'), undefined);
    assert.equal(cargoTomlManifest.bump('[dependencies]\nx = "*"\n', 'x', '1.0.0'), undefined);
    assert.equal(cargoTomlManifest.bump('[dependencies]\nx = "1.*"\n', 'x', '1.2.0'), undefined);
  });

  it('says which declarations take their version from the workspace root', () => {
    const member = '[dependencies]\nserde = { workspace = true, features = ["derive"] }\nsmallvec.workspace = true\nregex = { workspace = false, version = "1" }\nlocal = { path = "../local" }\n';
    assert.equal(cargoTomlManifest.inheritsVersion!(member, 'serde'), true);
    assert.equal(cargoTomlManifest.inheritsVersion!(member, 'smallvec'), true, 'the dotted-key form');
    assert.equal(cargoTomlManifest.inheritsVersion!(member, 'regex'), false);
    assert.equal(cargoTomlManifest.inheritsVersion!(member, 'local'), false);
    assert.equal(cargoTomlManifest.bump(member, 'serde', '1.0.200'), undefined, 'the member holds no version to raise');
    assert.equal(cargoTomlManifest.inheritsVersion!('not [toml', 'serde'), false);
  });

  it('moves only the declaration of the same release line when a crate is declared at two majors', () => {
    const text = '[dependencies]\nsv1 = { package = "smallvec", version = "1.4" }\nsv06 = { package = "smallvec", version = "0.6.10" }\n';
    assert.equal(bumped(text, 'smallvec', '0.6.14')!.text, text.replace('0.6.10', '0.6.14'));
    assert.equal(bumped(text, 'smallvec', '1.6.1')!.text, text.replace('"1.4"', '"1.6.1"'));
  });

  it('gives nothing for text that is not TOML, without throwing', () => {
    for (const text of ['[dependencies\nserde = "1"', 'serde = ', '', '[[dependencies]]\nx = 1', '[dependencies]\nserde = 1']) {
      assert.doesNotThrow(() => cargoTomlManifest.list(text));
      assert.equal(cargoTomlManifest.bump(text, 'serde', '2.0.0'), undefined, text);
    }
    assert.deepEqual(cargoTomlManifest.list('[dependencies\nserde = "1"'), []);
  });

  it('names the crates as Cargo.lock does', () => {
    const dir = path.resolve(__dirname, '../analyzers/fixtures/cargo-lock/with-manifest');
    const manifest = readFileSync(path.join(dir, 'Cargo.toml'), 'utf8');
    const packages = cargoLockAnalyzer.analyze({ path: 'Cargo.lock', content: readFileSync(path.join(dir, 'Cargo.lock'), 'utf8'), siblings: new Map([['Cargo.toml', manifest]]) }).packages;
    const direct = packages.filter(p => p.direct).map(p => p.name).sort();
    assert.deepEqual(cargoTomlManifest.list(manifest).map(d => d.name).sort(), direct);
    const renamed = '[dependencies]\nwin = { package = "winapi", version = "0.3" }\n';
    assert.ok(direct.includes(cargoTomlManifest.list(renamed)[0].name), 'a renamed crate goes by its package name');
  });

  it('rewrites Cargo requirements clause by clause', () => {
    assert.equal(bumpCargoSpec('^1.2', '1.5.1'), '^1.5.1');
    assert.equal(bumpCargoSpec('~1.2', '1.2.9'), '~1.2.9');
    assert.equal(bumpCargoSpec('>= 1.2', '1.5.1'), '>= 1.5.1');
    assert.equal(bumpCargoSpec('1.10', '1.9.0'), undefined, '1.10 is above 1.9.0');
    assert.equal(bumpCargoSpec('>1.2', '1.5.1'), undefined);
  });
});
