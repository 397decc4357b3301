// The report view's HTML: a summary by severity, then findings, then packages. Pure, so the image
// scan can reuse it with its own ReportModel and tests can check it without VS Code.
import { OpenLocationCommand, SEVERITY_LABELS, type OpenLocationArgs, type ReportModel } from '../../server/src/lsp/protocol';
import { SEVERITY_ORDER } from './findingsModel';

type ReportFinding = ReportModel['findings'][number];

function escape(text: string | number | undefined): string {
  return String(text ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * A `command:` link that opens the file at a location (the webview allows this one command and no
 * script). Its arguments are JSON in the query, percent-encoded, so no quote reaches the attribute.
 */
export function openLocationHref(args: OpenLocationArgs): string {
  return `command:${OpenLocationCommand}?${encodeURIComponent(JSON.stringify([args]))}`;
}

/** The finding's places as `file:line` links, one per copy; plain text where the file has no URI. */
function locationCell(f: ReportFinding): string {
  const locations = f.locations?.length ? f.locations : [{ line: f.line, column: 1 }];
  return locations.map(({ line, column }) => {
    const text = `${escape(f.file)}:${escape(line)}`;
    return f.uri ? `<a href="${escape(openLocationHref({ uri: f.uri, line, column }))}" title="Open ${escape(f.file)} at line ${escape(line)}">${text}</a>` : text;
  }).join('<br>');
}

export function renderReportHtml(report: ReportModel, nonce: string): string {
  const summary = SEVERITY_ORDER.map(s => `<div class="sev ${s.toLowerCase()}"><span class="n">${report.bySeverity[s] ?? 0}</span> ${SEVERITY_LABELS[s]}</div>`).join('');
  const findings = report.findings.map(f => `<tr class="${f.severity.toLowerCase()}">
      <td>${escape(SEVERITY_LABELS[f.severity])}</td>
      <td>${f.url ? `<a href="${escape(f.url)}">${escape(f.id)}</a>` : escape(f.id)}</td>
      <td>${escape(f.type)}</td>
      <td>${escape(f.pkgName)}${f.installedVersion ? `@${escape(f.installedVersion)}` : ''}</td>
      <td>${escape(f.fixedVersion ?? '')}</td>
      <td>${escape(f.title)}</td>
      <td>${locationCell(f)}</td></tr>`).join('\n');
  const packages = report.packages.map(p => `<tr><td>${escape(p.name)}</td><td>${escape(p.version)}</td><td>${escape(p.ecosystem)}</td><td>${p.direct ? 'direct' : 'indirect'}${p.dev ? ', dev' : ''}</td><td>${escape(p.file)}</td></tr>`).join('\n');
  const errors = report.errors.length === 0 ? '' : `<h2>Files that could not be analyzed (${report.errors.length})</h2><ul>${report.errors.map(e => `<li>${escape(e.file)}: ${escape(e.message)}</li>`).join('')}</ul>`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}';">
<title>${escape(report.title)}</title>
<style nonce="${nonce}">
  body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 1em; }
  .summary { display: flex; gap: 1em; margin: 1em 0; }
  .sev { padding: .5em 1em; border-radius: 4px; border: 1px solid var(--vscode-panel-border); }
  .sev .n { font-size: 1.6em; font-weight: bold; display: block; }
  .critical .n, tr.critical td:first-child { color: var(--vscode-errorForeground); }
  .high .n, tr.high td:first-child { color: var(--vscode-editorError-foreground); }
  .medium .n, tr.medium td:first-child { color: var(--vscode-editorWarning-foreground); }
  table { border-collapse: collapse; width: 100%; margin-bottom: 2em; }
  th, td { text-align: left; padding: .25em .5em; border-bottom: 1px solid var(--vscode-panel-border); vertical-align: top; }
</style></head>
<body>
<h1>${escape(report.title)}</h1>
<p>${escape(report.targets.join(', '))} · ${escape(report.generatedAt)}</p>
<div class="summary">${summary}</div>
<h2>Findings (${report.findings.length})</h2>
<table><thead><tr><th>Severity</th><th>ID</th><th>Type</th><th>Package</th><th>Fixed in</th><th>Title</th><th>Location</th></tr></thead>
<tbody>${findings}</tbody></table>
<h2>Packages (${report.packages.length})</h2>
<table><thead><tr><th>Name</th><th>Version</th><th>Ecosystem</th><th>Kind</th><th>File</th></tr></thead>
<tbody>${packages}</tbody></table>
${errors}
</body></html>`;
}
