// A package's license strings as SBOMs want them: an SPDX license ID, an SPDX expression of such
// IDs, or, for anything else, a plain name (CycloneDX) or a LicenseRef (SPDX).
import { fixupSpdxId, isSupportedSpdxId } from '@cyclonedx/cyclonedx-library/SPDX';

export type LicenseForm =
  | { kind: 'id'; id: string }
  | { kind: 'expression'; expression: string }
  | { kind: 'name'; name: string };

const OPERATORS = new Set(['AND', 'OR', 'WITH']);

/** The longest license text taken as a name; longer values are cut (a whole license pasted into a field). */
const MAX_NAME_LENGTH = 200;

/** Whether every word of `text` is an operator, a parenthesis, a known SPDX ID (with `+`) or a LicenseRef. */
function isSpdxExpression(text: string): boolean {
  const words = text.replace(/[()]/g, ' ').split(/\s+/).filter(Boolean);
  if (words.length < 3) return false;
  return words.every(word => OPERATORS.has(word) || isSupportedSpdxId(word.replace(/\+$/, '')) || /^LicenseRef-[A-Za-z0-9.-]+$/.test(word)
    // The exception after WITH (`Classpath-exception-2.0`) is on SPDX's exception list, not its license list.
    || /-exception(-[0-9.]+)?$/i.test(word));
}

export function licenseForm(value: string): LicenseForm | undefined {
  const text = value.trim();
  if (!text) return undefined;
  const id = fixupSpdxId(text);
  if (id) return { kind: 'id', id };
  if (isSpdxExpression(text)) return { kind: 'expression', expression: text };
  return { kind: 'name', name: text.length > MAX_NAME_LENGTH ? `${text.slice(0, MAX_NAME_LENGTH - 1)}…` : text };
}
