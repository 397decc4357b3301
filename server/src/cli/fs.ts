// `vigil fs PATH`: scan a folder and write a report.
import fs from 'node:fs';
import path from 'node:path';
import { analyzePath, completeScan, countFindings, ecosystemsOf } from '../engine/scan';
import { availableScanners } from '../engine/analyzers';
import { SCANNERS, type Scanner, type ScanResult, type Rule } from '../engine/types';
import type { LicensePolicy } from '../engine/licenses/categories';
import { IGNORE_FILE_NAMES, loadIgnorePolicy, type IgnoreFileRef } from '../engine/ignore';
import {
  analyzersWithSecretScanner, describeProblem, findSecretConfig, loadSecretConfig, SECRET_CONFIG_FILE_NAMES, type LoadedSecretConfig,
} from '../engine/secrets/config';
import { analyzersWithCustomChecks, loadCustomChecks, type CompiledCustomChecks } from '../engine/custom-checks/checks';
import { loadVexPolicy } from '../engine/vex';
import { fixPreview } from './fix-preview';
import { isSbomFormat, REPORT_FORMATS, writeReport } from '../report';
import { ensureDb } from './db';
import { prepareOutput, writeOutput } from './output';
import {
  CACHE_DIR_OPTION, UsageError, cacheDirOption, endProgress, parse, parseRuleNames, parseRuleSeverityOptions, parseScanners,
  parseSeverities, printMessage, progressPrinter, splitList,
} from './options';

