// A lockfile whose analysis reads a sibling: a v1 package-lock.json takes its direct dependencies
// from the package.json beside it, so editing package.json (unsaved) re-analyzes the lockfile.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { LspTestClient } from './client';
import { demoDbDirectory, type TestDirectory } from './test-directory';

const message = (d: Diagnostic) => (typeof d.message === 'string' ? d.message : d.message.value);

const LOCK_V1 = `${JSON.stringify({
  name: 'app', version: '1.0.0', lockfileVersion: 1, requires: true,
  dependencies: {
    express: { version: '4.16.0', requires: { qs: '6.5.1' } },
    qs: { version: '6.5.1' },
  },
}, null, 2)}\n`;
const YARN_LOCK = `# yarn lockfile v1


express@4.16.0:
  version "4.16.0"
  dependencies:
    qs "6.5.1"

qs@6.5.1:
  version "6.5.1"
`;
const manifest = (dependencies: Record<string, string>) => `${JSON.stringify({ name: 'app', version: '1.0.0', dependencies }, null, 2)}\n`;

describe('lsp: a lockfile that reads its package.json', function () {
  this.timeout(60000);
  let dir: TestDirectory;
  let client: LspTestClient;
  let lockPath: string;
  let manifestPath: string;
  let yarnLockPath: string;
  let yarnManifestPath: string;

  before(async () => {
    dir = await demoDbDirectory('vigil-siblings-');
    const workspace = dir.file('ws');
    fs.mkdirSync(workspace);
    lockPath = path.join(workspace, 'package-lock.json');
    manifestPath = path.join(workspace, 'package.json');
    fs.writeFileSync(lockPath, LOCK_V1);
    fs.writeFileSync(manifestPath, manifest({ express: '4.16.0' }));
    yarnLockPath = path.join(workspace, 'yarn-app', 'yarn.lock');
    yarnManifestPath = path.join(workspace, 'yarn-app', 'package.json');
    fs.mkdirSync(path.dirname(yarnLockPath));
    fs.writeFileSync(yarnLockPath, YARN_LOCK);
    fs.writeFileSync(yarnManifestPath, manifest({ express: '4.16.0' }));
    client = await LspTestClient.start({ workspaceFolders: [workspace], settings: () => ({ cacheDir: dir.cacheDir }), initializationOptions: { trusted: true } });
    await client.waitForScans(1);
  });

  after(async () => {
    await client?.stop();
    dir?.remove();
  });

  it('marks a v1 dependency direct when package.json declares it, and summarises it there', () => {
    const qs = client.diagnosticsOf(lockPath).find(d => message(d).startsWith('qs@6.5.1'));
    assert.ok(qs, client.diagnosticsOf(lockPath).map(message).join('\n'));
    assert.match(message(qs), /\(via express@4\.16\.0\)$/);
    const lines = fs.readFileSync(manifestPath, 'utf8').split('\n');
    const express = client.diagnosticsOf(manifestPath).find(d => lines[d.range.start.line].includes('"express"'));
    assert.ok(express, client.diagnosticsOf(manifestPath).map(message).join('\n'));
    assert.match(message(express), /pulls in qs@6\.5\.1/);
  });

  it('re-analyzes the lockfile when the unsaved package.json changes', async () => {
    const lockNext = client.nextDiagnostics(lockPath, p => p.diagnostics.some(d => message(d).startsWith('qs@6.5.1') && !message(d).includes('(via')));
    const manifestNext = client.nextDiagnostics(manifestPath, p => p.version === 2);
    const edited = manifest({ express: '4.16.0', qs: '6.5.1' });
    await client.open(manifestPath, fs.readFileSync(manifestPath, 'utf8'), 1);
    await client.change(manifestPath, edited, 2);
    await lockNext;
    const lines = edited.split('\n');
    const qsLine = (await manifestNext).diagnostics.find(d => lines[d.range.start.line].includes('"qs"'));
    assert.ok(qsLine, 'the newly declared dependency gets its summary line');
    assert.match(message(qsLine), /^qs@6\.5\.1: /);
  });

  it('squiggles the key line of a yarn.lock entry and the package.json line of a yarn project', () => {
    const lockLines = YARN_LOCK.split('\n');
    const qs = client.diagnosticsOf(yarnLockPath).find(d => message(d).startsWith('qs@6.5.1'));
    assert.ok(qs, client.diagnosticsOf(yarnLockPath).map(message).join('\n'));
    assert.equal(qs.range.start.line, qs.range.end.line);
    assert.equal(lockLines[qs.range.start.line].slice(qs.range.start.character, qs.range.end.character), 'qs@6.5.1');
    assert.match(message(qs), /\(via express@4\.16\.0\)$/);
    const lines = fs.readFileSync(yarnManifestPath, 'utf8').split('\n');
    const express = client.diagnosticsOf(yarnManifestPath).find(d => lines[d.range.start.line].includes('"express"'));
    assert.ok(express, client.diagnosticsOf(yarnManifestPath).map(message).join('\n'));
    assert.match(message(express), /pulls in qs@6\.5\.1/);
  });
});
