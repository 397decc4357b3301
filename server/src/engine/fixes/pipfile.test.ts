import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pipenvLockAnalyzer } from '../analyzers/pipenv-lock';
import { normalizePackageName } from '../ecosystems';
import { applyTextEdits } from './edits';
import { declaredDependency, manifestFormatFor } from './manifests';
import { pipfileManifest } from './pipfile';

const PIPFILE = `[[source]]
url = "https://pypi.org/simple"
name = "pypi"

[packages]
Requests = "==2.19.1"
django = {version = ">=2.2", extras = ["bcrypt"]}
flask = "*"
"PyYAML" = '~=5.3'

[dev-packages]
pytest = ">=7.0,<8"

[requires]
python_version = "3.11"
`;

const bumped = (name: string, version: string) => {
  const edit = pipfileManifest.bump(PIPFILE, name, version);
  return edit && { spec: edit.spec, text: applyTextEdits(PIPFILE, edit.edits) };
};

describe('fixes: Pipfile', () => {
  it('lists [packages] and [dev-packages] with the range of each line', () => {
    const listed = pipfileManifest.list(PIPFILE);
    assert.deepEqual(listed.map(d => [d.name, d.spec, d.section]), [
      ['Requests', '==2.19.1', 'packages'],
      ['django', '>=2.2', 'packages'],
      ['flask', '*', 'packages'],
      ['PyYAML', '~=5.3', 'packages'],
      ['pytest', '>=7.0,<8', 'dev-packages'],
    ]);
    assert.equal(PIPFILE.slice(listed[1].offset, listed[1].offset + listed[1].length), 'django = {version = ">=2.2", extras = ["bcrypt"]}');
    assert.equal(manifestFormatFor('app/Pipfile'), pipfileManifest);
    assert.equal(declaredDependency(pipfileManifest, PIPFILE, 'requests')?.name, 'Requests');
  });

  it('bumps in the Pipfile\'s own style', () => {
    assert.match(bumped('requests', '2.31.0')!.text, /^Requests = "==2\.31\.0"$/m);
    assert.match(bumped('django', '2.2.28')!.text, /^django = \{version = ">=2\.2\.28", extras = \["bcrypt"\]\}$/m);
    assert.match(bumped('pyyaml', '5.4')!.text, /^"PyYAML" = '~=5\.4'$/m);
    assert.equal(bumped('pytest', '7.2.0')!.spec, '>=7.2.0,<8');
  });

  it('gives no bump for "*", a version already there, or a ceiling that excludes it', () => {
    assert.equal(pipfileManifest.bump(PIPFILE, 'flask', '2.3.2'), undefined);
    assert.equal(pipfileManifest.bump(PIPFILE, 'requests', '2.19.1'), undefined);
    assert.equal(pipfileManifest.bump(PIPFILE, 'pytest', '8.0.0'), undefined);
    assert.equal(pipfileManifest.bump(PIPFILE, 'absent', '1.0'), undefined);
  });

  it('gives nothing for text that is not TOML, without throwing', () => {
    for (const text of ['[packages\nx = "==1"', '[packages]\nx = ', '[packages]\nx = 1\ny = ["==1"]']) {
      assert.doesNotThrow(() => pipfileManifest.list(text));
      assert.equal(pipfileManifest.bump(text, 'x', '2.0'), undefined);
    }
  });

  it('names the packages as Pipfile.lock does, once normalised', () => {
    const dir = path.resolve(__dirname, '../analyzers/fixtures/pipenv-lock/with-pipfile');
    const manifest = readFileSync(path.join(dir, 'Pipfile'), 'utf8');
    const packages = pipenvLockAnalyzer.analyze({ path: 'Pipfile.lock', content: readFileSync(path.join(dir, 'Pipfile.lock'), 'utf8'), siblings: new Map([['Pipfile', manifest]]) }).packages;
    const key = (name: string) => normalizePackageName('PyPI', name);
    assert.deepEqual(pipfileManifest.list(manifest).map(d => key(d.name)).sort(), packages.filter(p => p.direct).map(p => key(p.name)).sort());
  });
});
