// `vigil config` with custom checks (--config-check) and the fix preview (--fix), as a user runs them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './helpers/corpus';

function vigil(args: string[]) {
  const result = spawnSync(process.execPath, ['--require', 'tsx/cjs', path.join(REPO_ROOT, 'server/src/cli/main.ts'), ...args], {
    cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, VIGIL_CACHE_DIR: '/nonexistent-vigil-cache' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const CHECKS = 'test/fixtures/custom-checks/org-checks.yaml';

describe('vigil config: custom checks', function () {
  this.timeout(60_000);

  it('--config-check runs the checks of the file beside the built-in ones, in every report', () => {
    const run = vigil(['config', '--config-check', CHECKS, '--format', 'json', 'examples']);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    const custom = report.Results.flatMap((result: any) => (result.Misconfigurations ?? [])
      .filter((m: any) => m.ID.startsWith('ORG-'))
      .map((m: any) => `${result.Target}:${m.ID}:${m.Severity}:${m.CauseMetadata.StartLine}`));
    assert.deepEqual(custom.sort(), [
      'deploy/k8s/orders-deployment.yaml:ORG-K8S-001:MEDIUM:18',
      'infra/main.tf:ORG-TF-001:LOW:2',
      'node-app/Dockerfile:ORG-DF-001:HIGH:1',
    ]);
    const without = JSON.parse(vigil(['config', '--format', 'json', 'examples']).stdout);
    const failures = (r: any) => r.Results.map((result: any) => result.MisconfSummary?.Failures ?? 0).reduce((a: number, b: number) => a + b, 0);
    assert.equal(failures(report), failures(without) + 3, 'the MisconfSummary counts them');
    const table = vigil(['config', '--config-check', CHECKS, 'examples/node-app']);
    assert.match(table.stdout, /HIGH: ORG-DF-001: Images must come from the company registry/);
    assert.match(table.stdout, /https:\/\/wiki\.example\.com\/containers\/registry/);
  });

  it('--disable-rule and --rule-severity name custom checks, as built-in ones', () => {
    const disabled = vigil(['config', '--config-check', CHECKS, '--disable-rule', 'ORG-DF-001', '--rule-severity', 'ORG-TF-001=CRITICAL', '--format', 'json', 'examples']);
    assert.equal(disabled.code, 0, disabled.stderr);
    const ids = JSON.parse(disabled.stdout).Results.flatMap((r: any) => (r.Misconfigurations ?? []).filter((m: any) => m.ID.startsWith('ORG-')).map((m: any) => `${m.ID}:${m.Severity}`));
    assert.deepEqual(ids.sort(), ['ORG-K8S-001:MEDIUM', 'ORG-TF-001:CRITICAL']);
    const unknown = vigil(['config', '--disable-rule', 'ORG-DF-001', 'examples']);
    assert.equal(unknown.code, 2, 'without the file the ID is no rule');
  });

  it('a check file that cannot be used stops the run with the file, line and problem, quoting nothing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cli-checks-'));
    try {
      const bad = path.join(dir, 'bad.yaml');
      fs.writeFileSync(bad, 'checks:\n  - id: DS-0002\n    title: mine\n    severity: LOW\n    dockerfile: { instruction: USER, exists: true }\n  - id: "ORG-\x1b[31m"\n    title: t\n    severity: LOW\n    dockerfile: { instruction: RUN, absent: true }\n');
      const run = vigil(['config', '--config-check', bad, 'examples']);
      assert.equal(run.code, 1);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /bad\.yaml: line 2: check 1: its id names the built-in check DS-0002/);
      assert.match(run.stderr, /bad\.yaml: line 6: check 2: id should be/);
      assert.ok(!run.stderr.includes('\x1b'), 'no control characters reach the terminal');
      const missing = vigil(['config', '--config-check', path.join(dir, 'none.yaml'), 'examples']);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /custom check file not found/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
