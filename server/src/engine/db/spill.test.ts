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
 * Dump digests (test/helpers/db-dump.ts) of the DBs that the in-memory builder (commit a913db7, before
 * records were spilled) built in test/helpers/db-scenario.ts. A deliberate change of what is stored
 * (a field, a severity rule, the match parts) changes them: then check that the change is the only
 * difference, and take the new digests.
 */
const DIGESTS = {
  demo: 'c4bf0d540fdad1d95c90b8bac069f44c8ac16b0fd60c68a035f4b059cfbe4365',
  fixtures: '8c85649db1a81c86c5b34662b7ff6c1db6b34a3dc7d42c403211a074e18b6a70',
  feed: '38d06f92a21c53247965fc18a0773b64704681700132eae287097af752364c2a',
  newer: 'cedf98309f6b7f82f90ae356ea489bf1f3d6b07a0ae5fac0d9a1a4069947dfd5',
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
