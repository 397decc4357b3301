import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { poetryLockAnalyzer } from '../analyzers/poetry-lock';
import { normalizePackageName } from '../ecosystems';
import { applyTextEdits } from './edits';
import { declaredDependency, manifestFormatFor } from './manifests';
import { parseRequirement, pyprojectTomlManifest } from './pyprojectToml';
import { bumpPythonSpec } from './versions';

const PEP_621 = `[project]
name = "app"
dependencies = [
  "Django>=2.2,<3",
  "requests[socks] (==2.19.1) ; python_version >= '3.8'",
  'PyYAML~=5.3',
  "flask",
  "pip @ https://example.com/pip.whl",
]

[project.optional-dependencies]
images = ["Pillow>=8.0.0"]

[dependency-groups]
test = ["pytest>=7", { include-group = "lint" }]
`;

const POETRY = `[tool.poetry]
name = "service"

[tool.poetry.dependencies]
python = "^3.11"
requests = "^2.25"
Jinja2 = { version = "~2.10", extras = ["i18n"] }
urllib3 = "1.24.1"
anything = "*"

[tool.poetry.group.test.dependencies]
pytest = ">=7.0"

[tool.poetry.dependencies.pillow]
version = "^8.0"
`;

const bumped = (text: string, name: string, version: string) => {
  const edit = pyprojectTomlManifest.bump(text, name, version);
  return edit && { spec: edit.spec, text: applyTextEdits(text, edit.edits) };
};

