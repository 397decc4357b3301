import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { applyTextEdits } from './edits';
import { appendIgnoreEntry, formatIgnoreLine, ignoreFileLists, ignoreFileName } from './ignoreFile';
import { addOverrideEdits, bumpDependencyEdits, findManifestDependency, listManifestDependencies } from './packageJson';
import { declaredDependency, manifestFormatFor } from './manifests';
import { findRequirementPin, pinRequirementEdits } from './requirements';
import { bumpNpmSpec, lowestFixingVersion } from './versions';
import { DependencyGraph } from '../depgraph';
import type { FileResult } from '../types';

const fixtures = path.resolve(__dirname, '../../../../test/fixtures/lsp/npm-app');
const manifest = readFileSync(path.join(fixtures, 'package.json'), 'utf8');

describe('fixes: versions', () => {
  it('keeps the range operator when bumping an npm spec', () => {
    assert.equal(bumpNpmSpec('^4.17.15', '4.17.21'), '^4.17.21');
    assert.equal(bumpNpmSpec('~2.6.0', '2.6.7'), '~2.6.7');
    assert.equal(bumpNpmSpec('4.16.0', '4.20.0'), '4.20.0');
    assert.equal(bumpNpmSpec('v4.16.0', '4.20.0'), '4.20.0');
    assert.equal(bumpNpmSpec('>=1.2.0', '1.2.6'), '>=1.2.6');
    assert.equal(bumpNpmSpec('npm:@scope/qs@^6.5.1', '6.5.3'), 'npm:@scope/qs@^6.5.3');
  });

  it('refuses specs that are not one simple comparator', () => {
    for (const spec of ['1.x || 2.x', 'latest', 'git+https://github.com/a/b.git', 'file:../x', '>=1 <2', '*']) {
      assert.equal(bumpNpmSpec(spec, '3.0.0'), undefined, spec);
    }
  });

  it('picks the lowest version that fixes every finding', () => {
    const plan = lowestFixingVersion('npm', '4.17.15', [
      { id: 'CVE-2020-8203', fixedVersions: ['4.17.19'] },
      { id: 'CVE-2021-23337', fixedVersions: ['4.17.21'] },
      { id: 'CVE-2099-0001', fixedVersions: [] },
    ]);
    assert.deepEqual(plan, { version: '4.17.21', fixes: ['CVE-2020-8203', 'CVE-2021-23337'], unfixable: ['CVE-2099-0001'] });
  });

  it('takes the first fix above the installed version on multi-branch advisories, and compares numerically', () => {
    assert.equal(lowestFixingVersion('npm', '6.5.1', [{ id: 'a', fixedVersions: ['6.2.4', '6.5.3', '6.10.3'] }])?.version, '6.5.3');
    assert.equal(lowestFixingVersion('npm', '6.9.0', [{ id: 'a', fixedVersions: ['6.5.3', '6.10.3'] }])?.version, '6.10.3');
    assert.equal(lowestFixingVersion('PyPI', '2.2.0', [{ id: 'a', fixedVersions: ['2.2.10'] }, { id: 'b', fixedVersions: ['2.2.9'] }])?.version, '2.2.10');
    assert.equal(lowestFixingVersion('npm', '1.0.0', [{ id: 'a', fixedVersions: [] }]), undefined);
  });
});

