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

  it('vigil rules --config-check lists the custom checks with the built-in ones', () => {
    const run = vigil(['rules', '--kind', 'misconfiguration', '--config-check', CHECKS]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^misconfiguration rules: \d+$/m);
    assert.match(run.stdout, /^  DS-0002  HIGH /m);
    assert.match(run.stdout, /^  ORG-DF-001  HIGH  Images must come from the company registry  https:\/\/wiki\.example\.com\/containers\/registry$/m);
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

describe('vigil config --fix: the fix preview', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cli-fix-'));
    fs.cpSync(path.join(REPO_ROOT, 'examples/node-app/Dockerfile'), path.join(dir, 'Dockerfile'));
    fs.cpSync(path.join(REPO_ROOT, 'examples/deploy/k8s/orders-deployment.yaml'), path.join(dir, 'deployment.yaml'));
    // A bucket without any public access block: the fix adds one.
    fs.writeFileSync(path.join(dir, 'main.tf'), 'resource "aws_s3_bucket" "exports" {\n  bucket = "acme-exports"\n}\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const snapshot = () => Object.fromEntries(fs.readdirSync(dir).sort().map(name => [name, fs.readFileSync(path.join(dir, name), 'utf8')]));

  it('prints each file\'s fixes as a unified diff (USER, securityContext, S3 public access block) and writes nothing', () => {
    const before = snapshot();
    const run = vigil(['config', '--fix', dir]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(snapshot(), before, 'a preview writes nothing');
    const out = run.stdout;
    assert.match(out, /^# Dockerfile: \d+ fixes$/m);
    assert.match(out, /^#   Run as a non-root user: add 'USER 10001'.*\(DS-0002; review before applying\)$/m);
    assert.match(out, /^--- a\/Dockerfile\n\+\+\+ b\/Dockerfile\n@@ -1,7 \+1,8 @@$/m);
    assert.match(out, /^-ADD \. \/app\n/m);
    assert.match(out, /^\+COPY \. \/app$/m);
    assert.match(out, /^\+USER 10001\n CMD node server\.js$/m);
    assert.match(out, /^--- a\/deployment\.yaml$/m);
    assert.match(out, /^-            privileged: true\n-            allowPrivilegeEscalation: true\n\+            privileged: false\n\+            allowPrivilegeEscalation: false\n\+            runAsNonRoot: true$/m);
    assert.match(out, /^#   not in this diff: Set securityContext\.readOnlyRootFilesystem: true .*run again after applying this diff$/m);
    assert.match(out, /^--- a\/main\.tf$/m);
    assert.match(out, /^\+resource "aws_s3_bucket_public_access_block" "exports" \{$/m);
    assert.match(out, /^\+  block_public_acls += true$/m);
    assert.equal((out.match(/aws_s3_bucket_public_access_block" "exports"/g) ?? []).length, 1, 'one block for the four S3 checks that offer it');
  });

  it('the diff applies with git apply, and the fixed files no longer have those findings', function () {
    const preview = vigil(['config', '--fix', dir]);
    const patch = path.join(os.tmpdir(), `vigil-fix-${process.pid}.diff`);
    fs.writeFileSync(patch, preview.stdout);
    try {
      const applied = spawnSync('git', ['apply', patch], { cwd: dir, encoding: 'utf8' });
      if (applied.error) return this.skip();
      assert.equal(applied.status, 0, applied.stderr);
    } finally {
      fs.rmSync(patch, { force: true });
    }
    const after = JSON.parse(vigil(['config', '--format', 'json', dir]).stdout);
    const ids = after.Results.flatMap((result: any) => (result.Misconfigurations ?? []).map((m: any) => m.ID));
    for (const fixed of ['DS-0002', 'DS-0005', 'KSV-0017', 'KSV-0001', 'AWS-0086', 'AWS-0087']) assert.ok(!ids.includes(fixed), fixed);
    assert.ok(ids.includes('KSV-0014'), 'left for a second run');
  });

  it('escapes control characters in what it prints', () => {
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM alpine:3.20\nLABEL note="\x1b]0;owned\x07"\nADD . /app\n');
    const run = vigil(['config', '--fix', dir]);
    assert.ok(!run.stdout.includes('\x1b') && !run.stdout.includes('\x07'), run.stdout);
    assert.match(run.stdout, /^ LABEL note="\\x1b\]0;owned\\x07"$/m);
  });

  it('says so when there is nothing to fix, and refuses --format', () => {
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM alpine:3.20\nUSER 10001\nHEALTHCHECK CMD true\n');
    const clean = vigil(['config', '--fix', path.join(dir, 'Dockerfile')]);
    assert.equal(clean.stdout, '');
    assert.match(clean.stderr, /no mechanical fix for the reported findings/);
    const json = vigil(['config', '--fix', '--format', 'json', dir]);
    assert.equal(json.code, 2);
    assert.match(json.stderr, /--fix prints a diff in place of the report/);
  });
});
