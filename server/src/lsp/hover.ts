// Hover text for the advisories under the cursor. Pure: takes the entries the views computed.
import type { Hover, Position, Range } from 'vscode-languageserver';
import { severityRank, type DetectedVulnerability, type Finding } from '../engine/types';
import { severityLabel, type HoverEntry } from './diagnostics';
import { compareUrgency } from '../engine/detect';

export function contains(range: Range, position: Position): boolean {
  const afterStart = position.line > range.start.line || (position.line === range.start.line && position.character >= range.start.character);
  const beforeEnd = position.line < range.end.line || (position.line === range.end.line && position.character <= range.end.character);
  return afterStart && beforeEnd;
}

/** The hover at a position, or null when no finding covers it. */
export function hoverAt(entries: readonly HoverEntry[], position: Position): Hover | null {
  const matching = entries.filter(e => contains(e.range, position));
  if (matching.length === 0) return null;
  const vulnerabilities = matching.flatMap(e => e.vulnerabilities)
    .sort((a, b) => compareUrgency(a, b) || a.vulnerabilityId.localeCompare(b.vulnerabilityId));
  const paths = Object.assign({}, ...matching.map(e => e.paths)) as Record<string, string[]>;
  const members = Object.assign({}, ...matching.map(e => e.members ?? {})) as Record<string, string[]>;
  const findings = matching.flatMap(e => e.findings ?? [])
    .sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.rule.id.localeCompare(b.rule.id));
  const sections = [...vulnerabilities.map(v => advisoryMarkdown(v, paths[v.pkgId], members[v.pkgId])), ...findings.map(findingMarkdown)];
  // Several advisories: one line each first, so the hover answers "what is here" without scrolling.
  if (sections.length > 1) sections.unshift([...vulnerabilities.map(advisoryLine), ...findings.map(findingLine)].join('\n'));
  return { contents: { kind: 'markdown', value: sections.join('\n\n---\n\n') }, range: matching[0].range };
}

/** The longest title a summary line shows; longer ones are cut at a word boundary. */
const SUMMARY_TITLE_LENGTH = 60;

function shortTitle(title: string): string {
  if (title.length <= SUMMARY_TITLE_LENGTH) return title;
  const space = title.lastIndexOf(' ', SUMMARY_TITLE_LENGTH - 1);
  return `${title.slice(0, space > 0 ? space : SUMMARY_TITLE_LENGTH - 1)}…`;
}

/** One summary line of an advisory: ID, severity, package, fix, short title. */
export function advisoryLine(vuln: DetectedVulnerability): string {
  const fix = vuln.fixedVersions.length > 0 ? `fixed in \`${vuln.fixedVersions[0]}\`` : 'no fix yet';
  const title = vuln.title ? ` · ${escapeMarkdown(shortTitle(vuln.title))}` : '';
  return `- **${vuln.vulnerabilityId}** · ${severityLabel(vuln.severity)} · \`${vuln.pkgName}@${vuln.installedVersion}\` · ${fix}${title}`;
}

function findingLine(finding: Finding): string {
  return `- **${finding.rule.id}** · ${severityLabel(finding.severity)} · ${escapeMarkdown(shortTitle(finding.rule.title))}`;
}

/** The severity as the heading shows it: where it came from when the advisory had none of its own. */
function severityText(vuln: DetectedVulnerability): string {
  return vuln.severityFrom ? `${vuln.severity} (from ${vuln.severityFrom})` : severityLabel(vuln.severity);
}

/** `members`: the workspace projects (folders, `''` the root) that pull the package in, where the lockfile has several. */
export function advisoryMarkdown(vuln: DetectedVulnerability, path?: string[], members?: string[]): string {
  const lines: string[] = [];
  const heading = vuln.primaryUrl ? `[${vuln.vulnerabilityId}](${vuln.primaryUrl})` : vuln.vulnerabilityId;
  lines.push(`**${heading}** · ${severityText(vuln)}${vuln.title ? ` · ${escapeMarkdown(vuln.title)}` : ''}`);
  lines.push('');
  if (vuln.severityFrom) lines.push(`- Severity: this advisory gives none; ${vuln.severityFrom}, a record of the same CVE, gives ${vuln.severity}`);
  else if (vuln.severity === 'UNKNOWN') lines.push('- Severity: unknown, no record of this advisory or its CVE scores it; read the description');
  lines.push(`- Package: \`${vuln.pkgName}@${vuln.installedVersion}\`${vuln.direct ? ' (direct)' : ''}${vuln.dev ? ' (dev)' : ''}`);
  lines.push(`- Fixed versions: ${vuln.fixedVersions.length > 0 ? vuln.fixedVersions.map(v => `\`${v}\``).join(', ') : 'none yet'}`);
  for (const [source, score] of Object.entries(vuln.cvss ?? {})) {
    const parts = [
      score.V3Score !== undefined ? `${score.V3Score} \`${score.V3Vector ?? ''}\`` : '',
      score.V40Score !== undefined ? `${score.V40Score} \`${score.V40Vector ?? ''}\`` : '',
    ].filter(Boolean);
    if (parts.length > 0) lines.push(`- CVSS (${source}): ${parts.join(' · ')}`);
  }
  if (path && path.length > 1) lines.push(`- Dependency path: ${path.map(p => `\`${p}\``).join(' → ')}`);
  if (members && members.length > 0) lines.push(`- Pulled in by: ${members.map(m => (m === '' ? 'the root project' : escapeMarkdown(m))).join(', ')}`);
  if (vuln.aliases.length > 0) lines.push(`- Also known as: ${vuln.aliases.join(', ')}`);
  const dates = [vuln.publishedDate && `published ${vuln.publishedDate.slice(0, 10)}`, vuln.lastModifiedDate && `modified ${vuln.lastModifiedDate.slice(0, 10)}`].filter(Boolean);
  if (dates.length > 0) lines.push(`- ${dates.join(', ')}`);
  const references = vuln.references.slice(0, 5);
  if (references.length > 0) {
    lines.push('- References:');
    for (const url of references) lines.push(`  - <${url}>`);
    if (vuln.references.length > references.length) lines.push(`  - … ${vuln.references.length - references.length} more`);
  }
  return lines.join('\n');
}

const KIND_LABELS: Record<Finding['kind'], string> = { misconfiguration: 'Misconfiguration', secret: 'Secret', license: 'License' };

/** A misconfiguration, secret or license: title, severity, what is wrong, references. */
export function findingMarkdown(finding: Finding): string {
  const { rule } = finding;
  const heading = rule.url ? `[${rule.id}](${rule.url})` : rule.id;
  const lines = [`**${heading}** · ${severityLabel(finding.severity)} · ${escapeMarkdown(rule.title)}`, '', `${KIND_LABELS[finding.kind]}: ${escapeMarkdown(finding.message)}`];
  if (rule.remediation) lines.push('', `How to fix: ${escapeMarkdown(rule.remediation)}`);
  if (finding.fix) lines.push('', `Fix available: ${escapeMarkdown(finding.fix.title)}`);
  return lines.join('\n');
}

function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>])/g, '\\$1');
}
