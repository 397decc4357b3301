import * as assert from 'assert';
import { readGolden, scanFromGolden } from './golden-scan.test-helper';
import { writeReport } from './index';

describe('writeReport', () => {
  const scan = () => scanFromGolden(readGolden('pip.json.golden'));

  it('writes each format', () => {
    const json = JSON.parse(writeReport(scan(), 'json', { artifactName: 'testdata/fixtures/repo/pip', createdAt: '2021-08-25T12:20:30Z' }));
    assert.strictEqual(json.SchemaVersion, 2);
    assert.strictEqual(json.ArtifactName, 'testdata/fixtures/repo/pip');
    assert.strictEqual(json.Results[0].Packages, undefined, 'packages only with listAllPkgs');
    const withPackages = JSON.parse(writeReport(scan(), 'json', { artifactName: '.', listAllPkgs: true }));
    assert.strictEqual(withPackages.Results[0].Packages.length, 7);

    const sarif = JSON.parse(writeReport(scan(), 'sarif', { artifactName: '.', toolVersion: '0.1.0' }));
    assert.strictEqual(sarif.version, '2.1.0');
    assert.strictEqual(sarif.runs[0].tool.driver.version, '0.1.0');
    assert.strictEqual(sarif.runs[0].results.length, 2);

    const table = writeReport(scan(), 'table', { artifactName: '.', color: false });
    assert.ok(table.startsWith('requirements.txt (pip)\n'));
    assert.ok(writeReport(scan(), 'table', { artifactName: '.', color: true }).includes('\x1b['));
  });

  it('rejects an unknown format', () => {
    assert.throws(() => writeReport(scan(), 'xml', { artifactName: '.' }), /unknown report format/);
  });
});
