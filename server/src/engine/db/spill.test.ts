// The builder spills records to a temp file as they arrive and writes the generation from it: the
// DBs it builds must answer exactly as those built in memory did, and it must leave no temp file.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { importAdvisories, openDb } from '.';
import { dbDir } from './store';
import { scenarioDigests } from '../../../../test/helpers/db-scenario';
import { feedRecord } from '../../../../test/helpers/generated-feed';

const fixtures = path.resolve(__dirname, '../../../../test/fixtures/db');
const npmZip = path.join(fixtures, 'osv', 'npm', 'all.zip');

/**
 * Dump digests (test/helpers/db-dump.ts) of the DBs that the in-memory builder (schema 5, with the
 * CVE alias lists, just before records were spilled) built in test/helpers/db-scenario.ts. A deliberate change of what is stored
 * (a field, a severity rule, the match parts) changes them: then check that the change is the only
 * difference, and take the new digests.
 */
const DIGESTS = {
  demo: '3537f049598969eb8f9f346ab5eed28cd99c30794d4c372d28df2e84d4711c91',
  fixtures: 'b4d709217b5334860e45a886b5c758088c843e3ef071f0409d41a7723ec34e62',
  feed: 'aa64cfb5bf198a60b4bab26c4998aceda0999a599f8f5b6d5b2402f767178a04',
  newer: '34fef978b6f295078bb9bd333c95120553ab66d3d2e25e599c8e77b033557efd',
};

const tempFiles = (cacheDir: string) => fs.readdirSync(dbDir(cacheDir)).filter((name) => name.includes('.tmp-'));

describe('db: building a generation through a spill file', () => {
  let work: string;
  beforeEach(() => (work = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-spill-'))));
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  it('builds the same DB content as the in-memory builder did: the demo DB, the fixtures, a generated feed, merges', async function () {
    this.timeout(60_000);
    assert.deepStrictEqual(await scenarioDigests(importAdvisories, work), DIGESTS);
    for (const cache of ['demo-cache', 'cache']) assert.deepStrictEqual(tempFiles(path.join(work, cache)), [], cache);
  });

  it('removes its spill file when an import fails midway, and leaves the DB as it was', async () => {
    const cacheDir = path.join(work, 'cache');
    await importAdvisories(cacheDir, [npmZip]);
    const before = fs.readFileSync(path.join(dbDir(cacheDir), 'current'), 'utf8');
    const feed = path.join(work, 'feed.json');
    fs.writeFileSync(feed, JSON.stringify(Array.from({ length: 200 }, (_, i) => feedRecord(i))));
    for (const failAt of ['reading', 'writing', 'written'] as const) {
      let spilled: string[] = [];
      let readings = 0;
      await assert.rejects(
        importAdvisories(cacheDir, [feed, npmZip], {
          onProgress: (_message, stage) => {
            // The second file: the first one's records are in the spill file by now.
            if (stage === 'reading' && ++readings < 2) return;
            if (stage !== failAt) return;
            spilled = tempFiles(cacheDir);
            throw new Error(`failing at ${stage}`);
          },
        }),
        new RegExp(`failing at ${failAt}`),
      );
      // Once the generation is written, the spill file is gone already.
      assert.strictEqual(spilled.some((name) => name.startsWith('build.tmp-')), failAt !== 'written', `${failAt}: ${spilled}`);
      assert.deepStrictEqual(tempFiles(cacheDir).filter((name) => !name.startsWith('gen.tmp-')), [], failAt);
      assert.strictEqual(fs.readFileSync(path.join(dbDir(cacheDir), 'current'), 'utf8'), before, failAt);
    }
    // A generation written but never made current is left for the next update to remove, as before.
    await importAdvisories(cacheDir, [feed]);
    assert.deepStrictEqual(tempFiles(cacheDir), []);
    const db = openDb(cacheDir);
    try {
      assert.strictEqual(db.lookup('npm', 'pkg-0').length, 1);
      assert.strictEqual(db.lookup('npm', 'flat').length, 1);
    } finally {
      db.close();
    }
  });
});
