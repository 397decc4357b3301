// The extension manifest agrees with the engine: it activates on every file an analyzer claims and
// on the ignore files, and advertises only the scanners that exist.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ANALYZERS, availableScanners } from '../server/src/engine/analyzers';
import { IGNORE_FILE_NAMES } from '../server/src/engine/ignore';
import { REPO_ROOT } from './helpers/corpus';
import { DEFAULT_SETTINGS } from '../server/src/lsp/settings';

const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));

describe('extension manifest', () => {
  it('activates on the files the analyzer registry claims and on the ignore files', () => {
    // A claim of every file (`*`, the secret scanner's) needs no event: onStartupFinished covers it.
    const claimed = [...new Set(ANALYZERS.flatMap(a => a.fileNames))].filter(name => name !== '*');
    const expected = [
      'onStartupFinished',
      ...[...claimed, ...IGNORE_FILE_NAMES].map(name => `workspaceContains:**/${name}`),
      'onLanguage:vigilignore',
    ];
    assert.deepEqual(manifest.activationEvents, expected, `set package.json's activationEvents to:\n${JSON.stringify(expected, null, 2)}`);
  });

  it('defaults to the scanners that are available', () => {
    const scanners = manifest.contributes.configuration.properties['vigil.scanners'];
    assert.deepEqual(scanners.default, availableScanners());
    assert.deepEqual(DEFAULT_SETTINGS.scanners, availableScanners(), 'the server defaults to the same scanners for editors that send none');
  });
});
