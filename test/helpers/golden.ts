// Expected-output files: a test compares what it computed with a golden file beside its fixture.
// `UPDATE_GOLDENS=1 npm test` rewrites them instead; review the diff before committing.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { AnalyzerOutput, Finding, Package, SourceRange } from '../../server/src/engine/types';

export const UPDATING_GOLDENS = process.env.UPDATE_GOLDENS === '1';

export function matchGolden(actual: unknown, goldenPath: string): void {
  const text = `${JSON.stringify(actual, null, 2)}\n`;
  if (UPDATING_GOLDENS) {
    fs.writeFileSync(goldenPath, text);
    return;
  }
  if (!fs.existsSync(goldenPath)) assert.fail(`no golden file ${goldenPath}: run UPDATE_GOLDENS=1 npm test and review the diff`);
  assert.deepEqual(JSON.parse(text), JSON.parse(fs.readFileSync(goldenPath, 'utf8')), `differs from ${goldenPath} (UPDATE_GOLDENS=1 rewrites it)`);
}

/** `startLine:startColumn-endLine:endColumn`: one line per location keeps golden diffs readable. */
export function rangeText(range: SourceRange): string {
  return `${range.startLine}:${range.startColumn}-${range.endLine}:${range.endColumn}`;
}

/** A package as goldens show it: every field an analyzer sets, locations as text. */
export function goldenPackage(pkg: Package): Record<string, unknown> {
  return {
    id: pkg.id,
    name: pkg.name,
    version: pkg.version,
    purl: pkg.purl,
    direct: pkg.direct,
    dev: pkg.dev,
    ...(pkg.location ? { location: rangeText(pkg.location) } : {}),
    ...(pkg.copies && pkg.copies.length > 1 ? {
      copies: pkg.copies.map(c => ({
        key: c.key, location: rangeText(c.location), highlight: rangeText(c.highlight), direct: c.direct, dev: c.dev,
        ...(c.requiredBy?.length ? { requiredBy: c.requiredBy } : {}),
      })),
    } : {}),
    ...(pkg.dependsOn?.length ? { dependsOn: pkg.dependsOn } : {}),
    ...(pkg.inlineIgnores ? { inlineIgnores: pkg.inlineIgnores } : {}),
  };
}

/** A finding as goldens show it: the rule, where it points, what it says and how it is fixed. */
export function goldenFinding(finding: Finding): Record<string, unknown> {
  return {
    rule: finding.rule.id,
    location: rangeText(finding.location),
    message: finding.message,
    ...(finding.match !== undefined ? { match: finding.match } : {}),
    ...(finding.inlineIgnores ? { inlineIgnores: finding.inlineIgnores } : {}),
    ...(finding.fix ? { fix: { title: finding.fix.title, safe: finding.fix.safe, edits: finding.fix.changes.flatMap(c => c.edits) } } : {}),
  };
}

/** What an analyzer of findings (misconfigurations, secrets, licenses) gave for one file. */
export function goldenFindings(output: Pick<AnalyzerOutput, 'findings' | 'misconfSummary'>): Record<string, unknown> {
  return {
    ...(output.misconfSummary ? { misconfSummary: output.misconfSummary } : {}),
    findings: (output.findings ?? []).map(goldenFinding),
  };
}
