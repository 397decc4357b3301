// The text tests of the ConfigMap checks (KSV-01010 sensitive content, KSV-0109 secrets), written
// as hand scanners: trivy-checks states them as regular expressions, and these answer the same
// question (does the text contain a match?) in one pass, with nothing to backtrack on.

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isUpper = (c: string | undefined) => c !== undefined && c >= 'A' && c <= 'Z';
const isLetter = (c: string | undefined) => c !== undefined && ((c >= 'a' && c <= 'z') || isUpper(c));
const isWordChar = (c: string | undefined) => c !== undefined && (isLetter(c) || isDigit(c) || c === '_');
const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';

/** Whether `text` contains `word` (ASCII case-insensitive), as `(?i)word`. */
export function containsWord(text: string, word: string): boolean {
  return text.toLowerCase().includes(word.toLowerCase());
}

/** Whether `text` contains `word` (case-insensitive), then optional whitespace, then `=` or `:`: `(?i)word\s*(=|:)`. */
export function containsAssignment(text: string, word: string): boolean {
  const lower = text.toLowerCase();
  const needle = word.toLowerCase();
  for (let at = lower.indexOf(needle); at !== -1; at = lower.indexOf(needle, at + 1)) {
    let next = at + needle.length;
    while (isSpace(lower[next])) next++;
    if (lower[next] === '=' || lower[next] === ':') return true;
  }
  return false;
}

const isLocalChar = (c: string | undefined) => c !== undefined && (isLetter(c) || isDigit(c) || c === '_' || c === '-' || c === '.');
const isLabelChar = (c: string | undefined) => c !== undefined && (isLetter(c) || isDigit(c) || c === '-');

/**
 * Whether `text` contains an e-mail address as trivy-checks' pattern finds one: a local part, `@`,
 * then either `[` and three dotted numbers of 1-3 digits, or one or more `label.`, followed by two
 * letters or a digit.
 */
export function containsEmail(text: string): boolean {
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    if (isLocalChar(text[at - 1]) && domainFollows(text, at + 1)) return true;
  }
  return false;
}

function domainFollows(text: string, start: number): boolean {
  const tldAt = (i: number) => (isLetter(text[i]) && isLetter(text[i + 1])) || isDigit(text[i]);
  if (text[start] === '[') {
    let i = start + 1;
    for (let part = 0; part < 3; part++) {
      const from = i;
      while (isDigit(text[i]) && i - from < 3) i++;
      if (i === from || text[i] !== '.') return false;
      i++;
    }
    return tldAt(i);
  }
  let i = start;
  for (;;) {
    const from = i;
    while (isLabelChar(text[i])) i++;
    if (i === from || text[i] !== '.') return false;
    i++;
    if (tldAt(i)) return true;
  }
}

/**
 * trivy-checks' IBAN pattern with word boundaries: a character other than `.`, then at a word
 * boundary two capitals, two digits, four groups of four digits each after an optional space, an
 * optional space, up to two digits, and a word boundary.
 */
export function containsBoundedIban(text: string): boolean {
  for (let i = 1; i + 1 < text.length; i++) {
    if (!isUpper(text[i]) || !isUpper(text[i + 1]) || text[i - 1] === '.' || isWordChar(text[i - 1])) continue;
    let p = i + 2;
    if (!isDigit(text[p]) || !isDigit(text[p + 1])) continue;
    p += 2;
    let groups = 0;
    for (; groups < 4; groups++) {
      const q = text[p] === ' ' ? p + 1 : p;
      if (!(isDigit(text[q]) && isDigit(text[q + 1]) && isDigit(text[q + 2]) && isDigit(text[q + 3]))) break;
      p = q + 4;
    }
    if (groups < 4) continue;
    // An optional space, then 0-2 digits, then a word boundary: any of these ends may do.
    for (const q of text[p] === ' ' ? [p, p + 1] : [p]) {
      for (let digits = 0; digits <= 2; digits++) {
        if (digits > 0 && !isDigit(text[q + digits - 1])) break;
        if (isWordBoundary(text, q + digits)) return true;
      }
    }
  }
  return false;
}

function isWordBoundary(text: string, at: number): boolean {
  return isWordChar(text[at - 1]) !== isWordChar(text[at]);
}

const isUpperAlnum = (c: string | undefined) => isUpper(c) || isDigit(c);

/**
 * trivy-checks' looser IBAN/passport pattern, found anywhere: two capitals, an optional space or
 * dash, two digits, an optional separator, two to seven groups of 3-5 capitals or digits each
 * with an optional separator, and a capital or digit. The groups are matched by tracking the set
 * of places they can end (a handful), not by trying every split.
 */
export function containsLooseIban(text: string): boolean {
  const sep = (i: number) => (text[i] === ' ' || text[i] === '-' ? [i, i + 1] : [i]);
  for (let i = 0; i + 1 < text.length; i++) {
    if (!isUpper(text[i]) || !isUpper(text[i + 1])) continue;
    for (const d of sep(i + 2)) {
      if (!isDigit(text[d]) || !isDigit(text[d + 1])) continue;
      let ends = new Set(sep(d + 2));
      for (let groups = 1; groups <= 7 && ends.size > 0; groups++) {
        const next = new Set<number>();
        for (const start of ends) {
          let run = 0;
          while (run < 5 && isUpperAlnum(text[start + run])) {
            run++;
            if (run >= 3) for (const end of sep(start + run)) next.add(end);
          }
        }
        ends = next;
        if (groups >= 2) for (const end of ends) if (isUpperAlnum(text[end])) return true;
      }
    }
  }
  return false;
}

/** `^[A-Z0-9<]{3,20}$`: a whole value of 3 to 20 capitals, digits or `<` (a passport's machine-readable line). */
export function isPassportLike(text: string): boolean {
  if (text.length < 3 || text.length > 20) return false;
  for (const c of text) if (!(isUpperAlnum(c) || c === '<')) return false;
  return true;
}
