// The `vigil.*` settings as the server uses them: defaults, validation, and Workspace Trust rules.
import * as path from 'node:path';
import { DiagnosticSeverity } from 'vscode-languageserver';
import { availableScanners } from '../engine/analyzers';
import { SCANNERS, SEVERITIES, type Scanner, type Severity } from '../engine/types';

export interface VigilSettings {
  scanners: Scanner[];
  /** Findings below this severity are not reported. */
  severityThreshold: Severity;
  ignoreUnfixed: boolean;
  skipDirs: string[];
  includeDevDependencies: boolean;
  db: { mirrorUrl: string };
  offline: boolean;
  /** Empty: the engine's default cache dir. */
  cacheDir: string;
  server: { url: string; token: string };
  secretConfigPath: string;
  /** Misconfiguration: files of custom checks (custom-checks/format.ts), relative to the folder. */
  misconfiguration: { customChecks: string[] };
  severityMap: Record<Severity, DiagnosticSeverity>;
  /** Misconfiguration, secret and license rules switched off, and severities set per rule (ID or alias). */
  rules: { disabled: string[]; severity: Record<string, Severity> };
  /** Where "ignore with a reason" writes: the folder's .trivyignore, or an OpenVEX statement in .vex/vigil.openvex.json. */
  ignoreFile: 'trivyignore' | 'openvex';
}

export const DEFAULT_SEVERITY_MAP: Record<Severity, DiagnosticSeverity> = {
  CRITICAL: DiagnosticSeverity.Error,
  HIGH: DiagnosticSeverity.Error,
  MEDIUM: DiagnosticSeverity.Warning,
  LOW: DiagnosticSeverity.Information,
  // Unscored is not harmless (many PYSEC advisories carry no severity): keep it in the Problems panel.
  UNKNOWN: DiagnosticSeverity.Information,
};

export const DEFAULT_SETTINGS: VigilSettings = {
  // Every scanner this version has, as the extension's manifest says (a test holds the two together).
  scanners: availableScanners(),
  severityThreshold: 'UNKNOWN',
  ignoreUnfixed: false,
  skipDirs: [],
  // The editor shows development dependencies, a step lower in the Problems panel (diagnostics.ts).
  includeDevDependencies: true,
  db: { mirrorUrl: '' },
  offline: false,
  cacheDir: '',
  server: { url: '', token: '' },
  secretConfigPath: '',
  misconfiguration: { customChecks: [] },
  severityMap: DEFAULT_SEVERITY_MAP,
  rules: { disabled: [], severity: {} },
  ignoreFile: 'trivyignore',
};

const LEVELS: Record<string, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/**
 * Settings from a workspace/configuration answer (any shape, any garbage) with defaults filled in.
 * In an untrusted workspace custom checks and secret rules are dropped (a hostile pattern could
 * hang the server) and path settings that leave the workspace folder are ignored.
 */
export function normalizeSettings(raw: unknown, trust: { trusted: boolean; folderPath?: string }): VigilSettings {
  const input = (raw && typeof raw === 'object' ? raw : {}) as Record<string, any>;
  const strings = (value: unknown) => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined);
  const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
  const threshold = typeof input.severityThreshold === 'string' ? input.severityThreshold.toUpperCase() : '';

  const settings: VigilSettings = {
    scanners: (strings(input.scanners)?.filter(s => (SCANNERS as string[]).includes(s)) as Scanner[] | undefined) ?? DEFAULT_SETTINGS.scanners,
    severityThreshold: (SEVERITIES as readonly string[]).includes(threshold) ? (threshold as Severity) : 'UNKNOWN',
    ignoreUnfixed: input.ignoreUnfixed === true,
    skipDirs: strings(input.skipDirs) ?? [],
    includeDevDependencies: input.includeDevDependencies !== false,
    db: { mirrorUrl: text(input.db?.mirrorUrl) },
    offline: input.offline === true,
    cacheDir: text(input.cacheDir),
    server: { url: text(input.server?.url), token: text(input.server?.token) },
    secretConfigPath: text(input.secretConfigPath),
    misconfiguration: { customChecks: (strings(input.misconfiguration?.customChecks) ?? []).map(p => p.trim()).filter(Boolean) },
    severityMap: parseSeverityMap(input.severityMap),
    rules: { disabled: strings(input.rules?.disabled) ?? [], severity: parseRuleSeverities(input.rules?.severity) },
    ignoreFile: input.ignoreFile === 'openvex' ? 'openvex' : 'trivyignore',
  };
  if (!trust.trusted) {
    settings.secretConfigPath = '';
    settings.misconfiguration.customChecks = [];
    const inside = (p: string) => trust.folderPath !== undefined && isInside(trust.folderPath, p);
    if (settings.cacheDir && !inside(settings.cacheDir)) settings.cacheDir = '';
  }
  return settings;
}

function parseSeverityMap(value: unknown): Record<Severity, DiagnosticSeverity> {
  const map = { ...DEFAULT_SEVERITY_MAP };
  if (value && typeof value === 'object') {
    for (const [severity, level] of Object.entries(value as Record<string, unknown>)) {
      const key = severity.toUpperCase();
      if ((SEVERITIES as readonly string[]).includes(key) && typeof level === 'string' && LEVELS[level.toLowerCase()]) {
        map[key as Severity] = LEVELS[level.toLowerCase()];
      }
    }
  }
  return map;
}

/** `{ "DS-0002": "low" }`: a severity per rule ID; entries that name no severity are dropped. */
export function parseRuleSeverities(value: unknown): Record<string, Severity> {
  const severities: Record<string, Severity> = {};
  if (!value || typeof value !== 'object' || Array.isArray(value)) return severities;
  for (const [rule, severity] of Object.entries(value as Record<string, unknown>)) {
    const level = typeof severity === 'string' ? severity.toUpperCase() : '';
    if ((SEVERITIES as readonly string[]).includes(level)) severities[rule] = level as Severity;
  }
  return severities;
}

/** Severities at or above the threshold, as the engine's `severities` option wants them. */
export function severitiesFrom(threshold: Severity): Severity[] {
  return SEVERITIES.slice(SEVERITIES.indexOf(threshold));
}

export function isInside(folder: string, candidate: string): boolean {
  const relative = path.relative(folder, path.resolve(folder, candidate));
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** What the settings ask for that this version cannot do yet, one sentence each, so the editor can say so. */
export function notAvailableYet(settings: VigilSettings): string[] {
  const available = availableScanners();
  const messages = settings.scanners.filter(s => !available.includes(s))
    .map(s => `Vigil: the ${s} scanner is not available in this version yet; only ${available.join(', ')} runs.`);
  const unused: [string, string][] = [
    ['vigil.server.url', settings.server.url],
  ];
  for (const [name, value] of unused) if (value) messages.push(`Vigil: ${name} is not available in this version yet and is not used.`);
  return messages;
}
