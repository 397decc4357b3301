// The secret scanner as an analyzer: it claims every file, reads its bytes (a file without a
// keyword that a rule matches on its line is never decoded), passes binary files over, and
// reports hard-coded secrets with Trivy's rules (see ../secrets/scanner.ts). Files over
// SECRET_MAX_FILE_CHARS are passed over with a note.
import { SecretScanner } from '../secrets/scanner';
import type { Analyzer } from '../types';

/** A secret analyzer running the given scanner (a --secret-config makes its own). */
export function secretAnalyzer(scanner: SecretScanner): Analyzer {
  return {
    id: 'secret',
    type: 'secret',
    scanner: 'secret',
    fileNames: ['*'],
    inlineIgnores: true,
    reads: 'bytes',
    fixes: 'none',
    analyze(input) {
      const { findings, notes } = scanner.scanBytes(input.path, input.bytes!);
      return { packages: [], findings, notes };
    },
  };
}

/** The built-in rules and allow rules. */
export const builtinSecretAnalyzer: Analyzer = secretAnalyzer(new SecretScanner());
