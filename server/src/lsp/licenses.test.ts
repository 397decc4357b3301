// License findings in the editor: the real license analyzer's findings become diagnostics like
// every other kind, and a package.json shows each installed dependency's license on its line.
import assert from 'node:assert/strict';
import path from 'node:path';
import { scanFile } from '../engine/scan';
import { MemorySource } from '../engine/source';
import { manifestLicenseView, resultView } from './diagnostics';
import { projectOfInstalled } from './publish';
import { DEFAULT_SEVERITY_MAP } from './settings';

describe('license findings in the editor', () => {
  const manifest = '{\n  "name": "app",\n  "dependencies": {\n    "left-pad": "^1.3.0",\n    "ok": "^1.0.0"\n  }\n}\n';
  const source = new MemorySource({
    'package.json': manifest,
    'node_modules/left-pad/package.json': '{"name":"left-pad","version":"1.3.0","license":"WTFPL"}',
  });
  const severityMap = DEFAULT_SEVERITY_MAP;

  it('turns an installed package license into a diagnostic', async () => {
    const scanned = await scanFile(source, 'node_modules/left-pad/package.json', { scanners: ['license'] });
    const [result] = scanned!.results;
    const view = resultView(result, severityMap);
    assert.equal(view.diagnostics.length, 1);
    const [diagnostic] = view.diagnostics;
    assert.equal(diagnostic.code, 'license-forbidden');
    assert.match(String(diagnostic.message), /left-pad is licensed under WTFPL \(forbidden\)/);
    assert.equal(diagnostic.severity, severityMap.CRITICAL);
  });

  it("shows a dependency's license on the line that declares it in package.json", async () => {
    const scanned = await scanFile(source, 'node_modules/left-pad/package.json', { scanners: ['license'] });
    const licenses = scanned!.results.flatMap(r => r.licenses);
    const view = manifestLicenseView(manifest, 'package.json', name => (name === 'left-pad' ? licenses : []), severityMap);
    assert.equal(view.diagnostics.length, 1);
    assert.equal(view.diagnostics[0].range.start.line, 3, 'the "left-pad" line (0-based)');
    assert.match(String(view.diagnostics[0].message), /WTFPL/);
  });

  it('maps an installed package to the project that installed it', () => {
    const app = path.join(path.sep, 'ws', 'app');
    assert.equal(projectOfInstalled(path.join(app, 'node_modules', '@s', 'x', 'package.json')), path.join(app, 'package.json'));
    assert.equal(projectOfInstalled(path.join(app, 'package.json')), undefined);
  });
});
