// Hostile advisory feeds: malformed records, oversized records, archives of every size.
// One bad record is skipped with a message naming its file and ID; it never stops the import,
// never makes a lookup or a match throw, and no message quotes the feed beyond the ID.
import { skipOrFail } from '../../../../test/helpers/skip';
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { zipSync } from 'fflate';
import { importAdvisories, openDb } from '.';
import { GenerationBuilder } from './build';
import { RECORD_LIMITS } from './validate';
import { detectPackage } from '../detect';
import { matchAdvisory } from '../match/affected';
import type { OsvRecord } from '../osv';
import type { Package } from '../types';
import { canWriteFeedZip, feedRecordId, writeFeedZip } from '../../../../test/helpers/generated-feed';

const fixtures = path.resolve(__dirname, '../../../../test/fixtures/db');
const npmZip = path.join(fixtures, 'osv', 'npm', 'all.zip');
const SECRET = 'SuperSecret-PW-123';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-hostile-feed-'));
}

/** A valid npm record for `name`, affected below 2.0.0; `patch` replaces fields. */
function record(id: string, name: string, patch: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    modified: '2024-01-01T00:00:00Z',
    summary: `bad things in ${name}`,
    affected: [{ package: { ecosystem: 'npm', name }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '2.0.0' }] }] }],
    ...patch,
  };
}

function npmPackage(name: string, version: string): Package {
  return { id: `${name}@${version}`, name, version, ecosystem: 'npm', purl: `pkg:npm/${name}@${version}`, direct: true, dev: false };
}

const affectedEntry = (name: string, extra: Record<string, unknown>) => [{ package: { ecosystem: 'npm', name }, ...extra }];

/** The malformed records of issue 8, each on package `victim`, by ID. */
const MALFORMED: Record<string, Record<string, unknown>> = {
  'BAD-ALIASES': { aliases: 'CVE-1' },
  'BAD-DETAILS': { details: 5 },
  'BAD-EVENTS': { affected: affectedEntry('victim', { ranges: [{ type: 'SEMVER', events: [null] }] }) },
  'BAD-RANGES': { affected: affectedEntry('victim', { ranges: [null] }) },
  'BAD-AFFECTED': { affected: [null] },
  'BAD-SEVERITY': { severity: [null] },
  'BAD-VERSIONS': { affected: affectedEntry('victim', { versions: '4.17.4' }) },
  'BAD-PACKAGE': { affected: [{ package: { ecosystem: 'npm', name: 7 } }] },
  'BAD-REFERENCES': { references: [{ type: 'WEB', url: { secret: SECRET } }] },
  'BAD-SUMMARY': { summary: [SECRET] },
};

