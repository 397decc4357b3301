// The Dockerfile analyzer: every DS check against trivy-checks' own examples, the engine's handling
// of its findings (inline ignores by any of a check's names, ignore files), its fixes applied and
// re-checked, errors that quote nothing, and linear time.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { analyzeDockerfile, dockerfileAnalyzer } from './dockerfile';
import { assertLinearGrowth } from '../../../../test/helpers/linear-time';
import { analyzersFor } from '.';
import { applyTextEdits } from '../fixes/edits';
import { createIgnorePolicy, parseIgnoreFile } from '../ignore';
import { DOCKERFILE_RULES } from '../rules/dockerfile';
import { MISCONFIGURATION_RULES } from '../rules';
import { analyzePath, scanFile } from '../scan';
import { MemorySource } from '../source';
import type { Finding } from '../types';
import { corpusOrSkip } from '../../../../test/helpers/corpus';

const EXAMPLES = path.join(__dirname, '../dockerfile/testdata/trivy-checks');

function check(content: string, options = {}) {
  return analyzeDockerfile({ path: 'Dockerfile', content }, options);
}

function ruleIds(findings: readonly Finding[] | undefined): string[] {
  return (findings ?? []).map(finding => finding.rule.id);
}

describe('dockerfile analyzer', () => {
  it('claims the files Trivy reads as Dockerfiles', () => {
    for (const name of ['Dockerfile', 'Containerfile', 'Dockerfile.dev', 'api.Dockerfile', 'build/ci.dockerfile', 'Containerfile.prod']) {
      assert.ok(analyzersFor(name).includes(dockerfileAnalyzer), name);
    }
    for (const name of ['Dockerfile.d/x', 'dockerfile-lint.sh', 'README.md']) assert.ok(!analyzersFor(name).includes(dockerfileAnalyzer), name);
    assert.deepEqual(analyzeDockerfile({ path: 'Dockerfile.dockerignore', content: 'node_modules\n' }), { packages: [] });
  });

  it('has the 28 DS checks in the misconfiguration rule table, with Trivy IDs and links', () => {
    assert.equal(DOCKERFILE_RULES.length, 28);
    for (const rule of DOCKERFILE_RULES) {
      assert.ok(MISCONFIGURATION_RULES.includes(rule), rule.id);
      assert.match(rule.id, /^DS-\d{4}$/);
      assert.equal(rule.url, `https://avd.aquasec.com/misconfig/${rule.id.toLowerCase()}`);
      assert.ok(rule.remediation && rule.title);
    }
  });

  it("agrees with every trivy-checks example: bad ones fail the check, good ones pass it", () => {
    const disagreements: string[] = [];
    const checks = new Set<string>();
    let inputs = 0;
    for (const id of fs.readdirSync(EXAMPLES).sort()) {
      for (const name of fs.readdirSync(path.join(EXAMPLES, id)).sort()) {
        inputs++;
        checks.add(id);
        const output = check(fs.readFileSync(path.join(EXAMPLES, id, name), 'utf8'), { includeDeprecated: true });
        const failed = ruleIds(output.findings).includes(id);
        if (failed !== name.startsWith('bad')) disagreements.push(`${id}/${name}: ${failed ? 'failed' : 'passed'}`);
      }
    }
    console.log(`      conformance: ${checks.size} of 28 checks have trivy-checks examples; ${inputs - disagreements.length} of ${inputs} inputs agree`);
    assert.deepEqual(disagreements, []);
    assert.equal(inputs, 44);
  });

  // The six checks trivy-checks gives no examples for, from cases written here.
  const OWN_CASES: [string, string, string][] = [
    ['DS-0025', 'FROM alpine:3.20\nRUN apk add curl\n', 'FROM alpine:3.20\nRUN apk add --no-cache curl && apk --no-cache add jq\n'],
    ['DS-0026', 'FROM alpine:3.20\nUSER app\n', 'FROM alpine:3.20\nHEALTHCHECK CMD wget -q -O- http://localhost/ || exit 1\n'],
    ['DS-0027', 'FROM ubi9-minimal:9.4\nRUN microdnf install -y tar\n', 'FROM ubi9-minimal:9.4\nRUN microdnf install -y tar && microdnf clean all\n'],
    ['DS-0029', 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\n', 'FROM debian:12\nRUN apt-get update && apt-get -y install --no-install-recommends curl\n'],
    ['DS-0030', 'FROM debian:12\nWORKDIR /proc/self\n', 'FROM debian:12\nWORKDIR /srv/app\n'],
    ['DS-0031', 'FROM debian:12\nARG GITHUB_TOKEN\nENV VITE_OPENAI_API_KEY=x\n', 'FROM debian:12\nARG GITHUB_REPO\nRUN --mount=type=secret,id=aws aws configure set aws_access_key_id x\n'],
    ['DS-0031', 'FROM debian:12\nCOPY creds.json $GOOGLE_APPLICATION_CREDENTIALS\n', 'FROM debian:12\nCOPY app /srv/app\nENV GOOGLE_APPLICATION_CREDENTIALS=/run/secrets/gcp.json\n'],
    ['DS-0031', 'FROM debian:12\nCOPY conf /app\nENV GOOGLE_APPLICATION_CREDENTIALS=./app/gcp.json\nRUN gcloud auth activate-service-account --key-file=x\n', 'FROM debian:12\n'],
  ];
  for (const [id, bad, good] of OWN_CASES) {
    it(`${id} fails on a bad case and passes a good one`, () => {
      assert.ok(ruleIds(check(bad).findings).includes(id), 'bad case');
      assert.ok(!ruleIds(check(good).findings).includes(id), 'good case');
    });
  }

  it('counts passed checks and findings in the MisconfSummary; deprecated DS-0024 only on request', () => {
    const text = 'FROM debian:9\nRUN apt-get update && apt-get dist-upgrade -y && apt-get install -y --no-install-recommends git\nUSER app\nHEALTHCHECK NONE\n';
    assert.deepEqual(check(text).misconfSummary, { successes: 27, failures: 0 });
    assert.deepEqual(check(text, { includeDeprecated: true }).misconfSummary, { successes: 27, failures: 1 });
    const bad = check('FROM debian\nEXPOSE 22 22/udp\n');
    assert.deepEqual(ruleIds(bad.findings), ['DS-0002', 'DS-0026', 'DS-0001', 'DS-0004', 'DS-0004']);
    assert.deepEqual(bad.misconfSummary, { successes: 23, failures: 5 });
  });

  it('points at the argument at fault and carries CauseMetadata', () => {
    const [finding] = check('FROM alpine:3.20\nUSER app\nHEALTHCHECK NONE\nEXPOSE 8080 22\n').findings!;
    assert.equal(finding.rule.id, 'DS-0004');
    assert.deepEqual(finding.location, { file: 'Dockerfile', startLine: 4, startColumn: 13, endLine: 4, endColumn: 15 });
    assert.deepEqual(finding.cause, { provider: 'Dockerfile', service: 'general' });
  });

  it('resolves global ARG defaults in FROM and never reports on an ARG without one', () => {
    const ids = (text: string) => ruleIds(check(`${text}\nUSER app\nHEALTHCHECK NONE\n`).findings);
    assert.deepEqual(ids('ARG TAG=latest\nFROM node:${TAG}'), ['DS-0001']);
    assert.deepEqual(ids('ARG TAG=20\nFROM node:$TAG'), []);
    assert.deepEqual(ids('ARG TAG\nFROM node:${TAG}'), []);
    assert.deepEqual(ids('FROM node:${TAG:-latest}'), ['DS-0001']);
    assert.deepEqual(ids('ARG REGISTRY=ghcr.io\nFROM ${REGISTRY}/team/app'), ['DS-0001']);
    assert.deepEqual(ids('FROM localhost:5000/app:1.2'), []);
    assert.deepEqual(ids('FROM golang:1.22 AS build\nFROM build'), []);
  });

  it('reads RUN as shell commands: continuations, comments between them, quotes, subshells, heredocs', () => {
    const ids = (run: string) => ruleIds(check(`FROM debian:12\nUSER app\nHEALTHCHECK NONE\n${run}\n`).findings);
    assert.deepEqual(ids('RUN echo "sudo is fine in quotes" && pseudo-sudo x'), []);
    assert.deepEqual(ids('RUN true; \\\n  # a comment line\n  sudo make install'), ['DS-0010']);
    assert.deepEqual(ids('RUN (cd /tmp && make)'), []);
    assert.deepEqual(ids('RUN make; cd /tmp'), ['DS-0013']);
    assert.deepEqual(ids('RUN <<EOF\napk add curl\nEOF'), ['DS-0025']);
    assert.deepEqual(ids('RUN python3 <<EOF\nprint("apk add curl")\nEOF'), []);
    assert.deepEqual(ids('RUN ["sh", "-c", "apt-get update"]'), ['DS-0017']);
    assert.deepEqual(ids('RUN apt-get -qqy install --no-install-recommends git'), []);
  });

  it('reads the body of a COPY heredoc as content, not as arguments', () => {
    const text = 'FROM alpine:3\nUSER app\nHEALTHCHECK NONE\nCOPY <<EOF /etc/app.conf\nkey a b c\nEOF\nCOPY <<-"RUN" <<TWO /srv/\n\tsudo x\n\tRUN\nb\nTWO\n';
    assert.deepEqual(ruleIds(check(text).findings), []);
  });

  it('honours the escape directive', () => {
    const text = '# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nUSER app\nHEALTHCHECK NONE\nRUN cmd /S /C `\n    sudo x\n';
    assert.deepEqual(ruleIds(check(text).findings), []);
  });

  describe('fixes', () => {
    function fixed(text: string, id: string): string {
      const finding = check(text).findings!.find(f => f.rule.id === id)!;
      assert.ok(finding.fix, `${id} has a fix`);
      return applyTextEdits(text, finding.fix.changes[0].edits);
    }
    const base = 'FROM debian:12\nHEALTHCHECK NONE\n';

    it('ADD -> COPY (safe); an ADD that unpacks an archive is left alone', () => {
      const text = `${base}USER app\nadd app.jar /srv/\n`;
      assert.equal(fixed(text, 'DS-0005'), `${base}USER app\ncopy app.jar /srv/\n`);
      assert.equal(check(text).findings![0].fix!.safe, true);
      assert.deepEqual(ruleIds(check(`${base}USER app\nADD app.tgz /srv/\n`).findings), []);
    });

    it('USER before the last CMD/ENTRYPOINT (not safe), which passes DS-0002', () => {
      const text = `${base}ENTRYPOINT ["app"]\nCMD ["--port", "80"]\n`;
      const after = fixed(text, 'DS-0002');
      assert.equal(after, `${base}USER 10001\nENTRYPOINT ["app"]\nCMD ["--port", "80"]\n`);
      assert.ok(!ruleIds(check(after).findings).includes('DS-0002'));
      assert.equal(check(text).findings!.find(f => f.rule.id === 'DS-0002')!.fix!.safe, false);
      assert.equal(fixed(`${base}RUN true`, 'DS-0002'), `${base}RUN true\nUSER 10001\n`);
      assert.equal(fixed('FROM debian:12\r\nCMD ["app"]\r\n', 'DS-0002'), 'FROM debian:12\r\nUSER 10001\r\nCMD ["app"]\r\n');
    });

    it('apt-get -y and --no-install-recommends after every install, apk --no-cache, COPY destination slash', () => {
      const apt = `${base}USER app\nRUN apt-get update && \\\n    apt-get install curl && apt-get install jq\n`;
      const yes = fixed(apt, 'DS-0021');
      assert.equal(yes, `${base}USER app\nRUN apt-get update && \\\n    apt-get install -y curl && apt-get install -y jq\n`);
      const both = fixed(yes, 'DS-0029');
      assert.deepEqual(ruleIds(check(both).findings), []);
      assert.equal(fixed(`${base}USER app\nRUN apk add curl\n`, 'DS-0025'), `${base}USER app\nRUN apk add --no-cache curl\n`);
      assert.equal(fixed(`${base}USER app\nCOPY ["a", "b", "dest"]\n`, 'DS-0011'), `${base}USER app\nCOPY ["a", "b", "dest/"]\n`);
      assert.equal(fixed(`${base}USER app\nCOPY a b dest\n`, 'DS-0011'), `${base}USER app\nCOPY a b dest/\n`);
    });

    it('offers no fix where the right value cannot be known (a tag, a WORKDIR)', () => {
      const findings = check('FROM node\nWORKDIR app\nUSER app\nHEALTHCHECK NONE\n').findings!;
      assert.deepEqual(ruleIds(findings), ['DS-0001', 'DS-0009']);
      assert.ok(findings.every(f => !f.fix));
    });
  });

  describe('through the engine', () => {
    const options = { scanners: ['misconfig' as const] };
    async function scanText(content: string, extra = {}) {
      const scan = await scanFile(new MemorySource({ 'app/Dockerfile': content }), 'app/Dockerfile', { ...options, ...extra });
      return scan!.results[0];
    }

    it('drops findings named by #trivy:ignore / #vigil:ignore comments on the lines above, by any name of the check', async () => {
      const text = '# trivy:ignore:DS002\n# vigil:ignore:no-healthcheck\nFROM alpine:3.20\n# trivy:ignore:AVD-DS-0004\nEXPOSE 22\nEXPOSE 22\n';
      const result = await scanText(text);
      assert.equal(result.class, 'config');
      assert.equal(result.type, 'dockerfile');
      assert.deepEqual(result.misconfigurations.map(f => `${f.rule.id}@${f.location.startLine}`), ['DS-0004@6']);
    });

    it('drops findings a .trivyignore names by the check ID', async () => {
      const { entries } = parseIgnoreFile('DS-0002\nDS-0026\n', '.trivyignore');
      const result = await scanText('FROM alpine:3.20\n', { ignore: createIgnorePolicy(entries) });
      assert.deepEqual(result.misconfigurations, []);
    });

    it('runs only with the misconfig scanner', async () => {
      assert.equal(await scanFile(new MemorySource({ Dockerfile: 'FROM alpine\n' }), 'Dockerfile', { scanners: ['vuln'] }), undefined);
    });

    it('reports an unknown instruction as an error naming its line, not its text', async () => {
      const scan = await scanFile(new MemorySource({ Dockerfile: 'FROM alpine:3\nRUNN secret-token-123\n' }), 'Dockerfile', options);
      assert.deepEqual(scan!.errors, [{ file: 'Dockerfile', message: 'line 2: unknown Dockerfile instruction' }]);
    });
  });

  it('scans the real-world Dockerfiles of the corpus without errors', async function () {
    const dir = corpusOrSkip(this, 'misconfig/real-world/dockerfiles');
    const scan = await analyzePath(dir, { scanners: ['misconfig'] });
    assert.deepEqual(scan.errors, []);
    const files = scan.results.filter(r => r.type === 'dockerfile');
    assert.ok(files.length >= 15, `${files.length} Dockerfiles`);
    const findings = files.reduce((sum, r) => sum + r.misconfigurations.length, 0);
    console.log(`      real-world: ${files.length} Dockerfiles, ${findings} findings`);
    // Trivy does not claim `Dockerfile-ubi8-8.3-227` by its name (nor does Vigil); read as a Dockerfile, it parses.
    const ubi = path.join(dir, 'aquasecurity__trivy/pkg/fanal/analyzer/buildinfo/testdata/dockerfile/Dockerfile-ubi8-8.3-227');
    assert.ok(check(fs.readFileSync(ubi, 'utf8')).misconfSummary);
  });

  // hadolint's unit-test cases (GPL-3.0: read from the shared corpus, never copied here) as a second
  // opinion for the rules that overlap. Where the two differ, Vigil follows trivy-checks.
  const HADOLINT_OVERLAP: Record<string, string> = {
    DL3000: 'DS-0009', DL3002: 'DS-0002', DL3003: 'DS-0013', DL3004: 'DS-0010', DL3007: 'DS-0001', DL3011: 'DS-0008',
    DL3012: 'DS-0023', DL3014: 'DS-0021', DL3015: 'DS-0029', DL3020: 'DS-0005', DL3021: 'DS-0011', DL3023: 'DS-0006',
    DL3024: 'DS-0012', DL3032: 'DS-0015', DL3036: 'DS-0020', DL3040: 'DS-0019', DL4000: 'DS-0022', DL4001: 'DS-0014',
    DL4003: 'DS-0016', DL4004: 'DS-0007',
  };
  const HADOLINT_DIFFERENCES: Record<string, string> = {
    'DL3002/fail-06': 'hadolint wants a non-root USER in every stage; Trivy looks at the last USER of the file',
    'DL3032/pass-03': "hadolint accepts rm -rf of yum's cache; Trivy asks for 'yum clean all'",
    'DL3040/fail-08': 'hadolint counts microdnf under dnf; Trivy has DS-0027 for it',
    'DL3040/fail-09': "hadolint asks for a clean after 'dnf upgrade' too; Trivy after installs",
    'DL3040/fail-10': "hadolint asks for a clean after 'dnf upgrade' too; Trivy after installs",
    'DL3040/fail-14': "hadolint asks for a clean after 'dnf upgrade' too; Trivy after installs",
    'DL3040/fail-15': "hadolint asks for a clean after 'dnf upgrade' too; Trivy after installs",
    'DL3040/pass-05': "hadolint accepts rm -rf of the cache; Trivy asks for 'dnf clean all'",
    'DL3040/pass-06': "hadolint accepts rm -rf of the cache; Trivy asks for 'dnf clean all'",
    'DL3040/pass-08': "hadolint accepts a cache mount; Trivy asks for 'dnf clean all'",
    'DL3040/pass-09': "hadolint accepts a cache mount; Trivy asks for 'dnf clean all'",
    'DL3040/pass-12': "hadolint accepts a tmpfs mount; Trivy asks for 'dnf clean all'",
  };

  it('agrees with hadolint on the overlapping rules, but for documented differences', function () {
    const dir = corpusOrSkip(this, 'misconfig/hadolint');
    const { cases } = JSON.parse(fs.readFileSync(path.join(dir, 'spec-cases.json'), 'utf8')) as { cases: { rule: string; file: string; expected: string }[] };
    const differences: string[] = [];
    let compared = 0;
    for (const { rule, file, expected } of cases) {
      const id = HADOLINT_OVERLAP[rule];
      if (!id) continue;
      compared++;
      const fired = ruleIds(check(fs.readFileSync(path.join(dir, '..', file), 'utf8')).findings).includes(id);
      if (fired !== (expected === 'fail')) differences.push(file.replace(/^hadolint\/spec-cases\//, '').replace(/\.Dockerfile$/, ''));
    }
    console.log(`      hadolint: ${compared - differences.length} of ${compared} cases of ${Object.keys(HADOLINT_OVERLAP).length} overlapping rules agree`);
    assert.deepEqual(differences.sort(), Object.keys(HADOLINT_DIFFERENCES).sort());
  });

  it('takes linear time in the size of the file', function () {
    this.timeout(60_000);
    const stage = (i: number) => `FROM node:20 AS s${i}\nRUN apt-get update && \\\n  apt-get install curl && cd /x && sudo make\nCOPY a b c\nEXPOSE 22 80\nADD x.jar /y/\nUSER root\n`;
    const text = (n: number) => Array.from({ length: n }, (_, i) => stage(i)).join('');
    assertLinearGrowth(text, check, 150);
  });
});
