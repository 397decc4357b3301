import assert from 'node:assert/strict';
import path from 'node:path';
import { createVexPolicy, loadVexDocument, parseVexDocument, VexGraph, type VexPolicy } from './vex';
import { filterResult } from './detect';
import { emptyResult } from './scan';
import { buildPurl } from './purl';
import type { DetectedVulnerability, FileResult, Package } from './types';

const OPENVEX = path.join(__dirname, 'testdata/vex/openvex.json');

function pkg(name: string, version: string, direct: boolean, dependsOn: string[] = []): Package {
  return { id: `${name}@${version}`, name, version, ecosystem: 'Go', purl: buildPurl('Go', name, version), direct, dev: false, dependsOn };
}

function vuln(p: Package, id: string, aliases: string[] = []): DetectedVulnerability {
  return {
    vulnerabilityId: id, aliases, pkgId: p.id, pkgName: p.name, purl: p.purl, installedVersion: p.version, fixedVersions: [], advisoryFixedVersions: [], status: 'affected',
    severity: 'HIGH', severitySource: 'ghsa', title: '', description: '', references: [], primaryUrl: '', cvss: {}, dataSourceId: id, direct: p.direct, dev: false,
  };
}

const opa = pkg('github.com/open-policy-agent/opa', 'v0.35.0', true);
const text = pkg('golang.org/x/text', 'v0.3.6', false);
const net = pkg('golang.org/x/net', 'v0.1.0', true, [text.id]);
const project = { name: 'github.com/testdata/testdata', purl: 'pkg:golang/github.com/testdata/testdata' };

function result(packages: Package[], vulns: DetectedVulnerability[]): FileResult {
  return { ...emptyResult('go.mod', 'lang-pkgs', 'gomod'), packages, vulnerabilities: vulns, project };
}

function openVex(statements: unknown[], timestamp = '2024-01-01T00:00:00Z'): VexPolicy {
  return createVexPolicy([parseVexDocument(JSON.stringify({ '@context': 'https://openvex.dev/ns/v0.2.0', timestamp, statements }), 'doc.json')]);
}

