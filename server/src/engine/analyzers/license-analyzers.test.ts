// The license analyzers on small metadata files of our own (shaped as npm, pip, RubyGems,
// Composer and Cargo write them), and the scan around them: node_modules is read for the license
// scanner alone, a policy re-categorizes, ignore files name licenses.
import assert from 'node:assert/strict';
import { npmPackageLicenses } from './license-npm';
import { pythonPackageLicenses } from './license-python';
import { gemspecLicenses } from './license-gemspec';
import { composerLockLicenses } from './license-composer';
import { cargoLicenseAnalyzer } from './license-cargo';
import { nuspecLicenses } from './license-nuspec';
import { classifyLicenseFile } from './license-file';
import { loadSpdxTexts } from '../licenses/spdx-texts';
import { analyzePath, completeScan } from '../scan';
import { MemorySource } from '../source';
import { createIgnorePolicy, parseIgnoreFile } from '../ignore';
import type { Finding } from '../types';

const summary = (findings: Finding[]) => findings.map(f => [f.license?.pkgName, f.license?.name, f.rule.category, f.severity, f.location.startLine]);

describe('license analyzers', () => {
  it('npm: reads license and the legacy licenses list of installed packages only', () => {
    const modern = '{\n  "name": "left-pad",\n  "version": "1.3.0",\n  "license": "WTFPL"\n}\n';
    assert.deepEqual(summary(npmPackageLicenses(modern, 'node_modules/left-pad/package.json')), [['left-pad', 'WTFPL', 'forbidden', 'CRITICAL', 4]]);
    const legacy = '{"name":"qrcode","licenses":[{"type":"Apache 2.0"},{"type":"MIT"}]}';
    assert.deepEqual(summary(npmPackageLicenses(legacy, 'a/node_modules/@scope/qrcode/package.json')).map(s => s[1]), ['Apache-2.0', 'MIT']);
    // The project's own manifest is no dependency.
    assert.deepEqual(npmPackageLicenses(modern, 'package.json'), []);
    assert.throws(() => npmPackageLicenses('{"name": ', 'node_modules/x/package.json'), /not a valid package\.json \(a JSON syntax error at line 1/);
  });

  it('python: License-Expression first, then License, then the classifiers', () => {
    const dir = 'venv/lib/python3.12/site-packages/demo-1.0.dist-info/METADATA';
    const expression = 'Metadata-Version: 2.4\nName: demo\nVersion: 1.0\nLicense-Expression: MIT OR Apache-2.0\nLicense: BSD\n\nbody\n';
    assert.deepEqual(summary(pythonPackageLicenses(expression, dir)), [['demo', 'MIT OR Apache-2.0', 'notice', 'LOW', 4]]);
    const license = 'Name: demo\nLicense: GNU GPL v3\nClassifier: License :: OSI Approved :: MIT License\n';
    assert.deepEqual(summary(pythonPackageLicenses(license, dir)).map(s => s[1]), ['GPL-3.0']);
    const text = 'Name: demo\nLicense: Copyright (c) 2020 Someone\n        Permission is hereby granted, free of charge\nClassifier: License :: OSI Approved :: BSD License\nClassifier: License :: OSI Approved :: Python Software Foundation License\n';
    assert.deepEqual(summary(pythonPackageLicenses(text, dir)).map(s => s[1]), ['BSD-2-Clause', 'PSF-2.0']);
    assert.deepEqual(pythonPackageLicenses(expression, 'docs/METADATA'), []);
  });

  it('gemspec: licenses of installed specifications, not of a project gemspec', () => {
    const spec = '# -*- encoding: utf-8 -*-\nGem::Specification.new do |s|\n  s.name = "rake".freeze\n  s.version = "13.0.6"\n  s.licenses = ["MIT".freeze, "Ruby".freeze]\nend\n';
    assert.deepEqual(summary(gemspecLicenses(spec, 'vendor/bundle/ruby/3.2.0/specifications/rake-13.0.6.gemspec')), [
      ['rake', 'MIT', 'notice', 'LOW', 5], ['rake', 'Ruby', 'reciprocal', 'MEDIUM', 5],
    ]);
    assert.deepEqual(gemspecLicenses(spec, 'rake.gemspec'), []);
  });

  it('composer.lock: the license array of each production package', () => {
    const lock = JSON.stringify({ packages: [{ name: 'monolog/monolog', version: '2.0.0', license: ['MIT'] }, { name: 'x/gpl', version: '1', license: ['GPL-2.0-or-later'] }], 'packages-dev': [{ name: 'phpunit/phpunit', version: '9', license: ['BSD-3-Clause'] }] }, null, 2);
    assert.deepEqual(summary(composerLockLicenses(lock, 'composer.lock')).map(s => [s[0], s[1], s[2]]), [['monolog/monolog', 'MIT', 'notice'], ['x/gpl', 'GPL-2.0-or-later', 'restricted']]);
  });

  it('Cargo.toml: vendored crates only (a .cargo-checksum.json beside it)', () => {
    const toml = '[package]\nname = "serde"\nversion = "1.0.0"\nlicense = "MIT/Apache-2.0"\n\n[dependencies]\n';
    const vendored = cargoLicenseAnalyzer.analyze({ path: 'vendor/serde/Cargo.toml', content: toml, siblings: new Map([['.cargo-checksum.json', '{}']]) });
    assert.deepEqual(summary(vendored.findings!), [['serde', 'MIT OR Apache-2.0', 'notice', 'LOW', 4]]);
    assert.deepEqual(cargoLicenseAnalyzer.analyze({ path: 'Cargo.toml', content: toml, siblings: new Map() }).findings, []);
  });

  it('nuspec: the license expression, else the licenseUrl, of installed NuGet packages only', () => {
    const nuspec = (license: string, id = 'Serilog', version = '3.1.1') => `<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>${id}</id>
    <version>${version}</version>
${license}
  </metadata>
</package>
`;
    const both = nuspec('    <license type="expression">Apache-2.0 OR MIT</license>\n    <licenseUrl>https://licenses.nuget.org/Apache-2.0%20OR%20MIT</licenseUrl>');
    assert.deepEqual(summary(nuspecLicenses(both, '.nuget/packages/serilog/3.1.1/serilog.nuspec')), [['Serilog', 'Apache-2.0 OR MIT', 'notice', 'LOW', 6]]);
    // packages.config's solution folder: <Id>.<Version>/<Id>.nuspec.
    assert.equal(nuspecLicenses(both, 'packages/Serilog.3.1.1/Serilog.nuspec').length, 1);
    const url = nuspec('    <license type="file">LICENSE.txt</license>\n    <licenseUrl>https://www.gnu.org/licenses/gpl-3.0.html</licenseUrl>');
    assert.deepEqual(summary(nuspecLicenses(url, '.nuget/packages/serilog/3.1.1/serilog.nuspec')), [['Serilog', 'GPL-3.0-or-later', 'restricted', 'HIGH', 7]]);
    assert.deepEqual(nuspecLicenses(nuspec(''), '.nuget/packages/serilog/3.1.1/serilog.nuspec'), []);
    // A project's own manifest, or one whose folders name another package or version, is no dependency.
    assert.deepEqual(nuspecLicenses(both, 'src/Serilog.nuspec'), []);
    assert.deepEqual(nuspecLicenses(both, '.nuget/packages/serilog/3.1.0/serilog.nuspec'), []);
    assert.throws(() => nuspecLicenses('<package><metadata>', 'x/1.0/x.nuspec'), /^Error: not a valid \.nuspec: malformed XML/);
    assert.throws(() => nuspecLicenses('<!DOCTYPE p [<!ENTITY a "aaaa">]><package/>', 'x/1.0/x.nuspec'), /DOCTYPE/);
  });

  it('license files: a known text gets its ID and confidence, an unknown one is reported as unknown', function () {
    this.timeout(60_000);
    const gpl = loadSpdxTexts().find(t => t.id === 'GPL-3.0-only')!.text;
    const [found] = classifyLicenseFile(gpl, 'COPYING', false);
    assert.deepEqual([found.license?.name, found.rule.category, found.severity, found.license?.confidence], ['GPL-3.0-only', 'restricted', 'HIGH', 1]);
    const [unknown] = classifyLicenseFile('All rights reserved. Ask us before you use this.\n', 'LICENSE', false);
    assert.deepEqual([unknown.license?.name, unknown.rule.category, unknown.severity], ['Unknown', 'unknown', 'UNKNOWN']);
    // A source file without a license header says nothing.
    assert.deepEqual(classifyLicenseFile('export const x = 1;\n', 'src/x.ts', true), []);
  });
});

describe('license scan', () => {
  const files = {
    '.gitignore': 'node_modules/\n',
    'package.json': '{"name":"app","dependencies":{"left-pad":"^1.3.0"}}',
    'node_modules/left-pad/package.json': '{"name":"left-pad","version":"1.3.0","license":"WTFPL"}',
    'node_modules/ok/package.json': '{"name":"ok","version":"1.0.0","license":"MIT"}',
    'node_modules/ok/secrets.env': 'AWS_ACCESS_KEY_ID=AKIAZ7QRSTUVWXYZ2345\n',
    'LICENSE': 'All rights reserved.\n',
  };
  const scan = async (options: Parameters<typeof analyzePath>[1]) => completeScan(await analyzePath({ source: new MemorySource(files) }, options), options ?? {});
  const licenses = (result: Awaited<ReturnType<typeof scan>>) => result.results.flatMap(r => r.licenses.map(f => `${r.target}:${f.license?.name}:${f.severity}`)).sort();

  it('reads installed packages in node_modules for the license scanner alone, gitignored or not', async () => {
    const result = await scan({ scanners: ['license', 'secret'] });
    assert.deepEqual(licenses(result), ['node_modules/left-pad/package.json:WTFPL:CRITICAL', 'node_modules/ok/package.json:MIT:LOW']);
    assert.equal(result.results.filter(r => r.secrets.length).length, 0, 'the secret scanner does not read node_modules');
    assert.equal(result.results.find(r => r.target === 'node_modules/ok/package.json')?.class, 'license');
    assert.deepEqual(licenses(await scan({ scanners: ['vuln'] })), []);
  });

  it('classifies license files only with licenseFull', async () => {
    assert.ok(!licenses(await scan({ scanners: ['license'] })).some(l => l.startsWith('LICENSE')));
    const full = await scan({ scanners: ['license'], licenseFull: true });
    assert.ok(licenses(full).includes('LICENSE:Unknown:UNKNOWN'));
    assert.equal(full.results.find(r => r.target === 'LICENSE')?.class, 'license-file');
  });

  it('applies the policy and the filters: overrides, allowed IDs, severities, ignore entries by license name', async () => {
    const policy = await scan({ scanners: ['license'], licensePolicy: { allowed: ['WTFPL'], overrides: { ok: 'forbidden' } } });
    assert.deepEqual(licenses(policy), ['node_modules/left-pad/package.json:WTFPL:LOW', 'node_modules/ok/package.json:MIT:CRITICAL']);
    assert.deepEqual(licenses(await scan({ scanners: ['license'], severities: ['CRITICAL'] })), ['node_modules/left-pad/package.json:WTFPL:CRITICAL']);
    const ignored = await scan({ scanners: ['license'], ignore: createIgnorePolicy(parseIgnoreFile('WTFPL\nlicense-notice\n', '.trivyignore').entries) });
    assert.deepEqual(licenses(ignored), []);
  });
});
