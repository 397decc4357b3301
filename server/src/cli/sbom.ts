// `vigil sbom FILE`: read a CycloneDX or SPDX SBOM (any tool's) and check its packages for
// vulnerabilities, as `trivy sbom` does. Detection, filters and reports are those of `vigil fs`.
import fs from 'node:fs';
import { readSbomFile } from '../engine/sbom/read';
import { REPORT_FORMATS } from '../report';
import { checkReportOptions, detectAndReport, REPORT_OPTIONS } from './fs';
import { parse, parseScanners, UsageError } from './options';

const SBOM_SYNOPSIS = 'Usage: vigil sbom [options] FILE\n';
const SBOM_USAGE = `${SBOM_SYNOPSIS}Run \`vigil sbom --help\` for the options.\n`;
const SBOM_HELP = () => `${SBOM_SYNOPSIS}
Reads an SBOM (CycloneDX JSON, SPDX JSON or tag-value, or an in-toto attestation of one) written
by Vigil, Trivy or another tool, and checks the packages it lists (by their purls) for
vulnerabilities, as \`trivy sbom\` does.

Options:
  --severity LIST        report only these severities, e.g. HIGH,CRITICAL
  --ignore-unfixed       leave out vulnerabilities without a fixed version
  --format FORMAT        ${REPORT_FORMATS.join(' | ')}  (default: table)
  --output FILE          write the report to FILE instead of stdout
  --list-all-pkgs        list every package in the JSON report, vulnerable or not
  --vex FILE             OpenVEX or CycloneDX VEX document: leave out the vulnerabilities it marks
                         not_affected or fixed (repeatable)
  --show-suppressed      list what VEX documents and ignore files left out, and why (table, json)
  --exit-code N          exit with N when anything is reported    (default: 0)
  --ignorefile FILE      IDs to ignore (.trivyignore syntax; default: the ignore files here)
  --cache-dir DIR        where the DB lives        (default: $VIGIL_CACHE_DIR or ~/.cache/vigil)
  --db-mirror URL        OSV mirror for DB updates
  --skip-db-update       use the DB as it is
  --offline              no network at all (implies --skip-db-update)
  --quiet                no progress output
  -h, --help             this help
`;

export async function runSbomCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, REPORT_OPTIONS, SBOM_USAGE);
  if (values.help) {
    process.stdout.write(SBOM_HELP());
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`vigil sbom takes exactly one FILE, got ${positionals.length}`, SBOM_USAGE);
  const file = positionals[0];
  if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile()) throw new UsageError(`no such file: ${file}`);
  if (values.scanners?.length && parseScanners(values.scanners).some(scanner => scanner !== 'vuln')) {
    throw new UsageError('vigil sbom checks packages for vulnerabilities only: --scanners vuln', SBOM_USAGE);
  }
  const { format, exitCode } = checkReportOptions(values);
  const scan = readSbomFile(file);
  // The ignore files are those of the folder Vigil runs in: the SBOM's own folder is not a project.
  return detectAndReport(scan, values, { root: '.', artifactName: file, artifactType: scan.sbomFormat, format, exitCode, scanners: ['vuln'], detect: true });
}
