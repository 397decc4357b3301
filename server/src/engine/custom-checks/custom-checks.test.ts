import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertLinearGrowth } from '../../../../test/helpers/linear-time';
import { analyzeDockerfile } from '../analyzers/dockerfile';
import { analyzeKubernetes } from '../analyzers/kubernetes';
import { analyzeTerraform } from '../analyzers/terraform';
import { loadIgnorePolicy } from '../ignore';
import { scanPath } from '../scan';
import type { Finding } from '../types';
import { analyzersWithCustomChecks, compileCustomChecks, loadCustomChecks } from './checks';
import { CustomCheckError, parseCustomChecks } from './format';

/** A check file of one check: the header, then the target block as given. */
function oneCheck(target: string, id = 'ORG-0001'): string {
  return `checks:\n  - id: ${id}\n    title: Custom check\n    severity: HIGH\n    message: Custom message.\n${target}`;
}

function compiled(yaml: string) {
  return compileCustomChecks(parseCustomChecks(yaml));
}

const custom = (findings: Finding[] | undefined) => (findings ?? []).filter(finding => finding.rule.id.startsWith('ORG-'));

function kubeFindings(check: string, manifest: string) {
  const output = analyzeKubernetes({ path: 'k8s/app.yaml', content: manifest }, { customChecks: compiled(check).kubernetes });
  return { findings: custom(output.findings), summary: output.misconfSummary };
}

function tfFindings(check: string, hcl: string, siblings?: Map<string, string>) {
  const output = analyzeTerraform({ path: 'infra/main.tf', content: hcl, siblings }, { customChecks: compiled(check).terraform });
  return custom(output.findings);
}

