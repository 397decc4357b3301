// Messages between the Vigil language server and its clients beyond standard LSP.
// Plain types and names only: the VS Code client imports this file too.

export type SeverityName = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'UNKNOWN';
/** How each severity reads in messages, hovers and views: UNKNOWN says nobody scored it, never passing for LOW. */
export const SEVERITY_LABELS: Record<SeverityName, string> = { CRITICAL: 'CRITICAL', HIGH: 'HIGH', MEDIUM: 'MEDIUM', LOW: 'LOW', UNKNOWN: 'severity unknown' };

/** Server -> client notification, once per file whenever its diagnostics are published. */
export const FindingsNotification = 'vigil/findings';
export interface FindingsParams {
  uri: string;
  /** One entry per published diagnostic, in the same order, so views agree with the Problems panel. */
  findings: FindingSummary[];
}
export interface FindingSummary {
  /** vulnerability, dependency (a manifest line summarising what it pulls in), misconfiguration, secret, license, error. */
  type: string;
  id: string;
  severity: SeverityName;
  message: string;
  /** 0-based line and character, as in the diagnostic. */
  line: number;
  character: number;
  pkgName?: string;
  installedVersion?: string;
  fixedVersion?: string;
  /** A further copy of the same package (npm nests copies): marked in the editor, counted once. */
  copy?: number;
}

/** Server -> client notification whenever the DB or scan state changes. */
export const StatusNotification = 'vigil/status';
export interface StatusParams {
  db: {
    state: 'loading' | 'ready' | 'missing' | 'error' | 'updating';
    /** ISO time of the DB's last update, when known. */
    updatedAt?: string;
    /** How to get a DB, or what went wrong. */
    message?: string;
    path?: string;
  };
  scanning: boolean;
}

/** Client -> server requests. */
export const ScanWorkspaceRequest = 'vigil/scanWorkspace';
export const UpdateDbRequest = 'vigil/updateDb';
export const ImportDbRequest = 'vigil/importDb';
export interface ImportDbParams { paths: string[] }
export interface DbCommandResult { ok: boolean; message: string }
export const ReportRequest = 'vigil/report';

/** A whole-scan summary for the report view; image scans fill the same shape. */
export interface ReportModel {
  title: string;
  generatedAt: string;
  targets: string[];
  bySeverity: Record<SeverityName, number>;
  findings: {
    severity: SeverityName; id: string; type: string; title: string; file: string; line: number;
    pkgName?: string; installedVersion?: string; fixedVersion?: string; url?: string;
    /** A known malicious package: listed before everything else. */
    malicious?: boolean;
    /** The file's URI, for opening it at a location (absent in reports of files that are not on disk). */
    uri?: string;
    /** Every place the finding is marked (each copy of a package), 1-based; the first is at `line`. */
    locations?: ReportLocation[];
  }[];
  packages: { name: string; version: string; ecosystem: string; file: string; direct: boolean; dev: boolean }[];
  errors: { file: string; message: string }[];
}

export interface ReportLocation { line: number; column: number }

/** The client command a report's location link runs: opens `uri` at the 1-based line and column. */
export const OpenLocationCommand = 'vigil.openLocation';
export interface OpenLocationArgs { uri: string; line: number; column: number }

/** workspace/executeCommand commands the server implements. */
export const ApplyIgnoreCommand = 'vigil.server.applyIgnore';
/**
 * For clients without `documentChanges`, which cannot create a file from an edit: the server
 * creates the (empty) files, then asks the client to apply the plain `changes` edit.
 */
export const CreateFilesAndEditCommand = 'vigil.server.createFilesAndEdit';
export interface CreateFilesAndEditArgs {
  create: string[];
  edit: import('vscode-languageserver').WorkspaceEdit;
}
export interface ApplyIgnoreArgs {
  /** URI of the workspace folder (or directory) whose ignore file gets the entry. */
  folderUri: string;
  id: string;
  reason?: string;
  expires?: string;
  /** The vulnerable package's purl: with `vigil.ignoreFile` set to openvex, the entry is an OpenVEX statement about it. */
  purl?: string;
}

/** Client -> server: write an SBOM of a workspace folder (or a folder in it). */
export const GenerateSbomRequest = 'vigil/generateSbom';
export type SbomFormatName = 'cyclonedx' | 'spdx-json';
export interface GenerateSbomParams {
  /** The folder to describe: a workspace folder or a folder inside one. */
  folderUri: string;
  format: SbomFormatName;
  /** Where to write it; default `sbom.cdx.json` or `sbom.spdx.json` in the folder. */
  outputUri?: string;
}
export interface GenerateSbomResult { ok: boolean; message: string; outputUri?: string }

/** What initializationOptions may carry. */
export interface InitializationOptions {
  /** Workspace Trust: false restricts Vigil to built-in rules and in-workspace paths. Default true. */
  trusted?: boolean;
  /** The client can prompt for an ignore reason and expiry (offers the "with reason…" action). */
  promptsForIgnoreReason?: boolean;
  /** Quiet time after a keystroke before the buffer is re-analyzed. Default 150 ms. */
  changeDebounceMs?: number;
  /**
   * The `vigil` settings (same keys as the VS Code settings without the prefix), for clients that
   * cannot answer workspace/configuration: they apply from the first scan on, until the client
   * pushes others with didChangeConfiguration. (Helix sends its `config` table here.)
   */
  vigil?: Record<string, unknown>;
}