const FS_SYNOPSIS = 'Usage: vigil fs [options] PATH\n';
const FS_USAGE = `${FS_SYNOPSIS}Run \`vigil fs --help\` for the options.\n`;
const FS_HELP = () => `${FS_SYNOPSIS}
Scans a folder, or one lockfile, for vulnerable dependencies.

Options:
  --scanners LIST        ${SCANNERS.join(',')}   (default: vuln; available now: ${availableScanners().join(', ')})
  --severity LIST        report only these severities, e.g. HIGH,CRITICAL
  --ignore-unfixed       leave out vulnerabilities without a fixed version
  --disable-rule ID      switch off a misconfiguration check, secret or license rule, by ID or any
                         of Trivy's names for it (repeatable, comma-separated), e.g. DS-0002
  --rule-severity ID=SEVERITY
                         report a rule's findings at this severity (repeatable), e.g. DS-0026=HIGH;
                         applied before --severity
  --include-dev-deps     report development dependencies too (npm)
  --format FORMAT        ${REPORT_FORMATS.join(' | ')}  (default: table)
                         cyclonedx (CycloneDX 1.6) and spdx-json (SPDX 2.3) are SBOMs: they list the
                         packages and need no DB, unless --scanners vuln is given (CycloneDX then
                         lists the vulnerabilities too)
  --output FILE          write the report to FILE instead of stdout (its folder is made if missing)
  --list-all-pkgs        list every package in the JSON report, vulnerable or not
  --vex FILE             OpenVEX or CycloneDX VEX document: leave out the vulnerabilities it marks
                         not_affected or fixed (repeatable)
  --show-suppressed      list what VEX documents and ignore files left out, and why (table, json)
  --vuln-severity-source LIST
                         whose rating a vulnerability's severity is, first that rates it wins:
                         ubuntu, nvd, ghsa, ... (the rating record's ID prefix) or auto, Vigil's
                         own choice, which is also kept where no listed source rates it
  --exit-code N          exit with N when anything is reported    (default: 0)
  --fix                  preview: print the mechanical fixes of the reported findings (misconfig-
                         urations) as a unified diff per file, in place of the report; nothing is
                         written (apply it with \`patch -p1\` or \`git apply\` in PATH)
  --skip-errors          exit 0 (or N) even when a file could not be read or parsed;
                         without it, such a file makes the run exit 1
  --ignorefile FILE      IDs to ignore (.trivyignore syntax, exp: dates; or .trivyignore.yaml)
                         (default: .trivyignore, .vigilignore and their .yaml forms in the folder scanned and here)
  --skip-dirs GLOB       folders to leave out (repeatable, comma-separated)
  --skip-files GLOB      files to leave out (repeatable, comma-separated)
  --license-full         license scanner: also classify LICENSE/COPYING/NOTICE files and source
                         file headers by their text
  --license-forbidden LIST   license IDs to report as forbidden (CRITICAL), e.g. AGPL-3.0,SSPL-1.0
  --license-allowed LIST     license IDs to accept: reported as permissive (LOW)
  --license-override PKG=LICENSE|CATEGORY
                         the license (an SPDX expression) or category of one package (repeatable)
  --secret-config FILE   custom secret rules (Trivy's trivy-secret.yaml format)
                         (default: ${SECRET_CONFIG_FILE_NAMES.join(' or ')} here, else in the folder scanned)
  --config-check FILE    misconfig scanner: custom checks of yours, in Vigil's YAML format (README,
                         "Custom checks"), run beside the built-in ones (repeatable)
  --skip-dirs GLOB       folders to leave out (repeatable, comma-separated)
  --skip-files GLOB      files to leave out (repeatable, comma-separated)
  --cache-dir DIR        where the DB lives        (default: $VIGIL_CACHE_DIR or ~/.cache/vigil)
  --db-mirror URL        OSV mirror for DB updates (default: OSV's public bucket)
  --skip-db-update       use the DB as it is
  --offline              no network at all (implies --skip-db-update)
  --quiet                no progress output
  -h, --help             this help
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

/**
 * The secret config named by --secret-config, or else the first one found by its name here or in
 * the scanned folder, as Trivy reads `trivy-secret.yaml` from the current folder. A found file is
 * written by whoever wrote the repository: read only inside its folder, and a problem reading it
 * is a warning, with the built-in rules used instead.
 */
export function secretConfigFor(root: string, named: string | undefined, quiet: boolean): LoadedSecretConfig | undefined {
  if (named !== undefined) {
    if (!fs.existsSync(named)) throw new UsageError(`secret config not found: ${named}`);
    return loadSecretConfig(named);
  }
  const { found, warnings } = findSecretConfig([process.cwd(), root]);
  if (!quiet) for (const warning of warnings) printMessage(warning);
  if (!found) return undefined;
  try {
    const loaded = loadSecretConfig(found);
    if (!quiet) printMessage(`secret rules from ${found.file}, found by its name`);
    return loaded;
  } catch (error) {
    if (!quiet) printMessage((error as Error).message);
    return undefined;
  }
}

/** The custom checks of --config-check, or undefined for none; a file that is missing is a usage mistake. */
export function customChecksFor(files: readonly string[]): CompiledCustomChecks | undefined {
  if (files.length === 0) return undefined;
  for (const file of files) if (!fs.existsSync(file)) throw new UsageError(`custom check file not found: ${file}`);
  return loadCustomChecks(files);
}

/** The options of every command that detects vulnerabilities and writes a report (fs, sbom). */
export const REPORT_OPTIONS = {
  scanners: { type: 'string', multiple: true },
  severity: { type: 'string', short: 's', multiple: true },
  'ignore-unfixed': { type: 'boolean' },
  'disable-rule': { type: 'string', multiple: true },
  'rule-severity': { type: 'string', multiple: true },
  format: { type: 'string', short: 'f', default: 'table' },
  output: { type: 'string', short: 'o' },
  'list-all-pkgs': { type: 'boolean' },
  'exit-code': { type: 'string', default: '0' },
  'skip-errors': { type: 'boolean' },
  ignorefile: { type: 'string' },
  vex: { type: 'string', multiple: true },
  'vuln-severity-source': { type: 'string' },
  'show-suppressed': { type: 'boolean' },
  ...CACHE_DIR_OPTION,
  'db-mirror': { type: 'string' },
  'skip-db-update': { type: 'boolean' },
  offline: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
} as const;

type ReportValues = { [K in keyof typeof REPORT_OPTIONS]?: (typeof REPORT_OPTIONS)[K] extends { type: 'boolean' } ? boolean
  : (typeof REPORT_OPTIONS)[K] extends { multiple: true } ? string[] : string };

/** What a report command checked before any work: the format, the exit code, the output file. */
export function checkReportOptions(values: ReportValues): { format: string; exitCode: number } {
  const format = values.format ?? 'table';
  if (!REPORT_FORMATS.includes(format)) throw new UsageError(`unknown format '${format}': use ${REPORT_FORMATS.join(', ')}`);
  const exitCode = Number(values['exit-code'] ?? '0');
  if (!Number.isInteger(exitCode) || exitCode < 0 || exitCode > 255) throw new UsageError('--exit-code takes a number from 0 to 255');
  for (const file of values.vex ?? []) if (!fs.existsSync(file)) throw new UsageError(`VEX document not found: ${file}`);
  if (values.output) prepareOutput(values.output);
  return { format, exitCode };
}

/**
 * The scanners a report command runs. An SBOM format lists packages (the vuln scanner's
 * analyzers) and looks for vulnerabilities only when --scanners names vuln, as in Trivy.
 */
export function reportScanners(values: ReportValues, format: string): { scanners: Scanner[]; detect: boolean } {
  const scanners = parseScanners(values.scanners);
  if (!isSbomFormat(format)) return { scanners, detect: scanners.includes('vuln') };
  const detect = values.scanners?.length ? scanners.includes('vuln') : false;
  return { scanners: scanners.includes('vuln') ? scanners : [...scanners, 'vuln'], detect };
}

/**
 * Detects (with the DB, when asked), filters (severity, ignore files, VEX) and writes the report of
 * an analyzed scan; returns the exit code.
 */
export async function detectAndReport(scan: ScanResult, values: ReportValues, options: {
  root: string; artifactName: string; artifactType?: string; format: string; exitCode: number; scanners: Scanner[]; detect: boolean;
  /** Rules beyond the built-in tables that --disable-rule and --rule-severity may name (a secret config's, custom checks'). */
  extraRules?: readonly Rule[];
  licensePolicy?: LicensePolicy;
  /** --fix: print the findings' fixes as a diff in place of the report. */
  fixPreview?: boolean;
}): Promise<number> {
  const quiet = values.quiet === true;
  const severities = parseSeverities(values.severity);
  const ignore = loadIgnorePolicy(ignoreFiles(options.root, values.ignorefile));
  if (!quiet) for (const warning of ignore.warnings) printMessage(warning);
  const vex = values.vex?.length ? loadVexPolicy(values.vex) : undefined;
  const filters = {
    scanners: options.scanners, severities, ignoreUnfixed: values['ignore-unfixed'] === true, ignore, vex, licensePolicy: options.licensePolicy,
    severitySources: parseSeveritySources(values['vuln-severity-source']),
    disabledRules: parseRuleNames(values['disable-rule'], options.extraRules),
    ruleSeverities: parseRuleSeverityOptions(values['rule-severity'], options.extraRules),
  };
  if (options.detect) {
    const db = await ensureDb({
      cacheDir: cacheDirOption(values['cache-dir']),
      ecosystems: ecosystemsOf(scan),
      mirror: values['db-mirror'],
      offline: values.offline === true,
      skipUpdate: values['skip-db-update'] === true,
      quiet,
    });
    try {
      const covered = db.ecosystems();
      for (const ecosystem of ecosystemsOf(scan)) {
        if (!covered.includes(ecosystem)) {
          scan.notes.push(`no ${ecosystem} advisories in the DB, so ${ecosystem} packages were not checked: run \`vigil db update --ecosystems ${ecosystem}\``);
        }
      }
      completeScan(scan, { ...filters, db });
    } finally {
      db.close();
    }
  } else {
    completeScan(scan, filters);
  }
  endProgress(quiet);

  if (options.fixPreview) {
    const preview = await fixPreview(scan, options.root);
    if (preview.fixes === 0 && !quiet) printMessage('no mechanical fix for the reported findings');
    if (values.output) writeOutput(values.output, preview.text);
    else process.stdout.write(preview.text);
    if (scan.errors.length > 0 && values['skip-errors'] !== true) return 1;
    return countFindings(scan) > 0 ? options.exitCode : 0;
  }
  const color = !values.output && process.stdout.isTTY === true && !process.env.NO_COLOR;
  const report = writeReport(scan, options.format, {
    artifactName: options.artifactName, artifactType: options.artifactType, listAllPkgs: values['list-all-pkgs'] === true, color, showSuppressed: values['show-suppressed'] === true,
  });
  if (values.output) writeOutput(values.output, report);
  else process.stdout.write(report);

  // A gate must not pass on a lockfile it could not read.
  if (scan.errors.length > 0 && values['skip-errors'] !== true) return 1;
  return countFindings(scan) > 0 ? options.exitCode : 0;
}

