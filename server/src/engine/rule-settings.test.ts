// Rules switched off, severities set per rule, and ignore entries naming any of a rule's names:
// what a Trivy user's `.trivyignore` and a team's settings say must reach every finding kind.
import assert from 'node:assert/strict';
import { parseRuleNames, parseRuleSeverityOptions } from '../cli/options';
import { createIgnorePolicy, parseIgnoreFile } from './ignore';
import { scanFile, type ScanOptions } from './scan';
import { MemorySource } from './source';

// Runs as root (DS-0002) and has no HEALTHCHECK (DS-0026, LOW).
const DOCKERFILE = 'FROM alpine:3.20\nRUN echo hi\n';

async function findings(options: ScanOptions = {}) {
  const scan = await scanFile(new MemorySource({ Dockerfile: DOCKERFILE }), 'Dockerfile', { scanners: ['misconfig'], ...options });
  return scan!.results.flatMap(r => r.misconfigurations).map(f => `${f.rule.id} ${f.severity}`).sort();
}

describe('rule settings', () => {
  it('reports both checks without settings (the control case)', async () => {
    assert.deepEqual(await findings(), ['DS-0002 HIGH', 'DS-0026 LOW']);
  });

  for (const name of ['DS-0002', 'AVD-DS-0002', 'DS002', 'ds002']) {
    it(`ignores DS-0002 when .trivyignore names it ${name}`, async () => {
      const ignore = createIgnorePolicy(parseIgnoreFile(`${name}\n`, '.trivyignore').entries);
      assert.deepEqual(await findings({ ignore }), ['DS-0026 LOW']);
    });
  }

  it('counts in MisconfSummary only the failures the filters keep, as Trivy does', async () => {
    const summary = async (options: ScanOptions) =>
      (await scanFile(new MemorySource({ Dockerfile: DOCKERFILE }), 'Dockerfile', { scanners: ['misconfig'], ...options }))!.results[0].misconfSummary;
    const all = await summary({});
    assert.equal(all!.failures, 2);
    assert.deepEqual(await summary({ severities: ['HIGH'] }), { successes: all!.successes, failures: 1 });
  });

  it('switches a rule off by any of its names', async () => {
    assert.deepEqual(await findings({ disabledRules: ['avd-ds-0026'] }), ['DS-0002 HIGH']);
  });

  it('sets a severity per rule before the severity filter', async () => {
    assert.deepEqual(await findings({ ruleSeverities: { DS026: 'CRITICAL' } }), ['DS-0002 HIGH', 'DS-0026 CRITICAL']);
    assert.deepEqual(await findings({ ruleSeverities: { 'DS-0002': 'LOW' }, severities: ['HIGH', 'CRITICAL'] }), []);
  });

  it('refuses an unknown rule name on the command line, and a malformed --rule-severity', () => {
    assert.deepEqual(parseRuleNames(['DS002,aws-access-key-id']), ['DS002', 'aws-access-key-id']);
    assert.throws(() => parseRuleNames(['DS-9999']), /unknown rule 'DS-9999'/);
    assert.deepEqual(parseRuleSeverityOptions(['DS-0026=high']), { 'DS-0026': 'HIGH' });
    assert.throws(() => parseRuleSeverityOptions(['DS-0026']), /ID=SEVERITY/);
    assert.throws(() => parseRuleSeverityOptions(['DS-0026=urgent']), /unknown severity/);
  });
});
