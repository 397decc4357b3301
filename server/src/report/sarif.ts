// SARIF 2.1.0 in the shape of Trivy's `--format sarif`: one rule per vulnerability ID under
// tool.driver.rules, one result per vulnerable package, with Trivy's message texts, levels and
// `security-severity` so GitHub code scanning ranks Vigil's alerts as it ranks Trivy's.
// Unlike Trivy, results point at the dependency's own line and columns in the manifest.
// File errors and notes go to invocations[0].toolExecutionNotifications.
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { CvssScore, DetectedVulnerability, FileResult, Finding, ScanResult, Severity } from '../engine/types';
import { sortFindings } from '../engine/detect';
import { dataSource } from './trivy-json';
import type { ReportWriter } from '.';

export interface SarifOptions {
  /** The scanned path as the user gave it; relative paths resolve against the current directory. */
  artifactName: string;
  toolVersion?: string;
}

type Json = Record<string, unknown>;

const SCHEMA_URI = 'https://raw.githubusercontent.com/oasis-tcs/sarif-spec/main/sarif-2.1/schema/sarif-schema-2.1.0.json';

/** Trivy's mapping of severity to SARIF level. */
export function sarifLevel(severity: Severity): 'error' | 'warning' | 'note' {
  if (severity === 'CRITICAL' || severity === 'HIGH') return 'error';
  if (severity === 'MEDIUM') return 'warning';
  return 'note';
}

/** GitHub's `security-severity` when no CVSS score is known, as Trivy writes it. */
const DEFAULT_SECURITY_SEVERITY: Record<Severity, string> = {
  CRITICAL: '9.5',
  HIGH: '8.0',
  MEDIUM: '5.5',
  LOW: '2.0',
  UNKNOWN: '0.0',
};

export function toSarif(scan: ScanResult, options: SarifOptions): Json {
  const rules: Json[] = [];
  const ruleIndex = new Map<string, number>();
  const results: Json[] = [];

  /** The index of a rule, added or replaced: later findings of the same ID overwrite its text, as in Trivy's output. */
  const indexOf = (id: string, rule: Json): number => {
    let index = ruleIndex.get(id);
    if (index === undefined) {
      index = rules.length;
      ruleIndex.set(id, index);
      rules.push(rule);
    } else {
      rules[index] = rule;
    }
    return index;
  };
  for (const fileResult of [...scan.results].sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0))) {
    for (const vuln of sortFindings(fileResult.vulnerabilities)) {
      results.push(resultFor(vuln, fileResult, indexOf(vuln.vulnerabilityId, ruleFor(vuln, fileResult))));
    }
    for (const finding of [...fileResult.misconfigurations, ...fileResult.secrets, ...fileResult.licenses]) {
      results.push(findingResult(finding, fileResult, indexOf(finding.rule.id, findingRule(finding))));
    }
  }

  const run: Json = {
    tool: {
      driver: {
        fullName: 'Vigil Vulnerability Scanner',
        name: 'Vigil',
        rules,
        ...(options.toolVersion ? { version: options.toolVersion } : {}),
      },
    },
    results,
    columnKind: 'utf16CodeUnits',
    originalUriBaseIds: { ROOTPATH: { uri: rootUri(options.artifactName) } },
  };
  const notifications = [
    ...scan.errors.map((e) => ({
      level: 'error',
      message: { text: `${e.file}: ${e.message}` },
      locations: [{ physicalLocation: { artifactLocation: { uri: encodeUri(e.file), uriBaseId: 'ROOTPATH' } } }],
    })),
    ...scan.notes.map((note) => ({ level: 'note', message: { text: note } })),
  ];
  if (notifications.length > 0) {
    run.invocations = [{ executionSuccessful: true, toolExecutionNotifications: notifications }];
  }
  return { version: '2.1.0', $schema: SCHEMA_URI, runs: [run] };
}

export function formatSarif(scan: ScanResult, options: SarifOptions): string {
  return JSON.stringify(toSarif(scan, options), null, 2) + '\n';
}

export const sarifWriter: ReportWriter = {
  format: 'sarif',
  write: (scan, options) => formatSarif(scan, options),
};

const FINDING_RULE_NAMES: Record<Finding['kind'], string> = { misconfiguration: 'Misconfiguration', secret: 'Secret', license: 'License' };

/** A misconfiguration, secret or license rule, with Trivy's rule names and help layout. */
function findingRule(finding: Finding): Json {
  const { rule } = finding;
  const link = rule.url ? `[${rule.id}](${rule.url})` : rule.id;
  const description = rule.remediation ? `${rule.title}. ${rule.remediation}` : rule.title;
  return {
    id: rule.id,
    name: FINDING_RULE_NAMES[finding.kind],
    shortDescription: { text: rule.title },
    fullDescription: { text: description },
    defaultConfiguration: { level: sarifLevel(rule.severity) },
    ...(rule.url && isAbsoluteUri(rule.url) ? { helpUri: rule.url } : {}),
    help: {
      text: `${FINDING_RULE_NAMES[finding.kind]} ${rule.id}\nType: ${finding.kind}\nSeverity: ${rule.severity}\nLink: ${link}\n${description}`,
      markdown: `**${FINDING_RULE_NAMES[finding.kind]} ${rule.id}**\n| Type | Severity | Link |\n| --- | --- | --- |\n|${finding.kind}|${rule.severity}|${link}|\n\n${description}`,
    },
    properties: {
      precision: 'very-high',
      'security-severity': DEFAULT_SECURITY_SEVERITY[rule.severity],
      tags: [finding.kind, 'security', rule.severity],
    },
  };
}