export async function runFsCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    ...REPORT_OPTIONS,
    'include-dev-deps': { type: 'boolean' },
    'skip-dirs': { type: 'string', multiple: true },
    'skip-files': { type: 'string', multiple: true },
    'secret-config': { type: 'string' },
    'config-check': { type: 'string', multiple: true },
    fix: { type: 'boolean' },
    'license-full': { type: 'boolean' },
    'license-forbidden': { type: 'string', multiple: true },
    'license-allowed': { type: 'string', multiple: true },
    'license-override': { type: 'string', multiple: true },
  }, FS_USAGE);
  if (values.help) {
    process.stdout.write(FS_HELP());
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`vigil fs takes exactly one PATH, got ${positionals.length}`, FS_USAGE);
  const root = positionals[0];
  if (!fs.existsSync(root)) throw new UsageError(`no such file or folder: ${root}`);
  const { format, exitCode } = checkReportOptions(values);
  if (values.fix && format !== 'table') throw new UsageError('--fix prints a diff in place of the report: leave out --format', FS_USAGE);
  const { scanners, detect } = reportScanners(values, format);
  const quiet = values.quiet === true;
  const progress = progressPrinter(quiet);
  const secretConfig = scanners.includes('secret') ? secretConfigFor(root, values['secret-config'], quiet) : undefined;
  if (secretConfig && !quiet) for (const warning of secretConfig.warnings) printMessage(describeProblem(secretConfig.file, warning));
  const customChecks = scanners.includes('misconfig') ? customChecksFor(values['config-check'] ?? []) : undefined;
  const extraRules = [...secretConfig?.scanner.ruleTable() ?? [], ...customChecks?.rules ?? []];
  // Usage mistakes before the scan: custom rule IDs are rule names too.
  parseRuleNames(values['disable-rule'], extraRules);
  parseRuleSeverityOptions(values['rule-severity'], extraRules);
  const licensePolicy = parseLicensePolicy(values['license-forbidden'], values['license-allowed'], values['license-override']);
  let analyzers = secretConfig ? analyzersWithSecretScanner(secretConfig.scanner) : undefined;
  if (customChecks) analyzers = analyzersWithCustomChecks(customChecks, analyzers);
  const scan = await analyzePath(root, {
    scanners,
    licenseFull: values['license-full'] === true,
    ...analyzers ? { analyzers } : {},
    includeDevDeps: values['include-dev-deps'] === true,
    skipDirs: splitList(values['skip-dirs']),
    skipFiles: splitList(values['skip-files']),
    onProgress: (done, total) => progress(`analyzing files ${done}/${total}`),
  });
  // A rule the config could not use is an error of the scan: the gate does not check what was asked.
  for (const error of secretConfig?.errors ?? []) {
    scan.errors.push({ file: secretConfig!.file, message: `${error.line ? `line ${error.line}: ` : ''}${error.message}` });
  }
  return detectAndReport(scan, values, { root, artifactName: root, format, exitCode, scanners, detect, extraRules, licensePolicy, fixPreview: values.fix === true });
}

