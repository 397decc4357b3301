// Finds every occurrence of a set of keywords in one pass over a text (Aho-Corasick, compiled to
// a full transition table), ASCII case-insensitive as Trivy compares keywords. Overlapping
// occurrences are all reported (`accountkey` holds both `accountkey` and `key`).

/** Code units above this are no keyword's; they send the automaton back to its root. */
const ALPHABET = 128;
/** ASCII folded to lowercase. */
const LOWER = Uint8Array.from({ length: ALPHABET }, (_, code) => (code >= 65 && code <= 90 ? code + 32 : code));

/** Keyword occurrences as two parallel arrays (cheap to allocate for many hits). */
export interface KeywordHits {
  /** Offset of each occurrence's first character. */
  starts: number[];
  /** Index of each occurrence's keyword in the list the matcher was built from. */
  keywords: number[];
}

export class KeywordMatcher {
  /** next[state * ALPHABET + code] = the state after reading `code` (lowercase ASCII). */
  private readonly next: Int32Array;
  /** Keywords that end at each state (its own and its suffixes'), or undefined. */
  private readonly outputs: (number[] | undefined)[];
  private readonly lengths: number[];
  /** 1 where some keyword ends at the state. */
  private readonly final: Uint8Array;

  constructor(keywords: readonly string[]) {
    this.lengths = keywords.map(k => k.length);
    // The trie, one row per state.
    const rows: Int32Array[] = [new Int32Array(ALPHABET).fill(-1)];
    const outputs: (number[] | undefined)[] = [undefined];
    keywords.forEach((keyword, index) => {
      let state = 0;
      for (const char of keyword.toLowerCase()) {
        const code = char.charCodeAt(0);
        if (code >= ALPHABET || char.length !== 1) throw new Error(`keyword ${JSON.stringify(keyword)} is not ASCII`);
        if (rows[state][code] === -1) {
          rows[state][code] = rows.length;
          rows.push(new Int32Array(ALPHABET).fill(-1));
          outputs.push(undefined);
        }
        state = rows[state][code];
      }
      (outputs[state] ??= []).push(index);
    });
    // Breadth-first: fill the missing transitions from the failure links, and inherit outputs.
    const fail = new Int32Array(rows.length);
    const queue: number[] = [];
    for (let code = 0; code < ALPHABET; code++) {
      const child = rows[0][code];
      if (child === -1) rows[0][code] = 0;
      else queue.push(child);
    }
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head];
      const inherited = outputs[fail[state]];
      if (inherited) outputs[state] = [...(outputs[state] ?? []), ...inherited];
      for (let code = 0; code < ALPHABET; code++) {
        const child = rows[state][code];
        if (child === -1) {
          rows[state][code] = rows[fail[state]][code];
        } else {
          fail[child] = rows[fail[state]][code];
          queue.push(child);
        }
      }
    }
    this.next = new Int32Array(rows.length * ALPHABET);
    rows.forEach((row, state) => this.next.set(row, state * ALPHABET));
    this.outputs = outputs;
    this.final = Uint8Array.from(outputs, found => (found ? 1 : 0));
  }

  /** Every occurrence, in order of where it ends. */
  find(text: string): KeywordHits {
    const starts: number[] = [];
    const keywords: number[] = [];
    const { next, outputs, lengths, final } = this;
    let state = 0;
    for (let i = 0, length = text.length; i < length; i++) {
      const code = text.charCodeAt(i);
      state = code < ALPHABET ? next[(state << 7) | LOWER[code]] : 0;
      if (final[state] !== 0) {
        for (const keyword of outputs[state]!) {
          starts.push(i - lengths[keyword] + 1);
          keywords.push(keyword);
        }
      }
    }
    return { starts, keywords };
  }

  /** Which keywords occur at all: one pass, and no list of occurrences (custom rules ask only that). */
  present(text: string): Uint8Array {
    const found = new Uint8Array(this.lengths.length);
    const { next, outputs, final } = this;
    let state = 0;
    let missing = found.length;
    for (let i = 0, length = text.length; i < length && missing > 0; i++) {
      const code = text.charCodeAt(i);
      state = code < ALPHABET ? next[(state << 7) | LOWER[code]] : 0;
      if (final[state] !== 0) {
        for (const keyword of outputs[state]!) {
          if (found[keyword] === 0) missing--;
          found[keyword] = 1;
        }
      }
    }
    return found;
  }
}
