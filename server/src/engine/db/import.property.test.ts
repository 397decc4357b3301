// Property-based tests of the OSV importer: records whose fields have mutated types either import
// correctly or are skipped with a message naming their file and ID; the import never throws, and
// no later lookup or match throws.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { importAdvisories, openDb } from '.';
import { detectPackage } from '../detect';
import type { Package } from '../types';

/** Any JSON value, small: what a hostile feed may put where the schema wants something else. */
const anyJson = fc.jsonValue({ maxDepth: 2 });

/** A field of a valid record, or a value of any type in its place. */
const maybe = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: anyJson });

const version = fc.constantFrom('0', '1.0.0', '2.0.0', '1.5.0-beta.1', 'not-a-version', '');
const event = maybe(fc.oneof(
  fc.record({ introduced: maybe(version) }),
  fc.record({ fixed: maybe(version) }),
  fc.record({ last_affected: maybe(version) }),
  fc.record({ limit: maybe(version) }),
));
const range = maybe(fc.record({ type: maybe(fc.constantFrom('SEMVER', 'ECOSYSTEM', 'GIT')), events: maybe(fc.array(event, { maxLength: 4 })) }));
const affected = maybe(fc.record(
  {
    package: maybe(fc.record({ ecosystem: maybe(fc.constant('npm')), name: maybe(fc.constant('victim')) })),
    ranges: maybe(fc.array(range, { maxLength: 3 })),
    versions: maybe(fc.array(maybe(version), { maxLength: 3 })),
    severity: maybe(fc.array(maybe(fc.record({ type: maybe(fc.constant('CVSS_V3')), score: maybe(fc.constant('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')) })), { maxLength: 2 })),
    database_specific: anyJson,
  },
  { requiredKeys: ['package'] },
));
const record = (id: string) => fc.record(
  {
    id: fc.constant(id),
    modified: maybe(fc.constant('2024-01-01T00:00:00Z')),
    aliases: maybe(fc.array(maybe(fc.constant('CVE-2024-1')), { maxLength: 2 })),
    summary: maybe(fc.string({ maxLength: 20 })),
    details: maybe(fc.string({ maxLength: 20 })),
    severity: maybe(fc.array(anyJson, { maxLength: 2 })),
    affected: maybe(fc.array(affected, { maxLength: 3 })),
    references: maybe(fc.array(maybe(fc.record({ type: fc.constant('WEB'), url: maybe(fc.constant('https://example.com')) })), { maxLength: 2 })),
    withdrawn: maybe(fc.constant('2024-02-01T00:00:00Z')),
    database_specific: anyJson,
  },
  { requiredKeys: ['id', 'modified'] },
);
/** A feed of three records, one file each, IDs fixed so that messages can be checked. */
const feed = fc.tuple(record('PROP-1'), record('PROP-2'), record('PROP-3'));

const victim = (version: string): Package =>
  ({ id: `victim@${version}`, name: 'victim', version, ecosystem: 'npm', purl: `pkg:npm/victim@${version}`, direct: true, dev: false });

describe('db: the importer on records of mutated types (property-based)', () => {
  it('imports each record or skips it with a message naming its file and ID; lookups and matches never throw', async function () {
    this.timeout(120_000);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-prop-'));
    let run = 0;
    try {
      await fc.assert(
        fc.asyncProperty(feed, async (records) => {
          const dir = path.join(root, `run-${run++}`);
          const feedDir = path.join(dir, 'feed');
          fs.mkdirSync(feedDir, { recursive: true });
          for (const r of records) fs.writeFileSync(path.join(feedDir, `${r.id}.json`), JSON.stringify(r));
          const report = await importAdvisories(path.join(dir, 'cache'), [feedDir]);
          for (const problem of report.problems) {
            const id = path.basename(problem.file, '.json');
            assert.ok(problem.message.startsWith(`${id}: `), `${problem.file}: ${problem.message}`);
          }
          const skipped = new Set(report.problems.map((p) => path.basename(p.file, '.json')));
          assert.strictEqual(report.read + skipped.size, records.length);
          const db = openDb(path.join(dir, 'cache'));
          try {
            for (const r of records) {
              if (!skipped.has(r.id)) assert.ok(db.get(r.id), `${r.id} imported`);
            }
            for (const version of ['0.5.0', '1.0.0', '3.0.0', 'not-a-version']) detectPackage(victim(version), db);
            for (const advisory of db.lookup('npm', 'victim')) advisory.full!();
          } finally {
            db.close();
          }
          fs.rmSync(dir, { recursive: true, force: true });
        }),
        { numRuns: 60 },
      );
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
