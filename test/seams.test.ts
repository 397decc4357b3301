// The engine's seams, end to end with test-only analyzers: several analyzers on one file, a binary
// file read as bytes, siblings read through the file source, one filter for every kind, and every
// kind reaching every report writer and the editor's diagnostics.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ANALYZERS } from '../server/src/engine/analyzers';
import { importAdvisories, openDb, type VulnDb } from '../server/src/engine/db';
import { createIgnorePolicy, parseIgnoreFile } from '../server/src/engine/ignore';
import { analyzePath, completeScan, countFindings, scanFile, type ScanOptions } from '../server/src/engine/scan';
import { MemorySource, OverlaySource, DiskSource } from '../server/src/engine/source';
import { isSbomFormat, REPORT_WRITERS } from '../server/src/report';
import { resultView } from '../server/src/lsp/diagnostics';
import { DEFAULT_SEVERITY_MAP } from '../server/src/lsp/settings';
import { REPO_ROOT } from './helpers/corpus';
import { BYTES_RULE, MARKER, MARKER_RULE, bytesAnalyzer, markerAnalyzer } from './helpers/test-analyzers';

const analyzers = [...ANALYZERS, markerAnalyzer, bytesAnalyzer];
const allScanners: ScanOptions['scanners'] = ['vuln', 'secret', 'license'];

