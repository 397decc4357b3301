// An npm-like OSV feed generated on the fly, shaped like OSV's real npm/all.zip: mostly MAL- records
// (one malicious package each, every version affected), with a GHSA record now and then.
import { spawn, spawnSync } from 'child_process';

/** Every tenth record is a GHSA advisory with a fix; the others are MAL- records. */
function isAdvisory(index: number): boolean {
  return index % 10 === 9;
}

export function feedRecordId(index: number): string {
  return isAdvisory(index) ? `GHSA-gen${index.toString(36).padStart(4, '0')}-0000-0000` : `MAL-2024-${index}`;
}

/** One record of the feed: `index` decides its ID, package and kind. */
export function feedRecord(index: number): Record<string, unknown> {
  const name = `pkg-${index.toString(36)}`;
  const modified = new Date(Date.UTC(2024, 0, 1) + index * 60_000).toISOString();
  const id = feedRecordId(index);
  if (isAdvisory(index)) {
    return {
      schema_version: '1.6.0',
      id,
      modified,
      published: modified,
      aliases: [`CVE-2024-${100000 + index}`],
      summary: `Prototype pollution in ${name}`,
      details: `${name} before 1.2.${index % 7} allows prototype pollution via a crafted payload.`,
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
      affected: [{
        package: { ecosystem: 'npm', name },
        ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: `1.2.${index % 7}` }] }],
        database_specific: { source: 'https://github.com/advisories' },
      }],
      references: [{ type: 'ADVISORY', url: `https://nvd.nist.gov/vuln/detail/CVE-2024-${100000 + index}` }],
      database_specific: { severity: 'CRITICAL', cwe_ids: ['CWE-1321'], github_reviewed: true },
    };
  }
  return {
    schema_version: '1.6.0',
    id,
    modified,
    published: modified,
    summary: `Malicious code in ${name} (npm)`,
    details: '\n---\n_-= Per source details. Do not edit below this line.=-_\n\n## Source: ossf-package-analysis\n'
      + 'The package runs a script at install time that sends environment variables to a remote host. '
      + 'Any computer that has this package installed or running should be considered fully compromised.\n',
    affected: [{
      package: { ecosystem: 'npm', name },
      ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }],
      versions: ['1.0.0', '1.0.1'],
      database_specific: { source: `https://github.com/ossf/malicious-packages/blob/main/osv/malicious/npm/${name}/${id}.json` },
    }],
    references: [{ type: 'WEB', url: `https://socket.dev/npm/package/${name}` }],
    credits: [{ name: 'OpenSSF: Package Analysis', contact: ['https://github.com/ossf/package-analysis'], type: 'FINDER' }],
    database_specific: { 'malicious-packages-origins': [{ source: 'ossf-package-analysis', modified_time: modified }] },
  };
}

/** The zip writer: Python's zipfile, an independent implementation that writes ZIP64 past 65,535 entries. */
const PYTHON_WRITER = `
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
    for line in sys.stdin.buffer:
        name, _, data = line.rstrip(b"\\n").partition(b"\\t")
        z.writestr(zipfile.ZipInfo(name.decode(), (2024, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
`;

/** Whether python3 (used to write the archives) is on this machine. */
export function canWriteFeedZip(): boolean {
  return spawnSync('python3', ['-c', 'import zipfile, zlib'], { stdio: 'ignore' }).status === 0;
}

/**
 * Writes a zip of `count` generated records (`<ID>.json` entries, deflated), then the `extra`
 * entries, to `file`. Records stream to the writer: none of this is held in memory whole.
 */
export async function writeFeedZip(file: string, count: number, extra: Record<string, string> = {}): Promise<void> {
  const child = spawn('python3', ['-c', PYTHON_WRITER, file], { stdio: ['pipe', 'inherit', 'inherit'] });
  const exited = new Promise<number | null>((resolve, reject) => child.on('error', reject).on('close', resolve));
  const write = (name: string, text: string) => {
    const ok = child.stdin.write(`${name}\t${text.replace(/\n/g, ' ')}\n`);
    return ok ? undefined : new Promise<void>((resolve) => child.stdin.once('drain', resolve));
  };
  for (let i = 0; i < count; i++) await write(`${feedRecordId(i)}.json`, JSON.stringify(feedRecord(i)));
  for (const [name, text] of Object.entries(extra)) await write(name, text);
  child.stdin.end();
  const status = await exited;
  if (status !== 0) throw new Error(`python3 zipfile exited with ${status} writing ${file}`);
}
