// The Kubernetes analyzer: which files it reports on, every KSV check against trivy-checks' own
// examples and Rego test inputs, every workload kind, located findings with CauseMetadata, inline
// ignores by any of a check's names, fixes applied and re-checked, errors that quote nothing,
// alias bombs, and linear time.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { analyzeKubernetes, kubernetesAnalyzer } from './kubernetes';
import { analyzersFor } from '.';
import { applyTextEdits } from '../fixes/edits';
import { KUBERNETES_CHECKS } from '../kubernetes/checks';
import { parseKubernetesManifests } from '../kubernetes/manifest';
import { MISCONFIGURATION_RULES } from '../rules';
import { KUBERNETES_RULES } from '../rules/kubernetes';
import { analyzePath, scanFile } from '../scan';
import { MemorySource } from '../source';
import type { Finding } from '../types';
import { corpusOrSkip } from '../../../../test/helpers/corpus';
import { doublingRatio } from '../../../../test/helpers/linear-time';

const EXAMPLES = path.join(__dirname, '../kubernetes/testdata/trivy-checks');

function check(content: string, options = {}, file = 'deploy.yaml') {
  return analyzeKubernetes({ path: file, content }, options);
}

function ruleIds(findings: readonly Finding[] | undefined): string[] {
  return (findings ?? []).map(finding => finding.rule.id);
}

function idsOf(content: string, options = {}): string[] {
  return ruleIds(check(content, options).findings);
}

