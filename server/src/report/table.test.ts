import * as assert from 'assert';
import type { ScanResult } from '../engine/types';
import { readGolden, scanFromGolden } from './golden-scan.test-helper';
import { formatTable, truncate } from './table';
import { emptyResult } from '../engine/scan';

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[/;

describe('table report', () => {
  const pip = () => scanFromGolden(readGolden('pip.json.golden'));

  it('prints a header, the severity total and one row per vulnerability', () => {
    const text = formatTable(pip());
    const lines = text.split('\n');
    assert.strictEqual(lines[0], 'requirements.txt (pip)');
    assert.strictEqual(lines[1], '======================');
    assert.strictEqual(lines[2], 'Total: 2 (UNKNOWN: 0, LOW: 0, MEDIUM: 1, HIGH: 1, CRITICAL: 0)');
    assert.match(text, /│ Library\s+│ Vulnerability\s+│ Severity │ Status │ Installed Version │ Fixed Version │\s+Title\s+│/);
    assert.match(text, /│ Werkzeug │ CVE-2019-14806 │ HIGH\s+│ fixed\s+│ 0\.11\s+│ 0\.15\.3\s+│ python-werkzeug: insufficient debugger PIN randomness vulne… │/);
    // The second finding of the same package leaves Library and Installed Version blank.
    assert.match(text, /│\s+│ CVE-2020-28724 │ MEDIUM\s+│ fixed\s+│\s+│ 0\.11\.6\s+│ python-werkzeug: open redirect via double slash in the URL\s+│/);
    assert.match(text, /│\s+│\s+│\s+│\s+│\s+│\s+│ https:\/\/avd\.aquasec\.com\/nvd\/cve-2019-14806\s+│/);
    assert.ok(!ANSI.test(text), 'no ANSI codes without color');
  });

  it('draws every line of a table with the same width', () => {
    const lines = formatTable(scanFromGolden(readGolden('npm.json.golden'))).split('\n');
    const table = lines.filter((l) => /^[┌├│└]/.test(l));
    assert.ok(table.length >= 6);
    const widths = new Set(table.map((l) => Array.from(l).length));
    assert.strictEqual(widths.size, 1, `ragged table:\n${table.join('\n')}`);
  });

  it('colours severities only when asked', () => {
    const coloured = formatTable(pip(), { color: true });
    assert.ok(coloured.includes('\x1b[31mHIGH    \x1b[0m'));
    assert.ok(coloured.includes('\x1b[33mMEDIUM  \x1b[0m'));
    // Colour codes do not disturb the column widths.
    const plainWidths = formatTable(pip()).split('\n').filter((l) => l.startsWith('│')).map((l) => Array.from(l).length);
    const colouredWidths = coloured
      .split('\n')
      .filter((l) => l.startsWith('│'))
      // eslint-disable-next-line no-control-regex
      .map((l) => Array.from(l.replace(/\x1b\[[0-9;]*m/g, '')).length);
    assert.deepStrictEqual(colouredWidths, plainWidths);
  });

  it('cuts long titles with an ellipsis', () => {
    const scan = pip();
    scan.results[0].vulnerabilities[0].title = 'x'.repeat(500);
    const text = formatTable(scan, { maxTitleLength: 30 });
    assert.ok(text.includes(`${'x'.repeat(29)}…`));
    assert.ok(!text.includes('x'.repeat(30)));
    assert.strictEqual(truncate('short', 10), 'short');
    assert.strictEqual(truncate('a long sentence here', 8), 'a long…');
  });

  it('prints file errors and notes, and says when nothing was found', () => {
    const scan: ScanResult = {
      target: '.',
      results: [emptyResult('package-lock.json', 'lang-pkgs', 'npm')],
      errors: [{ file: 'broken/yarn.lock', message: 'unexpected token at line 3' }],
      notes: ['skipped node_modules (not scanned by default)'],
    };
    const text = formatTable(scan);
    assert.strictEqual(
      text,
      [
        'Nothing found (1 file scanned).',
        '',
        'Errors:',
        '  broken/yarn.lock: unexpected token at line 3',
        '',
        'Notes:',
        '  - skipped node_modules (not scanned by default)',
        '',
      ].join('\n'),
    );
    assert.ok(formatTable(scan, { color: true }).includes('\x1b[31mErrors:\x1b[0m'));
  });

  it('escapes control characters from file names, package fields, errors and notes', () => {
    const scan = pip();
    const hostile = 'evil\x1b]0;pwned\x07\r\nforged line\u009b2J';
    scan.results[0].target = `${hostile}/requirements.txt`;
    scan.results[0].vulnerabilities[0].pkgName = hostile;
    scan.results[0].vulnerabilities[0].installedVersion = hostile;
    scan.results[0].vulnerabilities[0].title = hostile;
    scan.errors.push({ file: hostile, message: hostile });
    scan.notes.push(hostile);
    const text = formatTable(scan);
    // eslint-disable-next-line no-control-regex
    assert.ok(!/[\x00-\x09\x0b-\x1f\x7f-\x9f]/.test(text), 'no control character but the line breaks the table draws');
    assert.ok(!text.split('\n').some((line) => line.startsWith('forged line')), 'a newline in a name cannot start a line');
    assert.ok(text.includes('evil\\x1b]0;pwned\\x07\\r\\nforged line\\x9b2J/requirements.txt (pip)'));
  });
});
