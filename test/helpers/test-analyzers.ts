// Analyzers that exist only for tests, to prove the engine's seams before the real secret and
// license scanners land: one claims every file (as a secret scanner will), one reads raw bytes.
import { parseInlineIgnores } from '../../server/src/engine/inline-ignore';
import { LineCursor } from '../../server/src/engine/text';
import type { Analyzer, Finding, Rule } from '../../server/src/engine/types';

export const MARKER = 'VIGIL-TEST-MARKER-';

export const MARKER_RULE: Rule = {
  id: 'vigil-test-marker', kind: 'secret', title: 'Planted test marker', severity: 'HIGH', category: 'Test',
  url: 'https://example.com/rules/vigil-test-marker', remediation: 'Remove the marker.',
};

export const BYTES_RULE: Rule = { id: 'vigil-test-bytes', kind: 'license', title: 'Binary blob', severity: 'LOW', category: 'unknown' };

/** Finds `VIGIL-TEST-MARKER-<word>` anywhere, as a secret; honours `vigil:ignore:` on the line above. */
export const markerAnalyzer: Analyzer = {
  id: 'test-marker',
  type: '',
  scanner: 'secret',
  fileNames: ['*'],
  inlineIgnores: true,
  fixes: 'none',
  skipsBinary: true,
  analyze({ path, content }) {
    const lines = new LineCursor(content, path);
    const findings: Finding[] = [];
    for (let at = content.indexOf(MARKER); at !== -1; at = content.indexOf(MARKER, at + 1)) {
      let end = at + MARKER.length;
      while (end < content.length && /\w/.test(content[end])) end++;
      const lineStart = content.lastIndexOf('\n', at) + 1;
      const previousLine = lineStart > 0 ? content.slice(content.lastIndexOf('\n', lineStart - 2) + 1, lineStart - 1) : '';
      findings.push({
        kind: 'secret', rule: MARKER_RULE, severity: MARKER_RULE.severity, message: 'a planted marker',
        location: lines.range(at, end), match: `${MARKER}****`, inlineIgnores: parseInlineIgnores(previousLine),
      });
    }
    return { packages: [], findings };
  },
};

/** Reports the size of every `*.bin` file, read as bytes. */
export const bytesAnalyzer: Analyzer = {
  id: 'test-bytes',
  type: 'test-bytes',
  scanner: 'license',
  fileNames: ['*.bin'],
  inlineIgnores: false,
  fixes: 'none',
  reads: 'bytes',
  analyze({ path, bytes }) {
    const location = { file: path, startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 };
    return { packages: [], findings: [{ kind: 'license', rule: BYTES_RULE, severity: BYTES_RULE.severity, message: `${bytes!.length} bytes`, location }] };
  },
};
