// dist/engine.js is a CommonJS library: build it as `npm run build` does and use it from plain Node.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './helpers/corpus';

describe('dist/engine.js as a library', function () {
  this.timeout(60_000);
  before(() => execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT }));

  it('exports compareVersions and the scan pipeline to plain require()', () => {
    const bundle = path.join(REPO_ROOT, 'dist/engine.js');
    assert.ok(fs.existsSync(bundle));
    const script = `
      const vigil = require(${JSON.stringify(bundle)});
      const out = {
        pypi: vigil.compareVersions('PyPI', '1.0rc1', '1.0'),
        go: vigil.compareVersions('Go', '1.2.3', '1.2.3+incompatible'),
        debian: vigil.compareVersions('Debian', '1:1.0', '2.0'),
        npm: vigil.compareVersions('npm', '1.0.0', '1.0.0'),
        api: ['scanPath', 'scanFile', 'openDb', 'importAdvisories', 'updateDb', 'dbStatus', 'loadIgnorePolicy']
          .filter(name => typeof vigil[name] !== 'function'),
      };
      process.stdout.write(JSON.stringify(out));`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
    assert.deepEqual(out, { pypi: -1, go: 0, debian: 1, npm: 0, api: [] });
  });
});

describe('README', () => {
  it('has a library example that runs from a clone', function () {
    this.timeout(60_000);
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Using the engine as a library'));
    const example = /```js\n([\s\S]*?)```/.exec(section)?.[1];
    assert.ok(example, 'a js block in the library section');
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT });
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-readme-'));
    try {
      execFileSync(process.execPath, ['dist/cli.js', 'db', 'import', '--quiet', '--cache-dir', cacheDir, 'demo-db/osv'], { cwd: REPO_ROOT });
      const out = execFileSync(process.execPath, ['-e', example], {
        cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, VIGIL_CACHE_DIR: cacheDir },
      });
      assert.match(out, /^node-app\/package-lock\.json [1-9]\d*$/m);
      assert.match(out, /^python-app\/requirements\.txt [1-9]\d*$/m);
    } finally {
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  it('names the DB schema version the code writes', () => {
    const { SCHEMA_VERSION } = require('../server/src/engine/db/format') as { SCHEMA_VERSION: number };
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    assert.ok(readme.includes(`schema version is **${SCHEMA_VERSION}**`), `README should say schema version ${SCHEMA_VERSION}`);
  });
});
