// A fixed series of imports whose resulting DBs are compared, by dump digest (db-dump.ts), with
// those the importer built before it spilled records to disk: the demo DB alone, then the test
// fixtures, a generated feed with a team's own records over it, and a newer version of part of
// that feed (newer public records win, older ones only join the sources, some get withdrawn).
import * as fs from 'fs';
import * as path from 'path';
import { currentDigest } from './db-dump';
import { feedRecord } from './generated-feed';

const REPO = path.resolve(__dirname, '../..');
const FIXTURES = path.join(REPO, 'test/fixtures/db');

type Import = (cacheDir: string, paths: string[], options?: { custom?: string[] }) => Promise<unknown>;

function writeJson(file: string, value: unknown): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value));
  return file;
}

/** The generated feed as one JSON file of `count` records, with `change` applied to each. */
function feedFile(file: string, count: number, change = (record: Record<string, unknown>, _index: number) => record): string {
  return writeJson(file, Array.from({ length: count }, (_, i) => change(feedRecord(i), i)));
}

const later = (modified: unknown, minutes: number) => new Date(Date.parse(modified as string) + minutes * 60_000).toISOString();

/** Runs the imports in `work` (an empty folder) and returns the digest after each step. */
export async function scenarioDigests(importAdvisories: Import, work: string, feedSize = 3000): Promise<Record<string, string>> {
  const digests: Record<string, string> = {};
  const demo = path.join(work, 'demo-cache');
  await importAdvisories(demo, [path.join(REPO, 'demo-db/osv')]);
  digests.demo = currentDigest(demo);

  const cache = path.join(work, 'cache');
  await importAdvisories(
    cache,
    [...['npm', 'Go', 'crates.io', 'RubyGems'].map((eco) => path.join(FIXTURES, 'osv', eco, 'all.zip')), path.join(FIXTURES, 'folders')],
    { custom: [path.join(FIXTURES, 'custom-feed')] },
  );
  digests.fixtures = currentDigest(cache);

  const feed = feedFile(path.join(work, 'feed', 'feed.json'), feedSize);
  // A team's triage of some of the same IDs (older than the public records, and still winning), and one of its own.
  const team = path.join(work, 'team-feed');
  for (const i of [3, 9, 19, 400]) {
    writeJson(path.join(team, `${i}.json`), { ...feedRecord(i), modified: '2020-01-01T00:00:00Z', summary: 'not reachable in our build' });
  }
  writeJson(path.join(team, 'TEAM-1.json'), { ...feedRecord(feedSize + 1), id: 'TEAM-1' });
  await importAdvisories(cache, [feed], { custom: [team] });
  digests.feed = currentDigest(cache);

  // Newer versions of the first half of the records (some of them withdrawn), older ones of the rest.
  const newer = feedFile(path.join(work, 'newer', 'feed-newer.json'), feedSize, (record, i) => {
    const minutes = i < feedSize / 2 ? 60 : -60;
    return { ...record, modified: later(record.modified, minutes), summary: `${record.summary} (v2)`, ...(i % 50 === 0 ? { withdrawn: later(record.modified, minutes) } : {}) };
  });
  await importAdvisories(cache, [newer]);
  digests.newer = currentDigest(cache);
  return digests;
}
