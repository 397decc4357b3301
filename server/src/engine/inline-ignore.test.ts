// Inline ignore comments, from the comment syntax through the pip analyzer to the detector,
// and end to end through the real CLI process on a DB imported from the demo's OSV records.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipRequirementsAnalyzer } from './analyzers/pip-requirements';
import { isInlineIgnored, parseInlineIgnores } from './inline-ignore';

const REPO_ROOT = path.resolve(__dirname, '../../..');
const analyze = (content: string) => pipRequirementsAnalyzer.analyze({ path: 'requirements.txt', content }).packages;

describe('inline ignore comments', () => {
  it('reads vigil: and trivy: ignores, several per comment, with an optional expiry', () => {
    assert.deepEqual(parseInlineIgnores('# vigil:ignore:CVE-2019-1 trivy:ignore:GHSA-abcd-efgh-ijkl:exp:2030-01-31 see ticket'), [
      { id: 'CVE-2019-1' }, { id: 'GHSA-abcd-efgh-ijkl', expiresAt: '2030-01-31' },
    ]);
    assert.deepEqual(parseInlineIgnores('# ignore:CVE-1 novigil:ignore:CVE-2'), []);
  });

  it('matches the ID or an alias until the expiry day', () => {
    const now = new Date('2026-03-01T12:00:00Z');
    assert.ok(isInlineIgnored([{ id: 'GHSA-x' }], ['CVE-1', 'GHSA-x'], now));
    assert.ok(!isInlineIgnored([{ id: 'GHSA-y' }], ['CVE-1', 'GHSA-x'], now));
    assert.ok(isInlineIgnored([{ id: 'CVE-1', expiresAt: '2026-03-02' }], ['CVE-1'], now));
    assert.ok(!isInlineIgnored([{ id: 'CVE-1', expiresAt: '2026-03-01' }], ['CVE-1'], now), 'stops on its expiry day');
  });

  it('pip: a comment on the requirement\'s line or alone on the line above applies to that package only', () => {
    const packages = analyze([
      '# vigil:ignore:CVE-A',
      'Django==2.2.0',
      'requests==2.19.1  # trivy:ignore:CVE-B pinned for py2',
      '',
      '# vigil:ignore:CVE-C',
      '',
      'Jinja2==2.10',
      '# a plain comment',
      'PyYAML==5.1',
      'urllib3==1.24.1 \\',
      '    --hash=sha256:abc  # vigil:ignore:CVE-D',
    ].join('\n'));
    const ignores = Object.fromEntries(packages.map(p => [p.name, p.inlineIgnores?.map(i => i.id)]));
    assert.deepEqual(ignores, { Django: ['CVE-A'], requests: ['CVE-B'], Jinja2: undefined, PyYAML: undefined, urllib3: ['CVE-D'] });
  });
});

describe('inline ignore comments: the CLI honours them', function () {
  this.timeout(60_000);
  let tmp: string;
  let cacheDir: string;

  function vigil(args: string[]) {
    const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', path.join(REPO_ROOT, 'server/src/cli/main.ts'), ...args], {
      cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, VIGIL_CACHE_DIR: '/nonexistent-vigil-cache' },
    });
    assert.equal(run.status, 0, run.stderr);
    return run.stdout;
  }

  function vulnerabilities(requirements: string): { VulnerabilityID: string; PkgName: string; VigilAliases?: string[] }[] {
    const dir = fs.mkdtempSync(path.join(tmp, 'ws-'));
    fs.writeFileSync(path.join(dir, 'requirements.txt'), requirements);
    const report = JSON.parse(vigil(['fs', '--cache-dir', cacheDir, '--offline', '--format', 'json', dir]));
    return report.Results?.[0]?.Vulnerabilities ?? [];
  }

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-inline-ignore-'));
    cacheDir = path.join(tmp, 'cache');
    vigil(['db', 'import', '--cache-dir', cacheDir, 'demo-db/osv']);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('drops exactly the findings a comment names, by ID or alias, on the line or the line above', () => {
    const plain = vulnerabilities('Django==2.2.0\nrequests==2.19.1\n');
    const django = plain.filter(v => v.PkgName === 'Django');
    assert.ok(django.length >= 2, `the demo DB has several Django findings, got ${django.length}`);
    const [first, second] = django;
    const alias = (second.VigilAliases ?? []).find(a => a.startsWith('GHSA-')) ?? second.VulnerabilityID;

    const ignored = vulnerabilities(`# trivy:ignore:${first.VulnerabilityID}\nDjango==2.2.0  # vigil:ignore:${alias}\nrequests==2.19.1\n`);
    const ids = ignored.map(v => v.VulnerabilityID);
    assert.ok(!ids.includes(first.VulnerabilityID), 'ignored by the comment above');
    assert.ok(!ids.includes(second.VulnerabilityID), 'ignored by an alias on the same line');
    assert.equal(ignored.length, plain.length - 2, 'nothing else dropped');
    assert.equal(ignored.filter(v => v.PkgName === 'requests').length, plain.filter(v => v.PkgName === 'requests').length);

    const expired = vulnerabilities(`Django==2.2.0  # vigil:ignore:${first.VulnerabilityID}:exp:2000-01-01\n`);
    assert.ok(expired.some(v => v.VulnerabilityID === first.VulnerabilityID), 'an expired comment no longer ignores');
  });
});
