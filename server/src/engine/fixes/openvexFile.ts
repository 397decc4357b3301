// "Ignore this finding" as an OpenVEX statement: the editor's alternative to a .trivyignore entry,
// in a document every VEX-aware tool reads (`trivy --vex`, `vigil --vex`, grype, ...). The statement
// says the vulnerability does not affect the package (its purl is the product), with the reason
// as its impact statement.
import { randomUUID } from 'node:crypto';
import { parseVexDocument } from '../vex';

/** Where the editor keeps its statements, relative to the workspace folder. */
export const EDITOR_VEX_FILE = '.vex/vigil.openvex.json';

export interface VexStatementInput {
  /** The vulnerability's ID as reported (a CVE where there is one). */
  id: string;
  /** The vulnerable package's purl: the statement's product. */
  purl: string;
  reason?: string;
  /** `YYYY-MM-DD`. OpenVEX has no expiry: it is kept as a note asking for a review by then. */
  expires?: string;
  now?: Date;
}

/** Whether the document already has a statement on this vulnerability for this product. */
export function openVexLists(text: string, id: string, purl: string): boolean {
  const document = documentOf(text);
  return statementsOf(document).some(s => vulnerabilityName(s) === id && Array.isArray(s.products)
    && s.products.some((p: unknown) => typeof p === 'object' && p !== null && (p as Record<string, unknown>)['@id'] === purl));
}

/**
 * The document's new text with a `not_affected` statement added: the current text (empty when the
 * file does not exist yet) must be an OpenVEX document, which is never overwritten otherwise.
 */
export function openVexWithStatement(currentText: string, input: VexStatementInput): string {
  if (!input.id.trim() || /\s/.test(input.id)) throw new Error('not a valid vulnerability ID for a VEX statement');
  if (!input.purl.startsWith('pkg:')) throw new Error(`the finding has no package URL to name in a VEX statement`);
  const now = (input.now ?? new Date()).toISOString();
  const document = documentOf(currentText) ?? {
    '@context': 'https://openvex.dev/ns/v0.2.0',
    '@id': `https://openvex.dev/docs/public/vigil-${randomUUID()}`,
    author: 'Vigil editor',
    timestamp: now,
    version: 0,
    statements: [],
  };
  const statement: Record<string, unknown> = {
    vulnerability: { name: input.id },
    products: [{ '@id': input.purl }],
    status: 'not_affected',
    // OpenVEX wants a justification or an impact statement for not_affected: the reason is the latter.
    impact_statement: input.reason?.trim() || 'Marked not affected in the editor',
    timestamp: now,
  };
  if (input.expires) statement.status_notes = `To be reviewed by ${input.expires}`;
  const statements = statementsOf(document);
  statements.push(statement);
  document.statements = statements;
  document.version = (typeof document.version === 'number' ? document.version : 0) + 1;
  document.last_updated = now;
  return JSON.stringify(document, null, 2) + '\n';
}

/** The document the text holds, undefined for an empty text; throws when it is no OpenVEX document. */
function documentOf(text: string): Record<string, unknown> | undefined {
  if (text.trim() === '') return undefined;
  const parsed = parseVexDocument(text, EDITOR_VEX_FILE);
  if (parsed.format !== 'OpenVEX') throw new Error(`${EDITOR_VEX_FILE} is not an OpenVEX document: Vigil adds statements only to OpenVEX`);
  return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as Record<string, unknown>;
}

function statementsOf(document: Record<string, unknown> | undefined): Record<string, unknown>[] {
  return Array.isArray(document?.statements) ? document.statements as Record<string, unknown>[] : [];
}

function vulnerabilityName(statement: Record<string, unknown>): string | undefined {
  const vulnerability = statement.vulnerability;
  if (typeof vulnerability === 'string') return vulnerability;
  if (typeof vulnerability === 'object' && vulnerability !== null) {
    const v = vulnerability as Record<string, unknown>;
    return typeof v.name === 'string' ? v.name : typeof v['@id'] === 'string' ? v['@id'] : undefined;
  }
  return undefined;
}