describe('VEX', () => {
  it('drops what Trivy\'s OpenVEX golden marks not_affected (the project as product, the package as subcomponent) and says why', () => {
    const policy = createVexPolicy([loadVexDocument(OPENVEX)]);
    const file = result([opa, text, net], [vuln(opa, 'CVE-2022-23628'), vuln(text, 'CVE-2021-38561')]);
    filterResult(file, { vex: policy });
    assert.deepEqual(file.vulnerabilities.map(v => v.vulnerabilityId), ['CVE-2021-38561']);
    assert.deepEqual(file.suppressed?.map(s => [s.finding.vulnerabilityId, s.status, s.statement, s.source]), [
      ['CVE-2022-23628', 'not_affected', 'vulnerable_code_not_in_execute_path', OPENVEX],
    ]);
  });

  it('needs the project to match when the statement names it: another module keeps its finding', () => {
    const policy = createVexPolicy([loadVexDocument(OPENVEX)]);
    const file = { ...result([opa], [vuln(opa, 'CVE-2022-23628')]), project: { name: 'other', purl: 'pkg:golang/example.com/other' } };
    filterResult(file, { vex: policy });
    assert.equal(file.vulnerabilities.length, 1);
  });

  it('matches the package itself by purl (a purl without version covers all), and the finding by any alias', () => {
    const policy = openVex([{ vulnerability: { name: 'GHSA-xxxx-yyyy-zzzz' }, products: [{ '@id': 'pkg:golang/golang.org/x/text' }], status: 'fixed' }]);
    const graph = new VexGraph([text, net], project);
    assert.equal(graph.suppression(vuln(text, 'CVE-2021-38561', ['GHSA-xxxx-yyyy-zzzz']), policy)?.status, 'fixed');
    assert.equal(graph.suppression(vuln(text, 'CVE-2021-38561'), policy), undefined);
  });

  it('lets a package above cover what it pulls in, unless another path reaches the project', () => {
    const policy = openVex([{ vulnerability: { name: 'CVE-1' }, products: [{ '@id': net.purl, subcomponents: [{ '@id': text.purl }] }], status: 'not_affected', justification: 'inline_mitigations_already_exist' }]);
    assert.equal(new VexGraph([text, net], project).suppression(vuln(text, 'CVE-1'), policy)?.statement, 'inline_mitigations_already_exist');
    // Also required by a second direct dependency: that path is not covered.
    const other = pkg('example.com/other', 'v1.0.0', true, [text.id]);
    assert.equal(new VexGraph([text, net, other], project).suppression(vuln(text, 'CVE-1'), policy), undefined);
  });

  it('takes the latest statement of a document, and drops only for not_affected or fixed', () => {
    const statement = (status: string, timestamp: string) => ({ vulnerability: { name: 'CVE-1' }, products: [{ '@id': opa.purl }], status, timestamp, justification: status === 'not_affected' ? 'component_not_present' : undefined });
    const graph = new VexGraph([opa], project);
    assert.equal(graph.suppression(vuln(opa, 'CVE-1'), openVex([statement('not_affected', '2024-01-01T00:00:00Z'), statement('affected', '2024-02-01T00:00:00Z')])), undefined);
    assert.equal(graph.suppression(vuln(opa, 'CVE-1'), openVex([statement('affected', '2024-02-01T00:00:00Z'), statement('not_affected', '2024-01-01T00:00:00Z')])), undefined);
    assert.equal(graph.suppression(vuln(opa, 'CVE-1'), openVex([statement('affected', '2024-01-01T00:00:00Z'), statement('not_affected', '2024-02-01T00:00:00Z')]))?.status, 'not_affected');
    assert.equal(graph.suppression(vuln(opa, 'CVE-1'), openVex([statement('under_investigation', '2024-01-01T00:00:00Z')])), undefined);
  });

  it('reads OpenVEX v0.0.1 (string vulnerability and products, subcomponents beside them)', () => {
    const policy = createVexPolicy([parseVexDocument(JSON.stringify({
      '@context': 'https://openvex.dev/ns', statements: [{ vulnerability: 'CVE-1', products: [project.purl], subcomponents: [text.purl], status: 'not_affected' }],
    }), 'old.json')]);
    assert.equal(new VexGraph([text, net], project).suppression(vuln(text, 'CVE-1'), policy)?.status, 'not_affected');
  });

  it('reads CycloneDX VEX: affects by purl, bom-ref or BOM-Link, for the vulnerable package itself', () => {
    const policy = createVexPolicy([parseVexDocument(JSON.stringify({
      bomFormat: 'CycloneDX', specVersion: '1.6',
      components: [{ 'bom-ref': 'text-ref', type: 'library', name: 'text', purl: text.purl }],
      vulnerabilities: [
        { id: 'CVE-1', analysis: { state: 'not_affected', justification: 'code_not_reachable' }, affects: [{ ref: 'urn:cdx:3ff14136-e09f-4df9-80ea-000000000001/1#text-ref' }] },
        { id: 'CVE-2', analysis: { state: 'resolved' }, affects: [{ ref: opa.purl }] },
        { id: 'CVE-3', analysis: { state: 'exploitable' }, affects: [{ ref: opa.purl }] },
        { id: 'CVE-4', analysis: { state: 'not_affected' }, affects: [{ ref: net.purl }] },
      ],
    }), 'cdx.json')]);
    const graph = new VexGraph([opa, text, net], project);
    assert.deepEqual(graph.suppression(vuln(text, 'CVE-1'), policy), { status: 'not_affected', statement: 'code_not_reachable', source: 'cdx.json' });
    assert.equal(graph.suppression(vuln(opa, 'CVE-2'), policy)?.status, 'fixed');
    assert.equal(graph.suppression(vuln(opa, 'CVE-3'), policy), undefined);
    // A CycloneDX statement about a package says nothing of what that package pulls in.
    assert.equal(graph.suppression(vuln(text, 'CVE-4'), policy), undefined);
  });

  it('rejects what is no VEX document, naming the file and quoting nothing of it', () => {
    const secret = 'AKIAABCDEFGHIJKLMNOP';
    for (const [content, pattern] of [
      [`{"@context": "${secret}"`, /not valid JSON/],
      [`["${secret}"]`, /does not hold a JSON object/],
      [`{"author": "${secret}"}`, /neither OpenVEX .* nor CycloneDX/],
      [`{"@context": "https://openvex.dev/ns/v0.2.0", "statements": "${secret}"}`, /needs a statements list/],
      [`{"document": {"category": "csaf_vex"}}`, /CSAF VEX document, which Vigil does not read yet/],
    ] as const) {
      assert.throws(() => parseVexDocument(content, 'x.vex.json'), (error: Error) => {
        assert.match(error.message, pattern);
        assert.match(error.message, /x\.vex\.json/);
        assert.ok(!error.message.includes(secret));
        return true;
      });
    }
    assert.throws(() => loadVexDocument('/nonexistent/vex.json'), /cannot read the VEX document \/nonexistent\/vex\.json \(ENOENT\)/);
  });
});
