// `vigil fs PATH`: scan a folder and write a report.
import fs from 'node:fs';
import path from 'node:path';
import { analyzePath, detectVulnerabilities, ecosystemsOf } from '../engine/scan';
import { IGNORE_FILE_NAMES, loadIgnorePolicy, type IgnoreFileRef } from '../engine/ignore';
import { writeReport, type ReportFormat } from '../report';
import { ensureDb } from './db';
import {
  CACHE_DIR_OPTION, UsageError, cacheDirOption, endProgress, parse, parseScanners, parseSeverities,
  printMessage, progressPrinter, splitList,
} from './options';

const FS_HELP = `Usage: vigil fs [options] PATH

Options:
  --scanners LIST        vuln[,misconfig,secret,license]           (default: vuln)
  --severity LIST        report only these severities, e.g. HIGH,CRITICAL
  --ignore-unfixed       leave out vulnerabilities without a fixed version
  --include-dev-deps     report development dependencies too (npm)
  --format FORMAT        table | json | sarif                      (default: table)
  --output FILE          write the report to FILE instead of stdout
  --list-all-pkgs        list every package in the JSON report, vulnerable or not
  --exit-code N          exit with N when anything is reported    (default: 0)
  --ignorefile FILE      IDs to ignore (.trivyignore syntax, exp: dates; or .trivyignore.yaml)
                         (default: .trivyignore, .vigilignore and their .yaml forms in the folder scanned and here)
  --skip-dirs GLOB       folders to leave out (repeatable, comma-separated)
  --skip-files GLOB      files to leave out (repeatable, comma-separated)
  --cache-dir DIR        where the DB lives        (default: $VIGIL_CACHE_DIR or ~/.cache/vigil)
  --db-mirror URL        OSV mirror for DB updates (default: OSV's public bucket)
  --skip-db-update       use the DB as it is
  --offline              no network at all (implies --skip-db-update)
  --quiet                no progress output
`;

/**
 * The named ignore file, or the default ones in the scanned folder and here. Found files are read
 * only inside their folder (see checkFoundFile); a missing one is no error.
 */
function ignoreFiles(root: string, explicit: string | undefined): IgnoreFileRef[] {
  if (explicit) {
    if (!fs.existsSync(explicit)) throw new UsageError(`ignore file not found: ${explicit}`);
    return [explicit];
  }
  const folders = [...new Set([path.resolve(root), process.cwd()])];
  return folders.flatMap(dir => IGNORE_FILE_NAMES.map(name => ({ file: path.join(dir, name), foundIn: dir })));
}

export async function runFsCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    help: { type: 'boolean', short: 'h' },
    scanners: { type: 'string', multiple: true },
    severity: { type: 'string', short: 's', multiple: true },
    'ignore-unfixed': { type: 'boolean' },
    'include-dev-deps': { type: 'boolean' },
    format: { type: 'string', short: 'f', default: 'table' },
    output: { type: 'string', short: 'o' },
    'list-all-pkgs': { type: 'boolean' },
    'exit-code': { type: 'string', default: '0' },
    ignorefile: { type: 'string' },
    'skip-dirs': { type: 'string', multiple: true },
    'skip-files': { type: 'string', multiple: true },
    ...CACHE_DIR_OPTION,
    'db-mirror': { type: 'string' },
    'skip-db-update': { type: 'boolean' },
    offline: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
  });
  if (values.help) {
    process.stdout.write(FS_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('vigil fs takes exactly one PATH. Run `vigil fs --help`.');
  const root = positionals[0];
  if (!fs.existsSync(root)) throw new UsageError(`no such file or folder: ${root}`);
  const format = values.format as ReportFormat;
  if (!['table', 'json', 'sarif'].includes(format)) throw new UsageError(`unknown format '${format}': use table, json or sarif`);
  const exitCode = Number(values['exit-code']);
  if (!Number.isInteger(exitCode) || exitCode < 0 || exitCode > 255) throw new UsageError('--exit-code takes a number from 0 to 255');

  const quiet = values.quiet === true;
  const progress = progressPrinter(quiet);
  const scanners = parseScanners(values.scanners);
  const severities = parseSeverities(values.severity);
  const ignore = loadIgnorePolicy(ignoreFiles(root, values.ignorefile));
  if (!quiet) for (const warning of ignore.warnings) printMessage(warning);

  const scan = await analyzePath(root, {
    scanners,
    includeDevDeps: values['include-dev-deps'] === true,
    skipDirs: splitList(values['skip-dirs']),
    skipFiles: splitList(values['skip-files']),
    onProgress: (done, total) => progress(`analyzing files ${done}/${total}`),
  });
  for (const scanner of scanners) {
    if (scanner !== 'vuln') scan.notes.push(`the ${scanner} scanner is not available in this version yet`);
  }
  if (scanners.includes('vuln')) {
    const db = await ensureDb({
      cacheDir: cacheDirOption(values['cache-dir']),
      ecosystems: ecosystemsOf(scan),
      mirror: values['db-mirror'],
      offline: values.offline === true,
      skipUpdate: values['skip-db-update'] === true,
      quiet,
    });
    try {
      detectVulnerabilities(scan, db, { severities, ignoreUnfixed: values['ignore-unfixed'] === true, isIgnored: f => ignore.isIgnored(f) });
    } finally {
      db.close();
    }
  }
  endProgress(quiet);

  const color = !values.output && process.stdout.isTTY === true && !process.env.NO_COLOR;
  const report = writeReport(scan, format, { artifactName: root, listAllPkgs: values['list-all-pkgs'] === true, color });
  if (values.output) writeReportFile(values.output, report);
  else process.stdout.write(report);

  const found = scan.results.some(r => r.vulnerabilities.length > 0);
  return found ? exitCode : 0;
}

/**
 * Writes the report beside its destination and renames it into place, so a failed write (a full
 * disk) leaves no empty or half report, and an earlier report stays whole. A destination that
 * exists and is not a regular file (`/dev/stdout`, a pipe) is written directly.
 */
function writeReportFile(file: string, text: string) {
  const existing = fs.statSync(file, { throwIfNoEntry: false });
  if (existing && !existing.isFile()) {
    fs.writeFileSync(file, text);
    return;
  }
  const target = existing ? fs.realpathSync(file) : path.resolve(file);
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(temp, text);
    fs.renameSync(temp, target);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}
