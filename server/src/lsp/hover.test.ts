// Hovers and messages on real records: several advisories start with a one-line-per-advisory
// summary; an advisory without a severity says so, never passing for LOW, and one that took its
// severity from another record of its CVE names that record.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Hover } from 'vscode-languageserver';
import { importAdvisories, openDb, type VulnDb } from '../engine/db';
import { scanPath } from '../engine/scan';
import type { FileResult } from '../engine/types';
import { emptyResult } from '../engine/scan';
import { planResult } from '../engine/fixes/plan';
import { manifestView, resultView } from './diagnostics';
import { hoverAt } from './hover';
import { DEFAULT_SEVERITY_MAP } from './settings';

const root = path.resolve(__dirname, '../../../test/fixtures');

function markdown(hover: Hover | null): string {
  assert.ok(hover && typeof hover.contents === 'object' && 'value' in hover.contents, 'no hover');
  return hover.contents.value;
}

/** The lines before the first section break: the summary, when there is one. */
function summaryOf(text: string): string[] {
  return text.split('\n\n---\n\n')[0].split('\n');
}

describe('lsp: hover summary of several advisories', () => {
  const npmApp = path.join(root, 'lsp/npm-app');
  const partial = JSON.parse(fs.readFileSync(path.join(npmApp, 'result.json'), 'utf8')) as FileResult;
  const result: FileResult = { ...emptyResult(partial.target, partial.class, partial.type), ...partial };
  result.plans = planResult(result);
  const manifestText = fs.readFileSync(path.join(npmApp, 'package.json'), 'utf8');

  it('starts with one line per advisory, worst first, then each advisory in full', () => {
    // express's line in package.json: its own two advisories and the one of qs it pulls in.
    const view = manifestView(manifestText, result, DEFAULT_SEVERITY_MAP);
    const text = markdown(hoverAt(view.hovers, { line: 4, character: 8 }));
    const sections = text.split('\n\n---\n\n');
    assert.equal(sections.length, 4, text);
    assert.deepEqual(summaryOf(text), [
      '- **CVE-2022-24999** · HIGH · `qs@6.5.1` · fixed in `6.5.3` · qs vulnerable to Prototype Pollution',
      '- **CVE-2024-29041** · MEDIUM · `express@4.16.0` · fixed in `4.19.2` · Express.js Open Redirect in malformed URLs',
      '- **CVE-2024-43796** · LOW · `express@4.16.0` · fixed in `4.20.0` · express vulnerable to XSS via response.redirect()',
    ]);
    assert.ok(sections[1].startsWith('**[CVE-2022-24999]'), sections[1]);
  });

  it('has no summary when there is one advisory', () => {
    const view = resultView(result, DEFAULT_SEVERITY_MAP);
    const text = markdown(hoverAt(view.hovers, { line: 38, character: 8 }));
    assert.ok(text.startsWith('**[CVE-2022-24999]'), text);
    assert.ok(!text.includes('---'), text);
  });
});

describe('lsp: advisories without a severity', () => {
  let cacheDir: string;
  let db: VulnDb;
  let workDir: string;
  let result: FileResult;
  before(async () => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-hover-db-'));
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-hover-ws-'));
    await importAdvisories(cacheDir, [path.join(root, 'osv/severity-by-cve')]);
    db = openDb(cacheDir);
    fs.writeFileSync(path.join(workDir, 'requirements.txt'), 'wasmtime==0.29.0\npyyaml==5.1.2\n');
    const scan = await scanPath(workDir, { db });
    result = scan.results[0];
  });
  after(() => {
    db.close();
    fs.rmSync(cacheDir, { recursive: true, force: true });
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('says "severity unknown" in the message, never a bare UNKNOWN that reads like LOW', () => {
    const view = resultView(result, DEFAULT_SEVERITY_MAP);
    const pyyaml = view.diagnostics.filter(d => (d.message as string).startsWith('pyyaml@'));
    assert.equal(pyyaml.length, 2);
    for (const diagnostic of pyyaml) assert.match(diagnostic.message as string, /\[severity unknown, (fixed in [^\]]+|no fix yet)\]$/);
    assert.equal(view.findings.find(f => f.id === 'CVE-2019-20477')?.severity, 'UNKNOWN', 'the view groups it under UNKNOWN');
  });

  it('says in the hover where a borrowed severity came from, and that an unknown one is unknown', () => {
    const view = resultView(result, DEFAULT_SEVERITY_MAP);
    const wasmtime = markdown(hoverAt(view.hovers, { line: 0, character: 2 }));
    assert.match(wasmtime, /^\*\*\[CVE-2021-39216\]\([^)]+\)\*\* · MEDIUM \(from RUSTSEC-2021-0110\) · Wasmtime is an open source runtime for WebAssembly & WASI\./);
    assert.ok(wasmtime.includes('- Severity: this advisory gives none; RUSTSEC-2021-0110, a record of the same CVE, gives MEDIUM'), wasmtime);

    const pyyaml = markdown(hoverAt(view.hovers, { line: 1, character: 2 }));
    assert.deepEqual(summaryOf(pyyaml).map(line => line.split(' · ').slice(0, 2).join(' · ')), [
      '- **CVE-2019-20477** · severity unknown',
      '- **CVE-2020-14343** · severity unknown',
    ]);
    assert.ok(pyyaml.includes('- Severity: unknown, no record of this advisory or its CVE scores it'), pyyaml);
    assert.doesNotMatch(pyyaml, /· UNKNOWN/);
  });
});