function dockerFindings(check: string, dockerfile: string) {
  return custom(analyzeDockerfile({ path: 'Dockerfile', content: dockerfile }, { customChecks: compiled(check).dockerfile }).findings);
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
spec:
  template:
    spec:
      hostNetwork: true
      containers:
        - name: app
          image: registry.example.com/app:1.2
          resources:
            limits:
              memory: 256Mi
        - name: sidecar
          image: docker.io/library/nginx:latest
          securityContext:
            capabilities:
              add: [NET_ADMIN, SYS_TIME]
`;

/** The text a finding's range covers. */
function covered(text: string, finding: Finding): string {
  const lines = text.split('\n');
  const { startLine, startColumn, endLine, endColumn } = finding.location;
  assert.equal(startLine, endLine, 'one line');
  return lines[startLine - 1].slice(startColumn - 1, endColumn - 1);
}

describe('custom checks', () => {
  describe('Kubernetes', () => {
    it('not-equals: fails at the key whose value it forbids, with the rule, message and CauseMetadata', () => {
      const { findings, summary } = kubeFindings(oneCheck('    kubernetes:\n      kinds: [Deployment]\n      path: spec.template.spec.hostNetwork\n      not-equals: true\n'), DEPLOYMENT);
      assert.equal(findings.length, 1);
      const [finding] = findings;
      assert.equal(finding.rule.id, 'ORG-0001');
      assert.equal(finding.severity, 'HIGH');
      assert.equal(finding.message, 'Custom message.');
      assert.deepEqual(finding.cause, { provider: 'Kubernetes', service: 'general', resource: 'Deployment/web' });
      assert.equal(finding.location.startLine, 10);
      assert.equal(covered(DEPLOYMENT, finding), 'hostNetwork');
      assert.ok(summary!.failures >= 1);
      const passing = kubeFindings(oneCheck('    kubernetes:\n      path: spec.template.spec.hostNetwork\n      not-equals: true\n'), DEPLOYMENT.replace('hostNetwork: true', 'hostNetwork: false'));
      assert.deepEqual(passing.findings, []);
    });

    it('applies to the kinds it names only, in any case', () => {
      const check = (kinds: string) => oneCheck(`    kubernetes:\n      kinds: ${kinds}\n      path: spec.template.spec.hostNetwork\n      absent: true\n`);
      assert.equal(kubeFindings(check('[Pod, CronJob]'), DEPLOYMENT).findings.length, 0);
      assert.equal(kubeFindings(check('deployment'), DEPLOYMENT).findings.length, 1);
    });

    it('exists: fails at the deepest key there is, and * checks every container on its own', () => {
      const { findings } = kubeFindings(oneCheck('    kubernetes:\n      path: spec.template.spec.containers.*.resources.limits.memory\n      exists: true\n'), DEPLOYMENT);
      assert.equal(findings.length, 1, 'the sidecar has no limits; the app has');
      assert.equal(findings[0].location.startLine, 17);
      assert.equal(covered(DEPLOYMENT, findings[0]), 'name');
      const root = kubeFindings(oneCheck('    kubernetes:\n      path: spec.replicas\n      exists: true\n'), DEPLOYMENT).findings;
      assert.equal(covered(DEPLOYMENT, root[0]), 'spec', 'spec exists, replicas not');
      const none = kubeFindings(oneCheck('    kubernetes:\n      path: status.phase\n      exists: true\n'), DEPLOYMENT).findings;
      assert.equal(covered(DEPLOYMENT, none[0]), 'kind', 'nothing of the path: the object');
    });

    it('equals, one-of and not-one-of compare values by type', () => {
      const run = (condition: string, manifest = DEPLOYMENT) => kubeFindings(oneCheck(`    kubernetes:\n      path: spec.template.spec.hostNetwork\n      ${condition}\n`), manifest).findings.length;
      assert.equal(run('equals: false'), 1);
      assert.equal(run('equals: true'), 0);
      assert.equal(run('equals: "true"'), 1, 'the text "true" is not the boolean');
      assert.equal(run('one-of: [false, null]'), 1);
      assert.equal(run('one-of: [true]'), 0);
      assert.equal(run('not-one-of: [true]'), 1);
      assert.equal(run('not-one-of: [false]'), 0);
      assert.equal(run('equals: false', DEPLOYMENT.replace('      hostNetwork: true\n', '')), 1, 'absent is not equal');
      assert.equal(run('not-one-of: [true]', DEPLOYMENT.replace('      hostNetwork: true\n', '')), 0, 'absent is none of them');
    });

    it('contains and not-contains read text as text and a list by its items; quoted keys may hold dots', () => {
      const images = (condition: string) => kubeFindings(oneCheck(`    kubernetes:\n      path: spec.template.spec.containers.*.image\n      ${condition}\n`), DEPLOYMENT).findings;
      assert.deepEqual(images('contains: registry.example.com/').map(f => f.location.startLine), [18]);
      assert.deepEqual(images('not-contains: ":latest"').map(f => f.location.startLine), [18]);
      const caps = (condition: string) => kubeFindings(oneCheck(`    kubernetes:\n      path: spec.template.spec.containers.*.securityContext.capabilities.add\n      ${condition}\n`), DEPLOYMENT).findings;
      assert.deepEqual(caps('not-contains: SYS_TIME').map(f => covered(DEPLOYMENT, f)), ['add']);
      assert.deepEqual(caps('not-contains: SYS'), [], 'a list holds whole items');
      const anchored = DEPLOYMENT.replace('metadata:\n  name: web', 'metadata:\n  annotations: { time: &time SYS_TIME }\n  name: web').replace('[NET_ADMIN, SYS_TIME]', '[NET_ADMIN, *time]');
      const aliased = kubeFindings(oneCheck('    kubernetes:\n      path: spec.template.spec.containers.*.securityContext.capabilities.add\n      not-contains: SYS_TIME\n'), anchored).findings;
      assert.equal(aliased.length, 1, 'an alias in the list is followed');
      const label = (condition: string) => kubeFindings(oneCheck(`    kubernetes:\n      path: metadata.labels."app.kubernetes.io/name"\n      ${condition}\n`), DEPLOYMENT).findings;
      assert.equal(label('exists: true').length, 0);
      assert.equal(label('equals: api').length, 1);
    });

    it('matches and not-matches use RE2, anywhere in the value', () => {
      const run = (condition: string) => kubeFindings(oneCheck(`    kubernetes:\n      path: spec.template.spec.containers.*.image\n      ${condition}\n`), DEPLOYMENT).findings.map(f => f.location.startLine);
      assert.deepEqual(run(String.raw`matches: '^registry\.example\.com/'`), [18]);
      assert.deepEqual(run(String.raw`not-matches: ':(latest|main)$'`), [18]);
      // A pattern that backtracks exponentially in a JavaScript RegExp runs in linear time.
      const slow = kubeFindings(oneCheck(`    kubernetes:\n      path: metadata.name\n      matches: '^(a+)+$'\n`), DEPLOYMENT.replace('name: web', `name: ${'a'.repeat(5_000)}b`)).findings;
      assert.equal(slow.length, 1);
    });

    it('honours # vigil:ignore comments and counts in the MisconfSummary', () => {
      const check = oneCheck('    kubernetes:\n      path: spec.template.spec.hostNetwork\n      not-equals: true\n');
      const before = kubeFindings(check, DEPLOYMENT);
      const ignored = analyzeKubernetes({ path: 'k8s/app.yaml', content: DEPLOYMENT.replace('      hostNetwork: true', '      # vigil:ignore:ORG-0001\n      hostNetwork: true') }, { customChecks: compiled(check).kubernetes });
      assert.deepEqual(custom(ignored.findings)[0].inlineIgnores, [{ id: 'ORG-0001' }]);
      const builtinOnly = analyzeKubernetes({ path: 'k8s/app.yaml', content: DEPLOYMENT });
      assert.equal(before.summary!.failures, builtinOnly.misconfSummary!.failures + 1);
      const passing = analyzeKubernetes({ path: 'k8s/app.yaml', content: DEPLOYMENT }, { customChecks: compiled(oneCheck('    kubernetes:\n      path: kind\n      equals: Deployment\n')).kubernetes });
      assert.equal(passing.misconfSummary!.successes, builtinOnly.misconfSummary!.successes + 1);
    });
  });

  describe('Terraform', () => {
    const HCL = `variable "owner" {}

resource "aws_s3_bucket" "logs" {
  bucket = "logs"
  tags = {
    Team = "platform"
  }
  versioning {
    enabled = false
  }
}

resource "aws_s3_bucket" "data" {
  bucket = "data"
  tags = {
    Owner = var.owner
  }
}
`;

    it('a path through nested blocks fails at the attribute, with the resource in CauseMetadata', () => {
      const findings = tfFindings(oneCheck('    terraform:\n      resources: aws_s3_bucket\n      path: versioning.enabled\n      equals: true\n'), HCL);
      assert.equal(findings.length, 2);
      assert.equal(covered(HCL, findings[0]), 'enabled = false');
      assert.deepEqual(findings[0].cause, { provider: 'AWS', service: 'general', resource: 'aws_s3_bucket.logs' });
      assert.equal(covered(HCL, findings[1]), 'resource "aws_s3_bucket" "data" {', 'no versioning block: the resource header');
    });

    it('reads into attribute values, and never reports on a value it cannot know', () => {
      const findings = tfFindings(oneCheck('    terraform:\n      resources: [aws_s3_bucket, aws_instance]\n      path: tags.Owner\n      exists: true\n'), HCL);
      assert.deepEqual(findings.map(f => f.cause?.resource), ['aws_s3_bucket.logs']);
      assert.deepEqual([findings[0].location.startLine, findings[0].location.startColumn, findings[0].location.endLine], [5, 3, 7], 'the tags attribute');
      const unknown = tfFindings(oneCheck('    terraform:\n      resources: aws_s3_bucket\n      path: tags.Owner\n      equals: alice\n'), HCL);
      assert.deepEqual(unknown.map(f => f.cause?.resource), ['aws_s3_bucket.logs'], 'var.owner has no value: data is not reported');
      const known = tfFindings(oneCheck('    terraform:\n      resources: aws_s3_bucket\n      path: tags.Owner\n      equals: alice\n'), HCL, new Map([['terraform.tfvars', 'owner = "bob"\n']]));
      assert.deepEqual(known.map(f => f.cause?.resource), ['aws_s3_bucket.logs', 'aws_s3_bucket.data']);
    });

    it('honours inline ignores above the resource', () => {
      const check = oneCheck('    terraform:\n      resources: aws_s3_bucket\n      path: versioning.enabled\n      equals: true\n');
      const findings = tfFindings(check, HCL.replace('resource "aws_s3_bucket" "logs"', '#trivy:ignore:ORG-0001\nresource "aws_s3_bucket" "logs"'));
      assert.deepEqual(findings[0].inlineIgnores, [{ id: 'ORG-0001' }]);
    });
  });

  describe('Dockerfile', () => {
    const DOCKERFILE = 'FROM node:20 AS build\nRUN curl -fsSL https://example.com/x.sh | sh\nFROM node:20-slim\nUSER 1000\nCMD ["node", "app.js"]\n';

    it('exists: fails at the final FROM when the instruction is missing; stages: final looks at the last stage only', () => {
      const missing = dockerFindings(oneCheck('    dockerfile:\n      instruction: HEALTHCHECK\n      exists: true\n'), DOCKERFILE);
      assert.equal(missing.length, 1);
      assert.equal(covered(DOCKERFILE, missing[0]), 'FROM node:20-slim');
      assert.equal(dockerFindings(oneCheck('    dockerfile:\n      instruction: user\n      exists: true\n'), DOCKERFILE).length, 0);
      assert.equal(dockerFindings(oneCheck('    dockerfile:\n      instruction: RUN\n      stages: final\n      exists: true\n'), DOCKERFILE).length, 1);
    });

    it('absent fails at each such instruction; contains, equals and matches read its arguments', () => {
      assert.deepEqual(dockerFindings(oneCheck('    dockerfile:\n      instruction: RUN\n      absent: true\n'), DOCKERFILE).map(f => covered(DOCKERFILE, f)), ['RUN curl -fsSL https://example.com/x.sh | sh']);
      assert.equal(dockerFindings(oneCheck('    dockerfile:\n      instruction: RUN\n      not-contains: "| sh"\n'), DOCKERFILE).length, 1);
      assert.equal(dockerFindings(oneCheck('    dockerfile:\n      instruction: RUN\n      stages: final\n      not-contains: "| sh"\n'), DOCKERFILE).length, 0);
      assert.equal(dockerFindings(oneCheck('    dockerfile:\n      instruction: USER\n      equals: "1000"\n'), DOCKERFILE).length, 0);
      assert.equal(dockerFindings(oneCheck('    dockerfile:\n      instruction: USER\n      one-of: [root, "0"]\n'), DOCKERFILE).length, 1);
      assert.equal(dockerFindings(oneCheck('    dockerfile:\n      instruction: FROM\n      matches: "^node:[0-9]+"\n'), DOCKERFILE).length, 0);
      assert.equal(dockerFindings(oneCheck('    dockerfile:\n      instruction: FROM\n      not-matches: "-slim$"\n'), DOCKERFILE).length, 1);
    });

    it('honours # vigil:ignore on the line above', () => {
      const text = DOCKERFILE.replace('RUN curl', '# vigil:ignore:ORG-0001\nRUN curl');
      assert.deepEqual(dockerFindings(oneCheck('    dockerfile:\n      instruction: RUN\n      absent: true\n'), text)[0].inlineIgnores, [{ id: 'ORG-0001' }]);
    });
  });

  describe('through a scan', () => {
    let dir: string;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-custom-checks-'));
      fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM alpine:3.20\nRUN apk add curl\n# vigil:ignore:ORG-0002\nRUN apk add git\n');
      fs.writeFileSync(path.join(dir, 'checks.yaml'), `checks:
  - id: ORG-0001
    title: No apk add
    severity: LOW
    dockerfile: { instruction: RUN, not-contains: apk add }
  - id: ORG-0002
    title: No RUN at all
    severity: MEDIUM
    dockerfile: { instruction: RUN, absent: true }
`);
      fs.writeFileSync(path.join(dir, '.trivyignore'), 'ORG-0001\n');
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('drops what .trivyignore and inline comments ignore, and keeps the rest', async () => {
      const analyzers = analyzersWithCustomChecks(loadCustomChecks([path.join(dir, 'checks.yaml')]));
      const scan = await scanPath(dir, { scanners: ['misconfig'], analyzers, ignore: loadIgnorePolicy([path.join(dir, '.trivyignore')]) });
      const result = scan.results.find(r => r.target === 'Dockerfile')!;
      assert.deepEqual(custom(result.misconfigurations).map(f => `${f.rule.id}:${f.location.startLine}`), ['ORG-0002:2']);
      const unfiltered = await scanPath(dir, { scanners: ['misconfig'], analyzers });
      const all = custom(unfiltered.results.find(r => r.target === 'Dockerfile')!.misconfigurations).map(f => `${f.rule.id}:${f.location.startLine}`);
      assert.deepEqual(all.sort(), ['ORG-0001:2', 'ORG-0001:4', 'ORG-0002:2']);
    });
  });

  it('reads the README\'s example', () => {
    const readme = fs.readFileSync(path.join(__dirname, '../../../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Custom checks'));
    const example = section.slice(section.indexOf('```yaml\n') + 8, section.indexOf('```\n', section.indexOf('```yaml\n') + 8));
    const checks = parseCustomChecks(example);
    assert.deepEqual(checks.map(check => `${check.rule.id}:${check.target.type}:${check.condition.kind}`), [
      'ORG-K8S-001:kubernetes:not-equals', 'ORG-K8S-002:kubernetes:exists', 'ORG-TF-001:terraform:exists', 'ORG-DF-001:dockerfile:matches',
    ]);
  });

  describe('malformed check files', () => {
    const problem = (text: string, taken?: Set<string>) => {
      try {
        parseCustomChecks(text, taken);
      } catch (error) {
        assert.ok(error instanceof CustomCheckError, String(error));
        return error.message;
      }
      assert.fail('no error');
    };
    const SECRET = 'S3CR3T-VALUE';

    it('refuses a built-in check\'s ID or alias, in any case, and IDs given twice', () => {
      assert.match(problem(oneCheck('    dockerfile: { instruction: RUN, absent: true }\n', 'DS-0002')), /line 2: check 1: its id names the built-in check DS-0002/);
      assert.match(problem(oneCheck('    dockerfile: { instruction: RUN, absent: true }\n', 'avd-ksv-0017')), /built-in check KSV-0017/);
      assert.match(problem(oneCheck('    dockerfile: { instruction: RUN, absent: true }\n', 'aws-s3-block-public-acls')), /built-in check AWS-0086/);
      const twice = `${oneCheck('    dockerfile: { instruction: RUN, absent: true }\n')}${oneCheck('    dockerfile: { instruction: RUN, absent: true }\n').replace('checks:\n', '')}`;
      assert.match(problem(twice), /check 2: its id is the id of an earlier check/);
      assert.match(problem(oneCheck('    dockerfile: { instruction: RUN, absent: true }\n'), new Set(['ORG-0001'])), /another check file/);
    });

    it('names the line and the key of every problem, and never quotes the file', () => {
      const cases: [string, RegExp][] = [
        [`checks: [\n  {id: ${SECRET}`, /^line 2: not valid YAML/],
        [`${SECRET}: 1\nchecks: []\n`, /^line 1: unknown key \(not a key of the format\)/],
        ['checks: {}\n', /checks should be a list/],
        [oneCheck(`    colour: ${SECRET}\n    dockerfile: { instruction: RUN, absent: true }\n`), /line 6: check 1: unknown key 'colour' in a check/],
        [oneCheck(`    dockerfile: { instruction: RUN, absent: true, ${SECRET}: 1 }\n`), /unknown key \(not a key of the format\) in dockerfile/],
        [oneCheck('    dockerfile: { instruction: RUN }\n'), /dockerfile needs exactly one condition/],
        [oneCheck('    dockerfile: { instruction: RUN, absent: true, exists: true }\n'), /dockerfile needs exactly one condition/],
        [oneCheck('    kubernetes: { path: a, exists: true }\n    terraform: { resources: x, path: a, exists: true }\n'), /exactly one of kubernetes, terraform, dockerfile/],
        [oneCheck('    kubernetes: { exists: true }\n'), /it has no path/],
        [oneCheck(`    kubernetes: { path: 'a..b', exists: ${SECRET} }\n`), /exists takes true/],
        [oneCheck('    kubernetes: { path: "a..b", exists: true }\n'), /path has an empty step/],
        [oneCheck('    kubernetes: { path: "containers[0].image", exists: true }\n'), /containers\.\*\.image/],
        [oneCheck(`    kubernetes: { path: '"${SECRET}', exists: true }\n`), /without its closing quote/],
        [oneCheck(`    kubernetes: { path: a, matches: '(${SECRET}' }\n`), /the pattern of matches is not valid RE2 syntax/],
        [oneCheck(`    kubernetes: { path: a, one-of: ${SECRET} }\n`), /one-of takes a list of values/],
        [oneCheck(`    kubernetes: { path: a, equals: { x: ${SECRET} } }\n`), /equals should be a single value/],
        [oneCheck(`    terraform: { resources: '${SECRET}', path: a, exists: true }\n`), /resources should be resource types/],
        [oneCheck(`    dockerfile: { instruction: '${SECRET}!', exists: true }\n`), /instruction should be an instruction name/],
        [oneCheck(`    dockerfile: { instruction: RUN, stages: ${SECRET}, exists: true }\n`), /stages should be all or final/],
        [oneCheck('    dockerfile: { instruction: RUN, absent: true }\n').replace('severity: HIGH', `severity: ${SECRET}`), /line 4: check 1: severity should be one of CRITICAL, HIGH/],
        [oneCheck('    dockerfile: { instruction: RUN, absent: true }\n').replace('    title: Custom check\n', ''), /check 1: it has no title/],
        [oneCheck('    dockerfile: { instruction: RUN, absent: true }\n', `"${SECRET} x"`), /id should be 1 to 64 letters/],
        [oneCheck('    dockerfile: { instruction: RUN, absent: true }\n').replace('message: Custom message.', `url: javascript:${SECRET}`), /url should be an http or https address/],
      ];
      for (const [text, expected] of cases) {
        const message = problem(text);
        assert.match(message, expected, text);
        assert.ok(!message.includes(SECRET), message);
      }
    });

    it('lists the problems of every check, and refuses alias bombs', () => {
      const two = `checks:\n  - id: A\n  - id: B\n    title: t\n    severity: LOW\n    kubernetes: { path: x }\n`;
      assert.deepEqual(problem(two).split('\n'), ['line 2: check 1: it has no title', 'line 6: check 2: kubernetes needs exactly one condition: exists, absent, equals, not-equals, one-of, not-one-of, contains, not-contains, matches, not-matches']);
      const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
      for (let level = 1; level < 8; level++) bomb.push(`${String.fromCharCode(97 + level)}: &${String.fromCharCode(97 + level)} [${Array(10).fill(`*${String.fromCharCode(96 + level)}`).join(', ')}]`);
      assert.match(problem(`${bomb.join('\n')}\nchecks: []\n`), /aliases expand too far/);
    });

    it('a file that cannot be used is an error naming the file; reading stops there', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-custom-bad-'));
      try {
        fs.writeFileSync(path.join(dir, 'bad.yaml'), oneCheck('    dockerfile: { instruction: RUN }\n'));
        assert.throws(() => loadCustomChecks([path.join(dir, 'bad.yaml')]), (error: Error) => error.message.startsWith(`${path.join(dir, 'bad.yaml')}: line 6: check 1:`));
        assert.throws(() => loadCustomChecks([path.join(dir, 'missing.yaml')]), /missing\.yaml: custom checks cannot be read \(ENOENT\)/);
        assert.throws(() => loadCustomChecks([dir]), /custom checks: not a file/);
        fs.writeFileSync(path.join(dir, 'a.yaml'), oneCheck('    dockerfile: { instruction: RUN, absent: true }\n'));
        fs.writeFileSync(path.join(dir, 'b.yaml'), oneCheck('    dockerfile: { instruction: RUN, absent: true }\n', 'org-0001'));
        assert.throws(() => loadCustomChecks([path.join(dir, 'a.yaml'), path.join(dir, 'b.yaml')]), /b\.yaml: line 2: check 1: its id is the id of a check of another check file/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('reads a file of many checks in linear time', function () {
      this.timeout(60_000);
      const make = (count: number) => `checks:\n${Array.from({ length: count }, (_, i) => oneCheck('    kubernetes: { path: spec.template.spec.hostNetwork, not-equals: true }\n', `ORG-${i}`).replace('checks:\n', '')).join('')}`;
      assertLinearGrowth(make, text => parseCustomChecks(text), 250);
    });
  });
});