const CONFIG_SYNOPSIS = 'Usage: vigil config [options] PATH\n';
const CONFIG_HELP = `${CONFIG_SYNOPSIS}
Checks the Dockerfiles, Kubernetes manifests and Terraform files in a folder (or one file) for
misconfigurations, as \`trivy config\` does. It is \`vigil fs --scanners misconfig PATH\`, and takes the options of \`vigil fs --help\`
but --scanners. No vulnerability DB is needed.
`;

/** `vigil config PATH`: the misconfiguration scanner alone, as Trivy's `trivy config`. */
export function runConfigCommand(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(CONFIG_HELP);
    return Promise.resolve(0);
  }
  if (args.some(arg => arg === '--scanners' || arg.startsWith('--scanners='))) {
    throw new UsageError("vigil config runs the misconfig scanner only: use 'vigil fs --scanners LIST' to choose scanners", `${CONFIG_SYNOPSIS}Run \`vigil config --help\` for the options.\n`);
  }
  return runFsCommand(['--scanners', 'misconfig', ...args]);
}

/** The license policy the options give, or undefined when they give none. */
export function parseLicensePolicy(forbidden?: string[], allowed?: string[], overrides?: string[]): LicensePolicy | undefined {
  const policy: LicensePolicy = {
    forbidden: splitList(forbidden),
    allowed: splitList(allowed),
    overrides: Object.fromEntries((overrides ?? []).map(entry => {
      // The package name may itself hold `=`-free scopes (`@scope/name`); the value follows the last `=`.
      const at = entry.lastIndexOf('=');
      if (at <= 0 || at === entry.length - 1) throw new UsageError(`--license-override takes PACKAGE=LICENSE or PACKAGE=CATEGORY, got '${entry}'`);
      return [entry.slice(0, at).trim(), entry.slice(at + 1).trim()];
    })),
  };
  const empty = !policy.forbidden!.length && !policy.allowed!.length && !Object.keys(policy.overrides!).length;
  return empty ? undefined : policy;
}

/** `--vuln-severity-source ubuntu,nvd`: lower-cased source names, as Trivy spells them. */
function parseSeveritySources(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const sources = value.split(',').map(source => source.trim().toLowerCase()).filter(Boolean);
  if (sources.length === 0 || sources.some(source => !/^[a-z0-9-]+$/.test(source))) {
    throw new UsageError('--vuln-severity-source takes source names separated by commas, e.g. ubuntu,nvd or auto');
  }
  return sources;
}
