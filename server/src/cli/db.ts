// `vigil db import|update|status`, and the DB preparation `vigil fs` does before matching.
import {
  DbMissingError, DbUpdateError, dbStatus, importAdvisories, openDb, updateDb, type UpdateReport, type VulnDb,
} from '../engine/db';
import type { Ecosystem } from '../engine/types';
import { ECOSYSTEMS } from '../engine/ecosystems';
import { supportedEcosystems } from '../engine/analyzers';
import { CACHE_DIR_OPTION, UsageError, cacheDirOption, endProgress, parse, printMessage, progressPrinter, splitList } from './options';

const CACHE_DIR_HELP = `  --cache-dir DIR      where the DB lives (default: $VIGIL_CACHE_DIR, else $XDG_CACHE_HOME/vigil,
                       else ~/.cache/vigil)`;

interface DbCommand {
  synopsis: string;
  /** Written when asked for, as it may read the analyzers. */
  help(): string;
}

const IMPORT: DbCommand = {
  synopsis: 'vigil db import [options] PATH…',
  help: () => `Imports OSV all.zip files and folders of OSV .json/.yaml records into the DB. Never uses the
network: with --offline, \`vigil fs\` scans against what was imported.

Options:
  --custom PATH        your organisation's own advisories (repeatable), which win over public ones
                       with the same ID, even newer ones

A malformed record is skipped with a message naming its file and ID; an oversized one is cut,
with a warning.
${CACHE_DIR_HELP}
  --quiet              no progress output
`,
};

const UPDATE: DbCommand = {
  synopsis: 'vigil db update [options]',
  help: () => `Downloads advisories from an OSV mirror, or refreshes them: after the first download of an
ecosystem, only what changed since the last update. Exits 1 when an ecosystem failed (the others
are updated; the failed ones keep their advisories).

Options:
  --ecosystems LIST    OSV ecosystems to update, e.g. npm,PyPI (default: those the DB has from a
                       mirror, and those Vigil scans that it holds; on a new DB, those Vigil
                       scans: ${supportedEcosystems().join(', ')})
  --db-mirror URL      OSV mirror base URL, <URL>/<Ecosystem>/all.zip (default: OSV's public bucket)
  --full               download each ecosystem's all.zip again, which also drops advisories removed
                       upstream
${CACHE_DIR_HELP}
  --quiet              no progress output
`,
};

const STATUS: DbCommand = {
  synopsis: 'vigil db status [options]',
  help: () => `Shows the DB's age, sources and advisories per ecosystem. Exits 1 when there is no DB.

Options:
  --json               as JSON
${CACHE_DIR_HELP}
`,
};

const DB_COMMANDS: Record<string, DbCommand> = { import: IMPORT, update: UPDATE, status: STATUS };

const DB_USAGE = `Usage:
  vigil db import [options] PATH…  import OSV all.zip files, folders of OSV JSON/YAML, custom feeds
  vigil db update [options]        download or refresh advisories from an OSV mirror
  vigil db status [options]        the DB's age, sources and ecosystems with advisory counts

Run \`vigil db COMMAND --help\` for its options.
`;

/** A DB older than this is refreshed before a scan, unless told not to. */
const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

function log(quiet: boolean, message: string) {
  endProgress(quiet);
  if (!quiet) printMessage(message);
}

/** Tells about the ecosystems an update could not refresh (they keep their previous advisories). */
function logFailures(report: UpdateReport, quiet: boolean) {
  for (const name of report.failed) {
    log(quiet, `${name}: update failed, its previous advisories are kept: ${report.ecosystems[name].error}`);
  }
}

/** The ways to a first DB, for a user who has none and cannot download one as things stand. */
const WAYS_TO_A_FIRST_DB = `Two ways to make one:
  without network: \`vigil db import PATH…\` with OSV all.zip files or folders of OSV JSON, then scan
    with \`vigil fs --offline\`;
  from a mirror you can reach: \`--db-mirror URL\` on \`vigil fs\` or \`vigil db update\` (OSV's layout,
    <URL>/<Ecosystem>/all.zip).`;