describe('engine seams', function () {
  this.timeout(30_000);
  let tmp: string;
  let db: VulnDb;
  let project: string;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-seams-'));
    await importAdvisories(path.join(tmp, 'cache'), [path.join(REPO_ROOT, 'demo-db/osv')]);
    db = openDb(path.join(tmp, 'cache'));
    project = path.join(tmp, 'project');
    fs.mkdirSync(path.join(project, 'broken'), { recursive: true });
    const lock = fs.readFileSync(path.join(REPO_ROOT, 'examples/node-app/package-lock.json'), 'utf8');
    // The marker sits inside the lockfile, so two analyzers find something in one file.
    fs.writeFileSync(path.join(project, 'package-lock.json'), lock.replace('"name": "', `"name": "${MARKER}lock", "x": "`));
    fs.copyFileSync(path.join(REPO_ROOT, 'examples/node-app/package.json'), path.join(project, 'package.json'));
    fs.writeFileSync(path.join(project, 'notes.txt'), `first\n# vigil:ignore:${MARKER_RULE.id}\n${MARKER}ignored\n${MARKER}kept\n`);
    fs.writeFileSync(path.join(project, 'blob.bin'), Buffer.from([0, 1, 2, 0, 255]));
    // Binary content under a lockfile's name: an error for the lockfile analyzer only.
    fs.writeFileSync(path.join(project, 'broken', 'package-lock.json'), Buffer.from([0, 0, 7, 0]));
  });
  after(() => {
    db.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const scan = () => analyzePath(project, { analyzers, scanners: allScanners }).then(s => completeScan(s, { db, scanners: allScanners }));

  it('runs every analyzer that claims a file, each result keyed by target and class', async () => {
    const result = await scan();
    const keys = result.results.map(r => `${r.target} ${r.class}`);
    assert.deepEqual(keys, [
      'blob.bin license', 'package-lock.json lang-pkgs', 'package-lock.json secret', 'notes.txt secret',
    ].sort());
    const lockfile = result.results.find(r => r.target === 'package-lock.json' && r.class === 'lang-pkgs')!;
    assert.ok(lockfile.vulnerabilities.length > 5);
    assert.equal(result.results.find(r => r.target === 'package-lock.json' && r.class === 'secret')!.secrets.length, 1);
  });

  it('hands a binary file to an analyzer that reads bytes, skips it for a secret scanner, and errs for a lockfile analyzer', async () => {
    const result = await scan();
    const blob = result.results.find(r => r.target === 'blob.bin')!;
    assert.equal(blob.licenses[0].message, '5 bytes');
    assert.deepEqual(result.errors, [{ file: 'broken/package-lock.json', message: 'binary content, not a text file' }]);
  });

  it('applies inline ignores, ignore files and the severity filter once, to every kind', async () => {
    const all = await scan();
    const notes = all.results.find(r => r.target === 'notes.txt')!;
    assert.deepEqual(notes.secrets.map(f => f.location.startLine), [4], 'the comment above line 3 ignores it');

    const ignore = createIgnorePolicy(parseIgnoreFile(`${MARKER_RULE.id}\nCVE-2022-24999\n`, '.trivyignore').entries);
    const ignored = completeScan(await analyzePath(project, { analyzers, scanners: allScanners }), { db, scanners: allScanners, ignore });
    assert.equal(ignored.results.flatMap(r => r.secrets).length, 0);
    assert.ok(!ignored.results.flatMap(r => r.vulnerabilities).some(v => v.vulnerabilityId === 'CVE-2022-24999'));

    const highOnly = completeScan(await analyzePath(project, { analyzers, scanners: allScanners }), { db, scanners: allScanners, severities: ['HIGH'] });
    assert.equal(highOnly.results.flatMap(r => r.licenses).length, 0, 'the LOW bytes finding is filtered');
    assert.ok(highOnly.results.flatMap(r => r.secrets).length > 0);
    assert.ok(highOnly.results.flatMap(r => r.vulnerabilities).every(v => v.severity === 'HIGH'));
    assert.equal(countFindings(highOnly), highOnly.results.reduce((n, r) => n + r.vulnerabilities.length + r.secrets.length, 0));
  });

  it('prints every kind in every findings report writer', async () => {
    const result = await scan();
    // The SBOM formats list packages, not findings (test/sbom tests hold them to their schemas).
    for (const writer of REPORT_WRITERS.filter(w => !isSbomFormat(w.format))) {
      const text = writer.write(result, { artifactName: project, createdAt: '2026-01-01T00:00:00Z' });
      for (const id of [MARKER_RULE.id, BYTES_RULE.id, 'CVE-2022-24999']) assert.ok(text.includes(id), `${writer.format} lacks ${id}`);
      assert.ok(!text.includes(`${MARKER}kept`), `${writer.format} quotes the secret`);
    }
    const json = JSON.parse(REPORT_WRITERS.find(w => w.format === 'json')!.write(result, { artifactName: '.' }));
    const secrets = json.Results.find((r: { Target: string; Class: string }) => r.Target === 'notes.txt' && r.Class === 'secret');
    assert.deepEqual(Object.keys(secrets.Secrets[0]), ['RuleID', 'Category', 'Severity', 'Title', 'StartLine', 'EndLine', 'Match', 'VigilLocation']);
  });

  it('gives the editor a diagnostic for every kind', async () => {
    const result = await scan();
    const codes = result.results.flatMap(r => resultView(r, DEFAULT_SEVERITY_MAP).diagnostics.map(d => d.code));
    for (const id of [MARKER_RULE.id, BYTES_RULE.id, 'CVE-2022-24999']) assert.ok(codes.includes(id), id);
  });

  it('reads a sibling through the file source: an unsaved package.json makes a v1 lockfile\'s package direct', async () => {
    const lock = JSON.stringify({ lockfileVersion: 1, dependencies: { qs: { version: '6.5.1' }, ms: { version: '2.0.0' } } });
    const memory = new MemorySource({ 'package-lock.json': lock, 'package.json': JSON.stringify({ dependencies: { qs: '6.5.1' } }) });
    const direct = async (source: MemorySource | OverlaySource) =>
      (await scanFile(source, 'package-lock.json', {}))!.results[0].packages.filter(p => p.direct).map(p => p.id);
    assert.deepEqual(await direct(memory), ['qs@6.5.1']);
    const edited = new OverlaySource(memory, file => (file === 'package.json' ? JSON.stringify({ dependencies: { ms: '2.0.0' } }) : undefined));
    assert.deepEqual(await direct(edited), ['ms@2.0.0']);
  });

  it('never reads a found file through a symlink that leaves the root', async () => {
    const outside = path.join(tmp, 'outside-package.json');
    fs.writeFileSync(outside, JSON.stringify({ dependencies: { qs: '6.5.1' } }));
    const root = path.join(tmp, 'linked');
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(root, 'package-lock.json'), JSON.stringify({ lockfileVersion: 1, dependencies: { qs: { version: '6.5.1' } } }));
    fs.symlinkSync(outside, path.join(root, 'package.json'));
    const source = new DiskSource(root);
    await assert.rejects(source.readText('package.json'), /leaves the scan root/);
    const scanned = (await scanFile(source, 'package-lock.json', {}))!;
    assert.equal(scanned.results[0].packages[0].direct, false, 'the linked manifest was not read');
  });
});