/** A Pod whose only container is `container` (YAML lines under `- `, indented by 4). */
function pod(container: string, podSpec = ''): string {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n${podSpec}  containers:\n  - name: app\n    image: ghcr.io/acme/app:1.2\n${container}`;
}

/** A Deployment with every setting the checks ask for: it passes them all. */
const HARDENED = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    metadata:
      labels:
        app: web
    spec:
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        seccompProfile:
          type: RuntimeDefault
      containers:
      - name: app
        image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.4.2
        ports:
        - containerPort: 8080
        resources:
          requests: { cpu: 100m, memory: 128Mi }
          limits: { cpu: 500m, memory: 256Mi }
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities:
            drop: [ALL]
`;

describe('kubernetes analyzer', () => {
  it('claims YAML and JSON files, and reports only on those that hold Kubernetes objects', () => {
    for (const name of ['deploy.yaml', 'k8s/app.yml', 'pod.json', 'pnpm-lock.yaml']) assert.ok(analyzersFor(name).includes(kubernetesAnalyzer), name);
    const nothing = { packages: [] };
    const workflow = 'name: ci\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: helm/kind-action@v1\n';
    assert.deepEqual(check(workflow, {}, '.github/workflows/ci.yml'), nothing);
    const pnpmLock = "lockfileVersion: '9.0'\npackages:\n  kind-of@6.0.3:\n    resolution: {integrity: sha512-x}\n";
    assert.deepEqual(check(pnpmLock, {}, 'pnpm-lock.yaml'), nothing);
    // Words in the text are not objects: a chart's Chart.yaml has an apiVersion but no kind.
    assert.deepEqual(check('apiVersion: v2\nname: web\ndescription: which kind of chart\n', {}, 'Chart.yaml'), nothing);
    assert.deepEqual(check('{"name": "x", "apiVersion": 1, "kind": "y"}', {}, 'package.json').findings, undefined);
    assert.deepEqual(check('["apiVersion", "kind"]', {}, 'list.json'), nothing);
    // A Helm template is Go template text until Helm renders it: no result, no error.
    const template = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n  labels: {{- include "x" . | nindent 4 }}\n';
    assert.deepEqual(check(template, {}, 'chart/templates/deploy.yaml'), nothing);
    // Broken YAML that only mentions the words is no manifest: no error either.
    assert.deepEqual(check('notes: the apiVersion and kind of each: [object\n', {}, 'notes.yaml'), nothing);
    assert.throws(() => check('- apiVersion: v1\n  kind: Pod\n  spec: [\n', {}, 'pods.yaml'), /invalid YAML/);
    assert.throws(() => check('{"apiVersion": "v1", "kind": "Pod",\n', {}, 'pod.json'), /invalid YAML/);
  });

  it('reads JSON manifests', () => {
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: [{ name: 'app', image: 'nginx', securityContext: { privileged: true } }] } }, null, 2);
    const privileged = check(json, {}, 'pod.json').findings!.find(f => f.rule.id === 'KSV-0017')!;
    assert.equal(json.split('\n')[privileged.location.startLine - 1].trim(), '"privileged": true');
  });

  it('has the 79 KSV checks in the misconfiguration rule table, with Trivy IDs and links', () => {
    assert.equal(KUBERNETES_RULES.length, 79);
    assert.equal(KUBERNETES_CHECKS.length, 79);
    assert.deepEqual(KUBERNETES_CHECKS.map(c => c.rule), KUBERNETES_RULES);
    for (const rule of KUBERNETES_RULES) {
      assert.ok(MISCONFIGURATION_RULES.includes(rule), rule.id);
      assert.match(rule.id, /^KSV-\d{4,5}$/);
      assert.equal(rule.url, `https://avd.aquasec.com/misconfig/${rule.id.toLowerCase()}`);
      assert.ok(rule.remediation && rule.title);
    }
  });

  it("has trivy-checks' IDs, aliases, titles, severities, retirements and the kinds each check looks at", function () {
    const dir = corpusOrSkip(this, 'misconfig/trivy-checks');
    type Upstream = {
      id: string; avd_id: string; legacy_id: string | null; aliases: string[]; title: string; severity: string; deprecated: boolean;
      selector_subtypes: { kind: string }[];
    };
    const { checks } = JSON.parse(fs.readFileSync(path.join(dir, 'checks.json'), 'utf8')) as { checks: Upstream[] };
    const upstream = checks.filter(c => c.id.startsWith('KSV-'));
    assert.deepEqual(KUBERNETES_RULES.map(r => r.id), upstream.map(c => c.id));
    for (const [index, c] of upstream.entries()) {
      const rule = KUBERNETES_RULES[index];
      assert.equal(rule.title, c.title, c.id);
      assert.equal(rule.severity, c.severity, c.id);
      assert.equal(rule.deprecated ?? false, c.deprecated, c.id);
      assert.deepEqual([...rule.aliases].sort(), [...new Set([c.avd_id, ...(c.legacy_id ? [c.legacy_id] : []), ...c.aliases])].sort(), c.id);
      // The kinds decide which checks count as passed for an object in the MisconfSummary.
      const kinds = KUBERNETES_CHECKS[index].kinds;
      assert.deepEqual(kinds === 'any' ? [] : [...kinds].sort(), c.selector_subtypes.map(s => s.kind).sort(), c.id);
    }
  });

  it('agrees with every trivy-checks example: bad ones fail the check, good ones pass it', () => {
    const disagreements: string[] = [];
    let inputs = 0;
    for (const id of fs.readdirSync(EXAMPLES).filter(name => name.startsWith('KSV-')).sort()) {
      for (const name of fs.readdirSync(path.join(EXAMPLES, id)).sort()) {
        inputs++;
        const failed = idsOf(fs.readFileSync(path.join(EXAMPLES, id, name), 'utf8'), { includeDeprecated: true }).includes(id);
        if (failed !== name.startsWith('bad')) disagreements.push(`${id}/${name}: ${failed ? 'failed' : 'passed'}`);
      }
    }
    assert.deepEqual(disagreements, []);
    assert.equal(inputs, 37);
  });

  // Inputs of the shared corpus on which Vigil and trivy-checks' expectations differ, and why.
  const TRIVY_DIFFERENCES: Record<string, string> = {
    'KSV-0107/test_eval_k8s_api_with_data_match.yaml':
      "the Rego test swaps in its own table of deprecated APIs in which batch/v1 Job is deprecated; in Kubernetes' it is current",
  };

  it("agrees with trivy-checks' examples and Rego test inputs for at least 98% of them, but for documented differences", function () {
    const dir = corpusOrSkip(this, 'misconfig');
    type Case = { check_id: string; file: string; expected: 'pass' | 'fail' };
    const cases = ['examples-expectations.json', 'rego-test-expectations.json'].flatMap(name =>
      (JSON.parse(fs.readFileSync(path.join(dir, 'trivy-checks', name), 'utf8')) as { cases: Case[] }).cases.filter(c => c.check_id.startsWith('KSV-')));
    const differences: string[] = [];
    for (const { check_id: id, file, expected } of cases) {
      const failed = idsOf(fs.readFileSync(path.join(dir, file), 'utf8'), { includeDeprecated: true }).includes(id);
      if (failed !== (expected === 'fail')) differences.push(`${id}/${path.basename(file)}`);
    }
    const agreement = (cases.length - differences.length) / cases.length;
    console.log(`      conformance: ${cases.length - differences.length} of ${cases.length} trivy-checks inputs agree (${(agreement * 100).toFixed(1)}%)`);
    assert.ok(cases.length >= 260, `${cases.length} cases`);
    assert.ok(agreement >= 0.98);
    assert.deepEqual(differences.sort(), Object.keys(TRIVY_DIFFERENCES).sort());
  });

  // The checks trivy-checks gives no failing input for, from cases written here: [id, bad, good].
  const OWN_CASES: [string, string, string][] = [
    ['KSV-0004', pod('    securityContext:\n      capabilities:\n        add: [CHOWN]\n'), pod('    securityContext:\n      capabilities:\n        drop: [NET_RAW]\n')],
    ['KSV-0007', pod('', '  hostAliases:\n  - ip: 10.0.0.1\n    hostnames: [db]\n'), pod('')],
    ['KSV-0013', pod('').replace('ghcr.io/acme/app:1.2', 'localhost:5000/app'), pod('').replace('ghcr.io/acme/app:1.2', 'localhost:5000/app@sha256:abc')],
    ['KSV-0013', pod('').replace('app:1.2', 'app:latest'), pod('')],
    ['KSV-0032', pod(''), pod('').replace('ghcr.io', 'acme.azurecr.io')],
    ['KSV-0033', pod(''), pod('').replace('ghcr.io', 'eu.gcr.io')],
    ['KSV-0034', pod(''), pod('').replace('ghcr.io', 'registry.acme.dev')],
    ['KSV-0034', pod('').replace('ghcr.io/acme/app:1.2', 'library/nginx'), pod('').replace('ghcr.io', 'registry.acme.dev')],
    ['KSV-0035', pod(''), pod('').replace('ghcr.io', '1234.dkr.ecr.us-east-1.amazonaws.com')],
    ['KSV-0036', pod('', '  automountServiceAccountToken: true\n'), pod('', '  automountServiceAccountToken: false\n')],
    ['KSV-0036', pod('    volumeMounts:\n    - name: token\n      mountPath: /var/run/secrets/kubernetes.io/serviceaccount\n'), pod('    volumeMounts:\n    - name: data\n      mountPath: /data\n')],
    ['KSV-0039', 'apiVersion: v1\nkind: LimitRange\nmetadata:\n  name: l\nspec:\n  limits:\n  - type: Container\n    max: {cpu: "1"}\n',
      'apiVersion: v1\nkind: LimitRange\nmetadata:\n  name: l\nspec:\n  limits:\n  - type: Container\n    max: {cpu: "1"}\n    min: {cpu: 10m}\n    default: {cpu: 500m}\n    defaultRequest: {cpu: 100m}\n'],
    ['KSV-0040', 'apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: q\nspec:\n  hard:\n    requests.cpu: "1"\n',
      'apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: q\nspec:\n  hard:\n    requests.cpu: "1"\n    requests.memory: 1Gi\n    limits.cpu: "2"\n    limits.memory: 2Gi\n'],
    ['KSV-01010', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  contact: "owner: jane@example.com"\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  level: info\n'],
    ['KSV-01010', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  settings: "iban = DE89 3704 0044 0532 0130 00"\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  settings: "mode=fast"\n'],
    ['KSV-0102', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: tiller-deploy\nspec:\n  template:\n    spec:\n      containers:\n      - name: tiller\n        image: gcr.io/kubernetes-helm/tiller:v2.16.1\n',
      HARDENED],
    ['KSV-0121', pod('', '  volumes:\n  - name: etc\n    hostPath:\n      path: /etc\n'), pod('', '  volumes:\n  - name: logs\n    hostPath:\n      path: /var/log/app\n')],
    ['KSV-0124', 'apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sAllowedRepos\nmetadata:\n  name: repos\nspec:\n  parameters:\n    repos: [docker.io/library, ghcr.io]\n',
      'apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sAllowedRepos\nmetadata:\n  name: repos\nspec:\n  parameters:\n    repos: [docker.io/library/nginx, ghcr.io/acme/]\n'],
    ['KSV-0125', pod(''), pod('').replace('ghcr.io', 'acme.azurecr.io')],
    ['KSV-0107', 'apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: i\n', 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i\n'],
    ['KSV-0122', 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: b\nsubjects:\n- kind: Group\n  name: system:unauthenticated\nroleRef:\n  kind: ClusterRole\n  name: view\n',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: b\nsubjects:\n- kind: Group\n  name: devs\nroleRef:\n  kind: ClusterRole\n  name: view\n'],
  ];
  for (const [id, bad, good] of OWN_CASES) {
    it(`${id} fails on a bad case and passes a good one`, () => {
      assert.ok(idsOf(bad, { includeDeprecated: true }).includes(id), 'bad case');
      assert.ok(!idsOf(good, { includeDeprecated: true }).includes(id), 'good case');
    });
  }

  it('passes a hardened Deployment on every check, and counts passed checks per object in the MisconfSummary', () => {
    const hardened = check(HARDENED);
    assert.deepEqual(ruleIds(hardened.findings), []);
    // 54 of the 75 current checks apply to a Deployment (the others look at roles, bindings, ConfigMaps...).
    assert.deepEqual(hardened.misconfSummary, { successes: 54, failures: 0 });
    // The 4 retired ones run only on request: an ECR image is not from ACR (KSV-0032) or GCR (KSV-0033).
    const retired = check(HARDENED, { includeDeprecated: true });
    assert.deepEqual(ruleIds(retired.findings), ['KSV-0032', 'KSV-0033']);
    assert.deepEqual(retired.misconfSummary, { successes: 56, failures: 2 });
    const twice = check(`${HARDENED}---\n${HARDENED.replace('allowPrivilegeEscalation: false', 'allowPrivilegeEscalation: true')}`);
    assert.deepEqual(ruleIds(twice.findings), ['KSV-0001']);
    assert.deepEqual(twice.misconfSummary, { successes: 107, failures: 1 });
  });

  it('checks the pod template of every workload kind, List items, init and ephemeral containers', () => {
    const container = '- name: app\n  image: nginx:1.27\n  securityContext:\n    privileged: true\n';
    const indent = (text: string, by: number) => text.split('\n').map(line => (line ? ' '.repeat(by) + line : line)).join('\n');
    const podSpec = (by: number) => `${' '.repeat(by)}spec:\n${' '.repeat(by + 2)}containers:\n${indent(container, by + 2)}`;
    const kinds: [string, string][] = [
      ['Pod', podSpec(0)],
      ...['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job'].map(kind => [kind, `spec:\n  template:\n${podSpec(4)}`] as [string, string]),
      ['CronJob', `spec:\n  schedule: "* * * * *"\n  jobTemplate:\n    spec:\n      template:\n${podSpec(8)}`],
    ];
    for (const [kind, body] of kinds) {
      const findings = check(`apiVersion: v1\nkind: ${kind}\nmetadata:\n  name: x\n${body}`).findings!.filter(f => f.rule.id === 'KSV-0017');
      assert.equal(findings.length, 1, kind);
      assert.deepEqual(findings[0].cause, { provider: 'Kubernetes', service: 'general', resource: `${kind}/x` });
    }
    const list = `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: a\n${indent(podSpec(0), 2)}- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: b\n${indent(podSpec(0), 2)}`;
    assert.deepEqual(check(list).findings!.filter(f => f.rule.id === 'KSV-0017').map(f => f.cause!.resource), ['Pod/a', 'Pod/b']);
    const groups = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  initContainers:\n${indent(container, 2)}  ephemeralContainers:\n${indent(container.replace('app', 'debug'), 2)}`;
    assert.deepEqual(check(groups).findings!.filter(f => f.rule.id === 'KSV-0017').map(f => f.message.split(' of ')[0]),
      ["Init container 'app'", "Ephemeral container 'debug'"]);
  });

  it('points at the key or value at fault, or at the container name when a field is missing', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n---\n${pod('    securityContext:\n      privileged: true\n      capabilities:\n        add: [NET_RAW, CHOWN]\n')}`;
    const findings = check(text).findings!;
    const at = (id: string) => findings.filter(f => f.rule.id === id).map(f => {
      const { startLine, startColumn, endLine, endColumn } = f.location;
      return `${startLine}:${startColumn}-${endLine}:${endColumn}`;
    });
    assert.deepEqual(at('KSV-0017'), ['16:7-16:23']); // privileged: true
    assert.deepEqual(at('KSV-0119'), ['18:15-18:22']); // NET_RAW
    assert.deepEqual(at('KSV-0014'), ['13:5-13:14']); // - name: app
    assert.deepEqual(at('KSV-0022'), ['18:9-18:30']); // add: [NET_RAW, CHOWN]
    assert.deepEqual(check(text).findings!.find(f => f.rule.id === 'KSV-0017')!.cause, { provider: 'Kubernetes', service: 'general', resource: 'Pod/web' });
  });

  it("takes the pod's securityContext for the fields a container inherits, and follows anchors and merge keys", () => {
    const inherited = pod('', '  securityContext:\n    runAsUser: 0\n    runAsNonRoot: true\n');
    const ids = idsOf(inherited);
    assert.ok(ids.includes('KSV-0105') && ids.includes('KSV-0020') && !ids.includes('KSV-0012'));
    const merged = `x-defaults: &hardened\n  privileged: true\n${pod('    securityContext:\n      <<: *hardened\n      readOnlyRootFilesystem: true\n')}`;
    assert.ok(idsOf(merged).includes('KSV-0017'));
    assert.ok(!idsOf(merged).includes('KSV-0014'));
    const aliased = `${pod('    securityContext: &sc\n      privileged: true\n')}  - name: sidecar\n    image: ghcr.io/acme/side:1\n    securityContext: *sc\n`;
    assert.equal(idsOf(aliased).filter(id => id === 'KSV-0017').length, 2);
  });

  describe('fixes', () => {
    const FIXED: [string, string][] = [['KSV-0001', 'allowPrivilegeEscalation'], ['KSV-0012', 'runAsNonRoot'], ['KSV-0014', 'readOnlyRootFilesystem'], ['KSV-0017', 'privileged']];
    function fixed(text: string, id: string): string {
      const finding = check(text).findings!.find(f => f.rule.id === id)!;
      assert.ok(finding?.fix, `${id} has a fix`);
      assert.equal(finding.fix.safe, false);
      return applyTextEdits(text, finding.fix.changes[0].edits);
    }
    function assertFixes(text: string, id: string): string {
      const after = fixed(text, id);
      assert.ok(parseKubernetesManifests(after, 'deploy.yaml').objects.length > 0, 'the fixed text parses');
      assert.ok(!idsOf(after).includes(id), `${id} passes after its fix:\n${after}`);
      return after;
    }
    const shapes: Record<string, string> = {
      'no securityContext': pod('    ports:\n    - containerPort: 8080\n'),
      'a block securityContext': pod('    securityContext:\n      capabilities:\n        drop: [ALL]\n    resources: {}\n'),
      'the field set the wrong way': pod('    securityContext:\n      allowPrivilegeEscalation: true\n      privileged: true\n      runAsNonRoot: false\n      readOnlyRootFilesystem: false\n'),
      'an empty flow securityContext': pod('    securityContext: {}\n'),
      'a flow securityContext': pod('    securityContext: {runAsUser: 10001}\n'),
      'CRLF line ends': pod('    securityContext:\n      privileged: true\n').replace(/\n/g, '\r\n'),
    };
    for (const [shape, text] of Object.entries(shapes)) {
      it(`sets the field in a container with ${shape}; the result parses and passes the check`, () => {
        for (const [id] of FIXED) if (idsOf(text).includes(id)) assertFixes(text, id);
      });
    }

    it('writes the field with the indentation around it', () => {
      assert.equal(fixed(pod('    ports:\n    - containerPort: 8080\n'), 'KSV-0014'),
        pod('    ports:\n    - containerPort: 8080\n    securityContext:\n      readOnlyRootFilesystem: true\n'));
      assert.equal(fixed(pod('    securityContext:\n      capabilities:\n        drop: [ALL]\n    resources: {}\n'), 'KSV-0001'),
        pod('    securityContext:\n      capabilities:\n        drop: [ALL]\n      allowPrivilegeEscalation: false\n    resources: {}\n'));
      assert.equal(fixed(pod('    securityContext:\n      privileged: true\n'), 'KSV-0017'), pod('    securityContext:\n      privileged: false\n'));
      assert.equal(fixed(pod('    securityContext: {}\n'), 'KSV-0012'), pod('    securityContext: {runAsNonRoot: true}\n'));
    });

    it('offers no fix where the value cannot be known (resource limits) or an anchor is shared', () => {
      const findings = check(pod('')).findings!;
      assert.ok(findings.filter(f => ['KSV-0011', 'KSV-0018', 'KSV-0020'].includes(f.rule.id)).every(f => !f.fix));
      const shared = `${pod('    securityContext: &sc\n      privileged: true\n')}  - name: sidecar\n    image: ghcr.io/acme/side:1\n    securityContext: *sc\n`;
      const privileged = check(shared).findings!.filter(f => f.rule.id === 'KSV-0017');
      assert.deepEqual(privileged.map(f => Boolean(f.fix)), [true, false]);
    });
  });

  describe('through the engine', () => {
    const options = { scanners: ['misconfig' as const] };
    async function scanText(content: string, file = 'k8s/app.yaml') {
      const scan = await scanFile(new MemorySource({ [file]: content }), file, options);
      return scan!;
    }

    it('drops findings named by #trivy:ignore / #vigil:ignore comments above the line, the container or the object, by any name', async () => {
      const text = pod('    securityContext:\n      # trivy:ignore:KSV017\n      privileged: true\n      # vigil:ignore:no-net-raw\n      capabilities:\n        add: [NET_RAW, SYS_MODULE]\n');
      const before = ruleIds((await scanText(pod('    securityContext:\n      privileged: true\n      capabilities:\n        add: [NET_RAW, SYS_MODULE]\n'))).results[0].misconfigurations);
      const after = ruleIds((await scanText(text)).results[0].misconfigurations);
      assert.ok(before.includes('KSV-0017') && before.includes('KSV-0119'));
      assert.ok(!after.includes('KSV-0017'), 'ignored on the line above');
      assert.ok(after.includes('KSV-0119'), 'the comment is not above NET_RAW: it is above capabilities');
      assert.ok(after.includes('KSV-0120'));
      const aboveContainer = pod('').replace('  - name: app', '  # trivy:ignore:AVD-KSV-0014\n  - name: app');
      assert.ok(!ruleIds((await scanText(aboveContainer)).results[0].misconfigurations).includes('KSV-0014'));
      const aboveObject = `# vigil:ignore:KSV-0110 vigil:ignore:use-trusted-registry\n${pod('')}`;
      const ignored = ruleIds((await scanText(aboveObject)).results[0].misconfigurations);
      assert.ok(!ignored.includes('KSV-0110') && !ignored.includes('KSV-0125'));
    });

    it('does not take a # line inside a block scalar for a comment', async () => {
      const text = pod('    command:\n    - sh\n    - -c\n    - |\n      echo start\n      # trivy:ignore:KSV-0017\n    securityContext:\n      privileged: true\n')
        .replace('    securityContext:\n      privileged', '    securityContext:\n      privileged');
      const block = text.replace('    securityContext:\n      privileged: true\n', '    args:\n    - |\n      # trivy:ignore:KSV-0017\n    securityContext:\n      privileged: true\n');
      assert.ok(ruleIds((await scanText(block)).results[0].misconfigurations).includes('KSV-0017'));
    });

    it('gives a result of type kubernetes with a MisconfSummary, and none for other YAML', async () => {
      const result = (await scanText(pod(''))).results[0];
      assert.equal(result.class, 'config');
      assert.equal(result.type, 'kubernetes');
      assert.ok(result.misconfSummary!.successes > 0 && result.misconfSummary!.failures === result.misconfigurations.length);
      assert.deepEqual((await scanText('name: ci\non: push\n', '.github/workflows/ci.yml')).results, []);
    });

    it('reports invalid YAML as an error naming its line, not its text', async () => {
      const scan = await scanText('apiVersion: v1\nkind: Pod\nmetadata:\n  name: secret-token-123\n   bad: [indent\n');
      assert.equal(scan.errors.length, 1);
      assert.match(scan.errors[0].message, /^line \d+, column \d+: invalid YAML \([A-Z_]+\)$/);
      assert.ok(!scan.errors[0].message.includes('secret-token'));
      assert.throws(() => check('apiVersion: v1\nkind: Pod\nkind: Pod\n'), { message: /^line 3, column 1: invalid YAML \(DUPLICATE_KEY\)$/ });
    });
  });

  it('survives an alias bomb: aliases are followed on lookup, never expanded, within a budget', function () {
    this.timeout(20_000);
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    const bomb = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: bomb\n${levels.join('\n')}\nspec:\n  containers: *l\n`;
    const start = Date.now();
    const output = check(bomb);
    assert.ok(Date.now() - start < 10_000);
    assert.ok(output.misconfSummary);
    const merges = ['m0: &m0 {privileged: false}'];
    for (let i = 1; i < 30; i++) merges.push(`m${i}: &m${i} {<<: [${Array(8).fill(`*m${i - 1}`).join(', ')}]}`);
    const chain = `${merges.join('\n')}\n${pod('    securityContext:\n      <<: *m29\n')}`;
    const started = Date.now();
    assert.ok(!idsOf(chain).includes('KSV-0017'));
    assert.ok(Date.now() - started < 10_000, 'a merge chain is walked once per lookup, not once per path');
    // A long chain merged into many containers: every lookup walks it, until the budget runs out.
    const long = ['m0: &m0 {x: 1}'];
    for (let i = 1; i < 200; i++) long.push(`m${i}: &m${i} {<<: *m${i - 1}}`);
    const containers = Array.from({ length: 500 }, (_, i) => `  - name: c${i}\n    image: a:1\n    securityContext: {<<: *m199}\n`).join('');
    assert.throws(() => check(`${long.join('\n')}\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n${containers}`),
      { message: 'too many YAML aliases: more than 1000000 followed' });
  });

  it('scans the real-world manifests of the corpus without errors', async function () {
    const dir = corpusOrSkip(this, 'misconfig/real-world/kubernetes');
    const scan = await analyzePath(dir, { scanners: ['misconfig'] });
    assert.deepEqual(scan.errors, []);
    const files = scan.results.filter(r => r.type === 'kubernetes');
    assert.ok(files.length >= 20, `${files.length} manifests`);
    const findings = files.reduce((sum, r) => sum + r.misconfigurations.length, 0);
    console.log(`      real-world: ${files.length} manifests, ${findings} findings`);
    const ids = new Set(files.flatMap(r => ruleIds(r.misconfigurations)));
    for (const id of ['KSV-0006', 'KSV-0009', 'KSV-0010', 'KSV-0017', 'KSV-0111']) assert.ok(ids.has(id), id);
  });

  it('takes linear time in the number of documents and of containers', function () {
    this.timeout(60_000);
    const container = (i: number) => `  - name: c${i}\n    image: nginx\n    ports:\n    - containerPort: 80\n      hostPort: 80\n    securityContext:\n      privileged: true\n      capabilities: {add: [NET_RAW]}\n`;
    const manyContainers = (n: number) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n${Array.from({ length: n }, (_, i) => container(i)).join('')}`;
    const manyDocuments = (n: number) => Array.from({ length: n }, (_, i) => pod('').replace('name: web', `name: web${i}`)).join('---\n');
    for (const [make, size] of [[manyContainers, 100], [manyDocuments, 60]] as const) {
      const { ratio } = doublingRatio(make, text => check(text), size);
      assert.ok(ratio < 3, `time(2N)/time(N) = ${ratio.toFixed(2)}`);
    }
  });
});
