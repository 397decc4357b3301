// `vigil db import|update|status`, and the DB preparation `vigil fs` does before matching.
import {
  DbMissingError, dbStatus, importAdvisories, openDb, updateDb, type UpdateReport, type VulnDb,
} from '../engine/db';
import type { Ecosystem } from '../engine/types';
import { ECOSYSTEMS } from '../engine/ecosystems';
import { CACHE_DIR_OPTION, UsageError, cacheDirOption, parse, printMessage, splitList } from './options';

const DB_HELP = `Usage:
  vigil db import [--cache-dir DIR] [--custom DIR…] PATH…
        OSV all.zip files and folders of OSV .json/.yaml; --custom marks your organisation's own
        advisories, which win over public ones with the same ID
  vigil db update [--cache-dir DIR] [--db-mirror URL] [--ecosystems LIST] [--full]
        downloads only what changed since the last update; --full downloads each ecosystem's
        all.zip again, which also drops advisories removed upstream. Exits 1 when an
        ecosystem failed (the others are updated; the failed ones keep their advisories)
  vigil db status [--cache-dir DIR] [--json]

The DB lives in $VIGIL_CACHE_DIR, else $XDG_CACHE_HOME/vigil, else ~/.cache/vigil.
`;

/** A DB older than this is refreshed before a scan, unless told not to. */
const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

function log(quiet: boolean, message: string) {
  if (!quiet) printMessage(message);
}

/** Tells about the ecosystems an update could not refresh (they keep their previous advisories). */
function logFailures(report: UpdateReport, quiet: boolean) {
  for (const name of report.failed) {
    log(quiet, `${name}: update failed, its previous advisories are kept: ${report.ecosystems[name].error}`);
  }
}

function parseEcosystems(value: string | string[] | undefined): Ecosystem[] | undefined {
  const list = splitList(value);
  if (!list.length) return undefined;
  for (const e of list) {
    if (!(ECOSYSTEMS as readonly string[]).includes(e)) throw new UsageError(`unknown ecosystem '${e}': use ${ECOSYSTEMS.join(', ')}`);
  }
  return list as Ecosystem[];
}

export async function runDbCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || sub === '--help' || sub === '-h') {
    process.stdout.write(DB_HELP);
    return 0;
  }
  const { values, positionals } = parse(rest, {
    ...CACHE_DIR_OPTION,
    'db-mirror': { type: 'string' },
    ecosystems: { type: 'string', multiple: true },
    custom: { type: 'string', multiple: true },
    json: { type: 'boolean' },
    full: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
  });
  const cacheDir = cacheDirOption(values['cache-dir']);
  const quiet = values.quiet === true;
  switch (sub) {
    case 'import': {
      if (!positionals.length && !values.custom) throw new UsageError('vigil db import needs at least one PATH');
      const report = await importAdvisories(cacheDir, positionals, { custom: values.custom });
      for (const problem of report.problems) log(quiet, `skipped ${problem.file}: ${problem.message}`);
      process.stdout.write(`read ${report.read} advisories (${report.added} new, ${report.updated} updated, `
        + `${report.unchanged} unchanged); the DB in ${cacheDir} now holds ${report.metadata.totalRecords}\n`);
      return 0;
    }
    case 'update': {
      const report = await updateDb(cacheDir, {
        mirror: values['db-mirror'], ecosystems: parseEcosystems(values.ecosystems), full: values.full === true,
        onProgress: message => log(quiet, message),
      });
      for (const problem of report.problems) log(quiet, `skipped ${problem.file}: ${problem.message}`);
      process.stdout.write(`${report.message}\n`);
      // Failures are errors: printed even with --quiet.
      logFailures(report, false);
      return report.failed.length ? 1 : 0;
    }
    case 'status': {
      const status = dbStatus(cacheDir);
      process.stdout.write(values.json ? `${JSON.stringify(status, null, 2)}\n` : status.text);
      return status.present ? 0 : 1;
    }
    default:
      throw new UsageError(`unknown db command '${sub}': use import, update or status`);
  }
}

export interface EnsureDbOptions {
  cacheDir: string;
  ecosystems: Ecosystem[];
  mirror?: string;
  offline: boolean;
  skipUpdate: boolean;
  quiet: boolean;
}

/**
 * Opens the DB for a scan. A missing DB is downloaded unless the user said offline; a stale one
 * that came from a mirror is refreshed, and a failed refresh falls back to the DB as it is.
 */
export async function ensureDb(options: EnsureDbOptions): Promise<VulnDb> {
  const { cacheDir, ecosystems, quiet } = options;
  const mayDownload = !options.offline && !options.skipUpdate && ecosystems.length > 0;
  let db: VulnDb;
  try {
    db = openDb(cacheDir);
  } catch (error) {
    if (!(error instanceof DbMissingError) || !mayDownload) throw error;
    log(quiet, `no vulnerability DB in ${cacheDir}: downloading ${ecosystems.join(', ')}`);
    const report = await updateDb(cacheDir, { mirror: options.mirror, ecosystems, onProgress: message => log(quiet, message) });
    logFailures(report, quiet);
    return openDb(cacheDir);
  }
  if (!mayDownload) return db;
  const mirrored = db.metadata().sources.filter(s => s.kind === 'mirror');
  const missing = ecosystems.filter(e => !mirrored.some(s => s.name === `mirror:${e}`));
  const stale = mirrored.some(s => Date.now() - Date.parse(s.fetchedAt) > STALE_AFTER_MS);
  // A DB built only by `db import` is the user's to refresh: never reach the network behind it.
  if (!mirrored.length || (!stale && !missing.length)) return db;
  try {
    const report = await updateDb(cacheDir, { mirror: options.mirror, ecosystems });
    logFailures(report, quiet);
    db.close();
    return openDb(cacheDir);
  } catch (error) {
    log(quiet, `DB update failed, scanning with the DB as it is: ${(error as Error).message}`);
    return db;
  }
}