/** `error`, or when it means that no DB exists yet, that in the CLI's words with the ways out. */
function explainNoDb(error: unknown, why = ''): unknown {
  if (error instanceof DbMissingError && error.absent) {
    return new Error(`no vulnerability DB exists yet in ${error.cacheDir}${why}.\n${WAYS_TO_A_FIRST_DB}`);
  }
  if (error instanceof DbUpdateError && !error.hadDb) return new Error(`${error.message}\n${WAYS_TO_A_FIRST_DB}`);
  return error;
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
  const [name, ...rest] = args;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(DB_USAGE);
    return 0;
  }
  const command = Object.hasOwn(DB_COMMANDS, name) ? DB_COMMANDS[name] : undefined;
  if (!command) throw new UsageError(`unknown db command '${name}': use import, update or status`, DB_USAGE);
  const usage = `Usage: ${command.synopsis}\nRun \`vigil db ${name} --help\` for the options.\n`;
  const help = () => {
    process.stdout.write(`Usage: ${command.synopsis}\n\n${command.help()}`);
    return 0;
  };
  switch (name) {
    case 'import': {
      const { values, positionals } = parse(rest, {
        ...CACHE_DIR_OPTION, custom: { type: 'string', multiple: true }, quiet: { type: 'boolean', short: 'q' },
      }, usage);
      if (values.help) return help();
      if (!positionals.length && !values.custom) throw new UsageError('vigil db import needs at least one PATH', usage);
      const cacheDir = cacheDirOption(values['cache-dir']);
      const quiet = values.quiet === true;
      let report;
      try {
        report = await importAdvisories(cacheDir, positionals, { custom: values.custom, onProgress: progressPrinter(quiet) });
      } finally {
        endProgress(quiet);
      }
      for (const problem of report.problems) log(quiet, `skipped ${problem.file}: ${problem.message}`);
      for (const warning of report.warnings) log(quiet, `cut ${warning.file}: ${warning.message}`);
      const cut = report.warnings.length ? `; ${report.warnings.length} cuts to oversized records` : '';
      process.stdout.write(`read ${report.read} advisories (${report.added} new, ${report.updated} updated, `
        + `${report.unchanged} unchanged${cut}); the DB in ${cacheDir} now holds ${report.metadata.totalRecords}\n`);
      return 0;
    }
    case 'update': {
      const { values, positionals } = parse(rest, {
        ...CACHE_DIR_OPTION,
        'db-mirror': { type: 'string' },
        ecosystems: { type: 'string', multiple: true },
        full: { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
      }, usage);
      if (values.help) return help();
      if (positionals.length) throw new UsageError('vigil db update takes no PATH; name ecosystems with --ecosystems', usage);
      const quiet = values.quiet === true;
      let report: UpdateReport;
      try {
        report = await updateDb(cacheDirOption(values['cache-dir']), {
          mirror: values['db-mirror'], ecosystems: parseEcosystems(values.ecosystems), full: values.full === true,
          onProgress: progressPrinter(quiet),
        });
      } catch (error) {
        throw explainNoDb(error);
      } finally {
        endProgress(quiet);
      }
      for (const problem of report.problems) log(quiet, `skipped ${problem.file}: ${problem.message}`);
      for (const warning of report.warnings) log(quiet, `cut ${warning.file}: ${warning.message}`);
      process.stdout.write(`${report.message}\n`);
      // Failures are errors: printed even with --quiet.
      logFailures(report, false);
      return report.failed.length ? 1 : 0;
    }
    default: { // status
      const { values, positionals } = parse(rest, { ...CACHE_DIR_OPTION, json: { type: 'boolean' } }, usage);
      if (values.help) return help();
      if (positionals.length) throw new UsageError('vigil db status takes no PATH', usage);
      const status = dbStatus(cacheDirOption(values['cache-dir']));
      process.stdout.write(values.json ? `${JSON.stringify(status, null, 2)}\n` : status.text);
      return status.present ? 0 : 1;
    }
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
  const progress = progressPrinter(quiet);
  let db: VulnDb;
  try {
    db = openDb(cacheDir);
  } catch (error) {
    if (!(error instanceof DbMissingError) || !mayDownload) {
      throw explainNoDb(error, options.offline ? ' (--offline downloads nothing)' : options.skipUpdate ? ' (--skip-db-update downloads nothing)' : '');
    }
    progress(`no vulnerability DB in ${cacheDir}: downloading ${ecosystems.join(', ')}`);
    try {
      const report = await updateDb(cacheDir, { mirror: options.mirror, ecosystems, onProgress: progress });
      logFailures(report, quiet);
    } catch (updateError) {
      throw explainNoDb(updateError);
    }
    return openDb(cacheDir);
  }
  if (!mayDownload) return db;
  const mirrored = db.metadata().sources.filter(s => s.kind === 'mirror');
  const missing = ecosystems.filter(e => !mirrored.some(s => s.name === `mirror:${e}`));
  const stale = mirrored.some(s => Date.now() - Date.parse(s.fetchedAt) > STALE_AFTER_MS);
  // A DB built only by `db import` is the user's to refresh: never reach the network behind it.
  if (!mirrored.length || (!stale && !missing.length)) return db;
  try {
    const report = await updateDb(cacheDir, { mirror: options.mirror, ecosystems, onProgress: progress });
    logFailures(report, quiet);
    db.close();
    return openDb(cacheDir);
  } catch (error) {
    log(quiet, `DB update failed, scanning with the DB as it is: ${(error as Error).message}`);
    return db;
  }
}