function findingResult(finding: Finding, fileResult: FileResult, ruleIndex: number): Json {
  const loc = finding.location;
  const target = fileTarget(fileResult.target);
  return {
    ruleId: finding.rule.id,
    ruleIndex,
    level: sarifLevel(finding.severity),
    message: { text: `Artifact: ${target}\nType: ${fileResult.type}\n${FINDING_RULE_NAMES[finding.kind]} ${finding.rule.id}\nSeverity: ${finding.severity}\nMessage: ${finding.message}` },
    locations: [{
      physicalLocation: {
        artifactLocation: { uri: encodeUri(loc.file || target), uriBaseId: 'ROOTPATH' },
        region: { startLine: loc.startLine, startColumn: loc.startColumn, endLine: loc.endLine, endColumn: loc.endColumn },
      },
      message: { text: `${target}: ${finding.rule.id}` },
    }],
  };
}

function ruleFor(vuln: DetectedVulnerability, fileResult: FileResult): Json {
  const fixed = vuln.fixedVersions.join(', ');
  const link = `[${vuln.vulnerabilityId}](${vuln.primaryUrl})`;
  const helpText = [
    `Vulnerability ${vuln.vulnerabilityId}`,
    `Severity: ${vuln.severity}`,
    `Package: ${vuln.pkgName}`,
    `Fixed Version: ${fixed}`,
    `Link: ${link}`,
    vuln.description,
  ].join('\n');
  const helpMarkdown =
    `**Vulnerability ${vuln.vulnerabilityId}**\n` +
    '| Severity | Package | Fixed Version | Link |\n| --- | --- | --- | --- |\n' +
    `|${vuln.severity}|${vuln.pkgName}|${fixed}|${link}|\n\n${vuln.description}`;
  const score = chosenCvss(vuln);
  const properties: Json = {};
  // Trivy's property bag is a Go map, so its keys come out sorted.
  if (score?.V2Score !== undefined) properties.cvssv2_score = score.V2Score;
  if (score?.V2Vector) properties.cvssv2_vector = score.V2Vector;
  if (score?.V3Score !== undefined) properties.cvssv3_baseScore = score.V3Score;
  if (score?.V3Vector) properties.cvssv3_vector = score.V3Vector;
  if (score?.V40Score !== undefined) properties.cvssv40_baseScore = score.V40Score;
  if (score?.V40Vector) properties.cvssv40_vector = score.V40Vector;
  properties.precision = 'very-high';
  properties['security-severity'] = securitySeverity(vuln.severity, score);
  properties.tags = ['vulnerability', 'security', vuln.severity];
  return {
    id: vuln.vulnerabilityId,
    name: fileResult.class === 'os-pkgs' ? 'OsPackageVulnerability' : 'LanguageSpecificPackageVulnerability',
    shortDescription: { text: vuln.title || vuln.vulnerabilityId },
    fullDescription: { text: vuln.description || vuln.title || vuln.vulnerabilityId },
    defaultConfiguration: { level: sarifLevel(vuln.severity) },
    ...(isAbsoluteUri(vuln.primaryUrl) ? { helpUri: vuln.primaryUrl } : {}),
    help: { text: helpText, markdown: helpMarkdown },
    properties,
  };
}

function resultFor(vuln: DetectedVulnerability, fileResult: FileResult, ruleIndex: number): Json {
  const fixed = vuln.fixedVersions.join(', ');
  const target = fileTarget(fileResult.target);
  const loc = vuln.location;
  // Trivy points at line 1 when it has no location; Vigil has the dependency's own span.
  const region = loc
    ? { startLine: loc.startLine, startColumn: loc.startColumn, endLine: loc.endLine, endColumn: loc.endColumn }
    : { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 };
  return {
    ruleId: vuln.vulnerabilityId,
    ruleIndex,
    level: sarifLevel(vuln.severity),
    message: {
      text: [
        `Package: ${vuln.pkgName}`,
        `Installed Version: ${vuln.installedVersion}`,
        `Vulnerability ${vuln.vulnerabilityId}`,
        `Severity: ${vuln.severity}`,
        `Fixed Version: ${fixed}`,
        `Link: [${vuln.vulnerabilityId}](${vuln.primaryUrl})`,
      ].join('\n'),
    },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: encodeUri(loc?.file ?? target), uriBaseId: 'ROOTPATH' },
          region,
        },
        message: { text: `${target}: ${vuln.pkgName}@${vuln.installedVersion}` },
      },
    ],
    ...(vuln.aliases.length > 0 ? { properties: { aliases: vuln.aliases } } : {}),
  };
}

/** The CVSS entry of the advisory's own source, else NVD's, else any. */
function chosenCvss(vuln: DetectedVulnerability): (CvssScore & { V2Score?: number; V2Vector?: string }) | undefined {
  const sourceId = dataSource(vuln.dataSourceId, vuln.purl).ID;
  const keys = Object.keys(vuln.cvss).sort();
  const key = [sourceId, 'nvd', ...keys].find((k) => vuln.cvss[k] !== undefined);
  return key === undefined ? undefined : vuln.cvss[key];
}

function securitySeverity(severity: Severity, score: CvssScore | undefined): string {
  const value = score?.V3Score ?? score?.V40Score;
  return value !== undefined && value > 0 ? value.toFixed(1) : DEFAULT_SECURITY_SEVERITY[severity];
}

/** OS results are named `image (alpine 3.10.2)`; the file part is what SARIF can point at. */
function fileTarget(target: string): string {
  return target.replace(/ \([^)]*\)$/, '');
}

function encodeUri(relativePath: string): string {
  return relativePath.split('/').map(encodeURIComponent).join('/');
}

function rootUri(artifactName: string): string {
  const href = pathToFileURL(path.resolve(artifactName)).href;
  return href.endsWith('/') ? href : `${href}/`;
}

function isAbsoluteUri(uri: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(uri);
}