describe('fixes: pyproject.toml', () => {
  it('lists PEP 621 and PEP 735 requirements with their specifiers and ranges', () => {
    const listed = pyprojectTomlManifest.list(PEP_621);
    assert.deepEqual(listed.map(d => [d.name, d.spec, d.section]), [
      ['Django', '>=2.2,<3', 'project.dependencies'],
      ['requests', '==2.19.1', 'project.dependencies'],
      ['PyYAML', '~=5.3', 'project.dependencies'],
      ['flask', '', 'project.dependencies'],
      ['pip', '', 'project.dependencies'],
      ['Pillow', '>=8.0.0', 'project.optional-dependencies.images'],
      ['pytest', '>=7', 'dependency-groups.test'],
    ]);
    assert.equal(PEP_621.slice(listed[0].offset, listed[0].offset + listed[0].length), '"Django>=2.2,<3"');
    assert.equal(manifestFormatFor('svc/pyproject.toml'), pyprojectTomlManifest);
    assert.equal(declaredDependency(pyprojectTomlManifest, PEP_621, 'pyyaml')?.name, 'PyYAML', 'names compare as PEP 503 says');
  });

  it('lists Poetry dependencies, leaving out python', () => {
    assert.deepEqual(pyprojectTomlManifest.list(POETRY).map(d => [d.name, d.spec, d.section]), [
      ['requests', '^2.25', 'tool.poetry.dependencies'],
      ['Jinja2', '~2.10', 'tool.poetry.dependencies'],
      ['urllib3', '1.24.1', 'tool.poetry.dependencies'],
      ['anything', '*', 'tool.poetry.dependencies'],
      ['pytest', '>=7.0', 'tool.poetry.group.test.dependencies'],
      ['pillow', '^8.0', 'tool.poetry.dependencies'],
    ]);
  });

  it('bumps PEP 508 strings, keeping extras, parentheses, markers and quotes', () => {
    assert.match(bumped(PEP_621, 'django', '2.2.28')!.text, /^ {2}"Django>=2\.2\.28,<3",$/m);
    assert.match(bumped(PEP_621, 'requests', '2.31.0')!.text, /^ {2}"requests\[socks\] \(==2\.31\.0\) ; python_version >= '3\.8'",$/m);
    assert.match(bumped(PEP_621, 'pyyaml', '5.4')!.text, /^ {2}'PyYAML~=5\.4',$/m);
    assert.match(bumped(PEP_621, 'pillow', '9.0.1')!.text, /images = \["Pillow>=9\.0\.1"\]/);
    assert.equal(bumped(PEP_621, 'Django', '2.2.28')!.spec, '>=2.2.28,<3');
  });

  it('bumps Poetry constraints in their own style', () => {
    assert.match(bumped(POETRY, 'requests', '2.31.0')!.text, /^requests = "\^2\.31\.0"$/m);
    assert.match(bumped(POETRY, 'jinja2', '2.10.1')!.text, /^Jinja2 = \{ version = "~2\.10\.1", extras = \["i18n"\] \}$/m);
    assert.match(bumped(POETRY, 'urllib3', '1.24.2')!.text, /^urllib3 = "1\.24\.2"$/m);
    assert.match(bumped(POETRY, 'pillow', '8.1.1')!.text, /\[tool\.poetry\.dependencies\.pillow\]\nversion = "\^8\.1\.1"/);
  });

  it('gives no bump where there is nothing to raise', () => {
    assert.equal(pyprojectTomlManifest.bump(PEP_621, 'flask', '2.0.0'), undefined, 'no specifier');
    assert.equal(pyprojectTomlManifest.bump(PEP_621, 'pip', '23.0'), undefined, 'a URL requirement');
    assert.equal(pyprojectTomlManifest.bump(PEP_621, 'django', '3.2.25'), undefined, 'the ceiling <3 excludes it');
    assert.equal(pyprojectTomlManifest.bump(PEP_621, 'requests', '2.19.1'), undefined, 'already there');
    assert.equal(pyprojectTomlManifest.bump(POETRY, 'anything', '1.0'), undefined, '* names no version');
    assert.equal(pyprojectTomlManifest.bump(POETRY, 'python', '3.12'), undefined);
    assert.equal(pyprojectTomlManifest.bump('[project]\ndependencies = ["x==1.*"]', 'x', '1.5'), undefined);
  });

  it('gives nothing for text that is not TOML, without throwing', () => {
    for (const text of ['[project\ndependencies = ["a>=1"]', '[project]\ndependencies = "a>=1"', '[project]\ndependencies = [1, ["x"]]', '']) {
      assert.doesNotThrow(() => pyprojectTomlManifest.list(text));
      assert.equal(pyprojectTomlManifest.bump(text, 'a', '2.0'), undefined);
    }
  });

  it('names the packages as poetry.lock does, once normalised', () => {
    const dir = path.resolve(__dirname, '../analyzers/fixtures/poetry-lock/groups-from-pyproject');
    const manifest = readFileSync(path.join(dir, 'pyproject.toml'), 'utf8');
    const packages = poetryLockAnalyzer.analyze({ path: 'poetry.lock', content: readFileSync(path.join(dir, 'poetry.lock'), 'utf8'), siblings: new Map([['pyproject.toml', manifest]]) }).packages;
    const key = (name: string) => normalizePackageName('PyPI', name);
    assert.deepEqual(pyprojectTomlManifest.list(manifest).map(d => key(d.name)).sort(), packages.filter(p => p.direct).map(p => key(p.name)).sort());
  });

  it('reads PEP 508 requirements and rewrites PEP 440 specifiers', () => {
    assert.deepEqual(parseRequirement('  name [a,b] ( >=1.0 ) ;x'), { name: 'name', spec: ' >=1.0', specStart: 14, specEnd: 20 });
    assert.equal(parseRequirement('>=1.0'), undefined);
    assert.equal(parseRequirement('x[unclosed>=1'), undefined);
    assert.equal(bumpPythonSpec('~=1.4', '2'), '~=2.0');
    assert.equal(bumpPythonSpec('>=1.0, !=1.5', '1.5'), undefined, 'the exclusion stays');
    assert.equal(bumpPythonSpec('>=1.0, !=1.5', '1.6'), '>=1.6, !=1.5');
  });
});