describe('db: hostile feeds', () => {
  let cacheDir: string;
  let work: string;
  beforeEach(() => {
    cacheDir = tempDir();
    work = tempDir();
  });
  afterEach(() => {
    fs.rmSync(cacheDir, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('skips each malformed record with a message naming its file and ID, and imports the rest', async () => {
    const feed = path.join(work, 'feed');
    fs.mkdirSync(feed);
    for (const [id, patch] of Object.entries(MALFORMED)) {
      fs.writeFileSync(path.join(feed, `${id}.json`), JSON.stringify(record(id, 'victim', patch)));
    }
    // One file holding a list: the bad record in it goes, the good one beside it stays.
    fs.writeFileSync(path.join(feed, 'list.json'), JSON.stringify([record('GOOD-IN-LIST', 'victim'), record('BAD-IN-LIST', 'victim', { aliases: [1] })]));
    fs.writeFileSync(path.join(feed, 'GOOD-1.json'), JSON.stringify(record('GOOD-1', 'victim')));

    const report = await importAdvisories(cacheDir, [npmZip], { custom: [feed] });
    const problems = report.problems.map((p) => `${path.basename(p.file)}: ${p.message}`).sort();
    const expected = [...Object.keys(MALFORMED), 'BAD-IN-LIST'].sort();
    assert.deepStrictEqual(problems.map((p) => p.split(':')[1].trim()).sort(), expected, problems.join('\n'));
    for (const problem of problems) {
      const [file, id] = problem.split(': ');
      assert.ok(file === `${id}.json` || (file === 'list.json' && id === 'BAD-IN-LIST'), problem);
      assert.ok(!problem.includes(SECRET) && !problem.includes('CVE-1') && !problem.includes('4.17.4'), `no content quoted: ${problem}`);
    }
    assert.match(problems.find((p) => p.includes('BAD-ALIASES'))!, /"aliases" is not a list/);
    assert.match(problems.find((p) => p.includes('BAD-EVENTS'))!, /"affected\[0\]\.ranges\[0\]\.events\[0\]" is not an object/);

    const db = openDb(cacheDir);
    try {
      assert.deepStrictEqual(db.lookup('npm', 'victim').map((a) => a.osv.id), ['GOOD-1', 'GOOD-IN-LIST']);
      assert.strictEqual(db.lookup('npm', 'flat').length, 1, 'the real zip imported beside it');
      const findings = detectPackage(npmPackage('victim', '1.0.0'), db);
      assert.deepStrictEqual(findings.map((f) => f.vulnerabilityId).sort(), ['GOOD-1', 'GOOD-IN-LIST']);
    } finally {
      db.close();
    }
  });

  it('a DB built before the checks: its malformed records never make a lookup or a match throw, and the next import drops them', async () => {
    // What older Vigil stored without complaint (issue 8): written here without the import's checks.
    const builder = new GenerationBuilder(cacheDir);
    for (const id of ['BAD-ALIASES', 'BAD-DETAILS', 'BAD-EVENTS', 'BAD-RANGES']) {
      builder.add(record(id, 'victim', MALFORMED[id]) as unknown as OsvRecord, 'osv:old');
    }
    builder.add(record('GOOD-1', 'victim') as unknown as OsvRecord, 'osv:old');
    builder.commit(cacheDir, undefined);

    const db = openDb(cacheDir);
    try {
      // BAD-DETAILS's match part (no details in it) is sound: it is matched, described by that part alone.
      const advisories = db.lookup('npm', 'victim');
      assert.deepStrictEqual(advisories.map((a) => a.osv.id), ['BAD-DETAILS', 'GOOD-1']);
      const findings = detectPackage(npmPackage('victim', '1.0.0'), db);
      assert.deepStrictEqual(findings.map((f) => f.vulnerabilityId), ['BAD-DETAILS', 'GOOD-1']);
      assert.strictEqual(findings[0].description, '');
      assert.strictEqual(db.get('BAD-ALIASES'), undefined);
      assert.strictEqual(db.get('BAD-DETAILS'), undefined);
    } finally {
      db.close();
    }
    // The matcher alone, on the raw shapes.
    for (const id of ['BAD-EVENTS', 'BAD-RANGES', 'BAD-AFFECTED', 'BAD-VERSIONS', 'BAD-PACKAGE']) {
      const raw = record(id, 'victim', MALFORMED[id]) as unknown as OsvRecord;
      assert.doesNotThrow(() => matchAdvisory(raw, 'npm', 'victim', '1.0.0'), id);
    }
    assert.strictEqual(matchAdvisory({ id: 'X', modified: '', affected: 'nope' } as unknown as OsvRecord, 'npm', 'victim', '1.0.0'), null);

    const report = await importAdvisories(cacheDir, [npmZip]);
    assert.deepStrictEqual(
      report.problems.map((p) => p.message).sort(),
      ['BAD-ALIASES', 'BAD-DETAILS', 'BAD-EVENTS', 'BAD-RANGES'].map((id) => `${id}: dropped from the DB, it is no valid OSV record`),
    );
    assert.strictEqual(report.metadata.totalRecords, 8 + 1);
  });

  it('a range whose versions do not parse matches nothing, instead of "affected, no fix"', () => {
    const ranges = (events: object[]) => record('X-1', 'victim', {
      affected: [{ package: { ecosystem: 'npm', name: 'victim' }, ranges: [{ type: 'SEMVER', events }] }],
    }) as unknown as OsvRecord;
    for (const version of ['0.1.0', '1.0.0', '99.0.0']) {
      assert.strictEqual(matchAdvisory(ranges([{ introduced: 'not-a-version' }]), 'npm', 'victim', version), null, version);
      assert.strictEqual(matchAdvisory(ranges([{ introduced: '0' }, { fixed: 'not-a-version' }]), 'npm', 'victim', version), null, version);
    }
    // A PyPI ECOSYSTEM range is judged by PEP 440.
    const pypi = record('X-2', 'victim', {
      affected: [{ package: { ecosystem: 'PyPI', name: 'victim' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2019-09-12' }] }] }],
    }) as unknown as OsvRecord;
    assert.strictEqual(matchAdvisory(pypi, 'PyPI', 'victim', '1.0'), null);
    // Still matched: a range that parses, and versions listed explicitly.
    assert.deepStrictEqual(matchAdvisory(ranges([{ introduced: '0' }, { fixed: '2.0.0' }]), 'npm', 'victim', '1.0.0'), { fixedVersions: ['2.0.0'], advisoryFixedVersions: ['2.0.0'] });
  });

  it('cuts a record to the record limits and says what was cut', async () => {
    const huge = record('HUGE-1', 'victim', {
      details: 'x'.repeat(RECORD_LIMITS.text + 10),
      affected: Array.from({ length: RECORD_LIMITS.affected + 500 }, (_, i) => ({
        package: { ecosystem: 'npm', name: 'victim' },
        ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: `${i + 1}.0.0` }] }],
        ...(i === 0 ? { versions: Array.from({ length: RECORD_LIMITS.versionsPerAffected + 1 }, (_, v) => `0.0.${v}`) } : {}),
      })),
    });
    fs.writeFileSync(path.join(work, 'HUGE-1.json'), JSON.stringify(huge));
    const report = await importAdvisories(cacheDir, [work]);
    assert.deepStrictEqual(report.problems, []);
    assert.deepStrictEqual(report.warnings.map((w) => w.message), [
      `HUGE-1: "affected" cut to ${RECORD_LIMITS.affected} of its ${RECORD_LIMITS.affected + 500} items`,
      `HUGE-1: "affected[0].versions" cut to ${RECORD_LIMITS.versionsPerAffected} of its ${RECORD_LIMITS.versionsPerAffected + 1} items`,
      `HUGE-1: "details" cut to ${RECORD_LIMITS.text} of its ${RECORD_LIMITS.text + 10} characters`,
    ]);
    const db = openDb(cacheDir);
    try {
      const [advisory] = db.lookup('npm', 'victim');
      assert.strictEqual(advisory.osv.affected!.length, RECORD_LIMITS.affected);
      assert.strictEqual(advisory.full!().details!.length, RECORD_LIMITS.text);
    } finally {
      db.close();
    }
  });

  it('refuses a record file that is not a regular file, and imports the rest', async function () {
    if (spawnSync('mkfifo', [path.join(work, 'fifo.json')]).status !== 0) {
      skipOrFail(this, 'mkfifo is needed for this test');
    }
    fs.writeFileSync(path.join(work, 'GOOD-1.json'), JSON.stringify(record('GOOD-1', 'victim')));
    const report = await importAdvisories(cacheDir, [work]);
    assert.deepStrictEqual(report.problems.map((p) => [path.basename(p.file), p.message]), [['fifo.json', 'not a regular file']]);
    assert.strictEqual(report.read, 1);
  });

  it('a team\'s own record wins over a public one of the same ID, even a newer one', async () => {
    const publicFeed = path.join(work, 'public');
    const customFeed = path.join(work, 'acme');
    fs.mkdirSync(publicFeed);
    fs.mkdirSync(customFeed);
    const write = (dir: string, modified: string, summary: string) =>
      fs.writeFileSync(path.join(dir, 'GHSA-1.json'), JSON.stringify(record('GHSA-1', 'victim', { modified, summary })));
    write(customFeed, '2024-01-01T00:00:00Z', 'ACME triage');
    write(publicFeed, '2025-06-01T00:00:00Z', 'public, newer');
    const summaryNow = () => {
      const db = openDb(cacheDir);
      try {
        return db.get('GHSA-1')!.osv.summary;
      } finally {
        db.close();
      }
    };
    await importAdvisories(cacheDir, [], { custom: [customFeed] });
    const report = await importAdvisories(cacheDir, [publicFeed]);
    assert.strictEqual(report.updated, 0);
    assert.strictEqual(summaryNow(), 'ACME triage');
    // And the other way round: a custom record older than the stored public one replaces it.
    fs.rmSync(cacheDir, { recursive: true, force: true });
    await importAdvisories(cacheDir, [publicFeed]);
    await importAdvisories(cacheDir, [], { custom: [customFeed] });
    assert.strictEqual(summaryNow(), 'ACME triage');
    // Between two records of one kind, the newer still wins.
    write(customFeed, '2026-01-01T00:00:00Z', 'ACME triage, revised');
    await importAdvisories(cacheDir, [], { custom: [customFeed] });
    assert.strictEqual(summaryNow(), 'ACME triage, revised');
  });
});

describe('db: ZIP archives at full size', () => {
  let cacheDir: string;
  let work: string;
  beforeEach(() => {
    cacheDir = tempDir();
    work = tempDir();
  });
  afterEach(() => {
    fs.rmSync(cacheDir, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('imports a ZIP64 archive of more than 65,535 entries, every one of them', async function () {
    this.timeout(180_000);
    if (!canWriteFeedZip()) {
      skipOrFail(this, 'python3 is needed to write the ZIP64 archive');
    }
    const count = 70_000;
    const zip = path.join(work, 'npm', 'all.zip');
    fs.mkdirSync(path.dirname(zip));
    await writeFeedZip(zip, count);
    const tail = fs.readFileSync(zip).subarray(-22);
    assert.strictEqual(tail.readUInt16LE(10), 0xffff, 'the archive is ZIP64: its 16-bit count is saturated');

    const report = await importAdvisories(cacheDir, [zip]);
    assert.deepStrictEqual(report.problems, []);
    assert.strictEqual(report.read, count);
    assert.strictEqual(report.metadata.totalRecords, count);
    const db = openDb(cacheDir);
    try {
      const last = count - 1;
      assert.deepStrictEqual(db.lookup('npm', `pkg-${last.toString(36)}`).map((a) => a.osv.id), [feedRecordId(last)]);
    } finally {
      db.close();
    }
  });

  it('refuses an archive whose directory disagrees with its entry count', async () => {
    const files: Record<string, Uint8Array> = {};
    for (const id of ['A-1', 'A-2', 'A-3']) files[`${id}.json`] = Buffer.from(JSON.stringify(record(id, 'victim')));
    const zip = Buffer.from(zipSync(files));
    const eocd = zip.length - 22;
    for (const [declared, message] of [[2, /lists 2 entries, but holds more/], [4, /lists 4 entries and ends before them/]] as const) {
      const bad = Buffer.from(zip);
      bad.writeUInt16LE(declared, eocd + 8);
      bad.writeUInt16LE(declared, eocd + 10);
      const file = path.join(work, `count-${declared}.zip`);
      fs.writeFileSync(file, bad);
      const report = await importAdvisories(cacheDir, [file]);
      assert.strictEqual(report.problems.length, 1);
      assert.match(report.problems[0].message, message);
      assert.strictEqual(report.read, 0, 'nothing of a broken archive is imported');
    }
  });
});