describe('fixes: package.json', () => {
  it('lists dependencies with offsets of their properties and specs', () => {
    const deps = listManifestDependencies(manifest);
    assert.deepEqual(deps.map(d => `${d.section}:${d.name}=${d.spec}`), ['dependencies:express=4.16.0', 'dependencies:lodash=^4.17.15', 'devDependencies:mocha=~5.2.0']);
    const lodash = deps[1];
    assert.equal(manifest.slice(lodash.offset, lodash.offset + lodash.length), '"lodash": "^4.17.15"');
    assert.equal(manifest.slice(lodash.specOffset, lodash.specOffset + lodash.specLength), '"^4.17.15"');
    assert.deepEqual(listManifestDependencies('{ not json'), []);
  });

  it('bumps a direct dependency and leaves the rest of the file alone', () => {
    const planned = bumpDependencyEdits(manifest, 'lodash', '4.17.21')!;
    assert.equal(planned.spec, '^4.17.21');
    const after = applyTextEdits(manifest, planned.edits);
    assert.equal(after, manifest.replace('"^4.17.15"', '"^4.17.21"'));
    assert.equal(bumpDependencyEdits(manifest, 'not-there', '1.0.0'), undefined);
    assert.equal(bumpDependencyEdits(manifest, 'lodash', '4.17.15'), undefined, 'no-op bump');
  });

  it('adds an npm override scoped to the vulnerable version, in the file\'s indentation', () => {
    const { edits } = addOverrideEdits(manifest, 'npm', 'qs', '6.5.1', '6.5.3');
    const after = applyTextEdits(manifest, edits);
    assert.deepEqual(JSON.parse(after).overrides, { 'qs@6.5.1': '6.5.3' });
    assert.match(after, /\n  "overrides": \{\n    "qs@6\.5\.1": "6\.5\.3"\n  \}\n\}/);
    // A second override joins the first.
    const again = applyTextEdits(after, addOverrideEdits(after, 'npm', 'minimist', '0.0.8', '0.2.4').edits);
    assert.deepEqual(JSON.parse(again).overrides, { 'qs@6.5.1': '6.5.3', 'minimist@0.0.8': '0.2.4' });
  });

  it('writes yarn resolutions and pnpm overrides', () => {
    assert.deepEqual(JSON.parse(applyTextEdits(manifest, addOverrideEdits(manifest, 'yarn', 'qs', '6.5.1', '6.5.3').edits)).resolutions, { qs: '6.5.3' });
    assert.deepEqual(JSON.parse(applyTextEdits(manifest, addOverrideEdits(manifest, 'pnpm', 'qs', '6.5.1', '6.5.3').edits)).pnpm, { overrides: { 'qs@6.5.1': '6.5.3' } });
  });

  it('prefers the runtime declaration when a name is declared twice', () => {
    const text = '{"devDependencies":{"a":"1.0.0"},"dependencies":{"a":"^1.0.0"}}';
    assert.equal(findManifestDependency(text, 'a')?.section, 'dependencies');
  });

  it('is the manifest format of package.json in any folder, and of no lockfile', () => {
    const format = manifestFormatFor('apps/web/package.json')!;
    assert.deepEqual(format.fileNames, ['package.json']);
    assert.equal(manifestFormatFor('package-lock.json'), undefined);
    assert.equal(declaredDependency(format, manifest, 'lodash')?.spec, '^4.17.15');
    assert.equal(format.override?.(manifest, 'qs', '6.5.1', '6.5.3', 'pip-pin'), undefined, 'no override field outside npm, yarn and pnpm');
    assert.equal(format.override?.(manifest, 'qs', '6.5.1', '6.5.3', 'pnpm')?.field, 'pnpm.overrides');
  });
});

describe('fixes: requirements.txt', () => {
  const requirements = '# deps\nDjango==2.2.0\nrequests[socks] == 2.19.1 ; python_version >= "3"  # pinned\n  PyYAML==5.1\nflask>=1.0\n';

  it('finds pins by normalised name and rewrites only the version', () => {
    assert.equal(findRequirementPin(requirements, 'django')?.version, '2.2.0');
    assert.equal(findRequirementPin(requirements, 'pyyaml')?.version, '5.1');
    assert.equal(findRequirementPin(requirements, 'flask'), undefined, 'not an == pin');
    const after = applyTextEdits(requirements, pinRequirementEdits(requirements, 'Requests', '2.31.0')!);
    assert.equal(after, requirements.replace('2.19.1', '2.31.0'));
  });
});

describe('fixes: ignore file', () => {
  it('chooses .vigilignore only when it exists', () => {
    assert.equal(ignoreFileName(['.trivyignore', '.vigilignore']), '.vigilignore');
    assert.equal(ignoreFileName(['.trivyignore']), '.trivyignore');
    assert.equal(ignoreFileName([]), '.trivyignore');
  });

  it('formats entries with reason and expiry and appends them on a new line', () => {
    assert.equal(formatIgnoreLine('CVE-2022-24999'), 'CVE-2022-24999\n');
    assert.equal(formatIgnoreLine('CVE-2022-24999', { reason: 'not reachable:\n  we never parse\tquery strings', expires: '2030-01-31' }),
      'CVE-2022-24999 exp:2030-01-31 # not reachable: we never parse query strings\n');
    assert.throws(() => formatIgnoreLine('X', { expires: 'tomorrow' }), /expiry/);
    const edit = appendIgnoreEntry('GHSA-xxxx', 'CVE-1\n');
    assert.equal(applyTextEdits('GHSA-xxxx', [edit]), 'GHSA-xxxx\nCVE-1\n');
    assert.ok(ignoreFileLists('# c\nCVE-1 exp:2030-01-01\n', 'CVE-1'));
    assert.ok(!ignoreFileLists('# CVE-1\n', 'CVE-1'));
  });
});

describe('dependency graph', () => {
  const result = JSON.parse(readFileSync(path.join(fixtures, 'result.json'), 'utf8')) as FileResult;
  const graph = new DependencyGraph(result.packages);

  it('walks back from a transitive package to the direct dependencies that pull it in', () => {
    assert.deepEqual(graph.directAncestors('qs@6.5.1').map(p => p.id), ['express@4.16.0']);
    assert.deepEqual(graph.shortestPathFromDirect('qs@6.5.1'), ['express@4.16.0', 'qs@6.5.1']);
    assert.deepEqual(graph.shortestPathFromDirect('lodash@4.17.15'), ['lodash@4.17.15']);
    assert.deepEqual(graph.directAncestors('nobody@1.0.0'), []);
  });
});
