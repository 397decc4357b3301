// A small, linear reader of the shell scripts in RUN instructions: it splits a script into simple
// commands (at `&&`, `||`, `;`, `|`, `&`, parentheses and line breaks) and each command into words,
// with quotes removed and each word's offsets in the Dockerfile kept, so that checks can look at
// `apt-get install` and fixes can insert a flag after a word. It is not a shell: expansions stay as
// written, and `$( )`, backquotes and `{ }` are read as parts of words.

export interface ShellWord {
  /** The word as the shell would see it, quotes removed, variables unexpanded. */
  text: string;
  /** Offsets of the word in the Dockerfile (end exclusive). */
  start: number;
  end: number;
}

export interface ShellCommand {
  words: ShellWord[];
  /** Inside `( ... )`: a `cd` there does not change the directory of the instruction. */
  inSubshell: boolean;
}

export interface ShellReadOptions {
  /** The Dockerfile's escape character: followed by a line break, it joins the next line. */
  escape: string;
  /** True for an instruction's own lines (continuations apply), false for a heredoc's body. */
  continuations: boolean;
}

const OPERATOR_CHARS = new Set(['&', '|', ';', '(', ')']);

/** The simple commands of the script in `text` from `start` to `end`. */
export function readShellCommands(text: string, start: number, end: number, options: ShellReadOptions): ShellCommand[] {
  const commands: ShellCommand[] = [];
  let words: ShellWord[] = [];
  let depth = 0;
  let word = '';
  let wordStart = -1;
  let wordEnd = -1;

  const endWord = () => {
    if (wordStart !== -1) words.push({ text: word, start: wordStart, end: wordEnd });
    word = '';
    wordStart = -1;
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0) commands.push({ words, inSubshell: depth > 0 });
    words = [];
  };
  const append = (chars: string, from: number, to: number) => {
    if (wordStart === -1) wordStart = from;
    word += chars;
    wordEnd = to;
  };

  let at = start;
  while (at < end) {
    const char = text[at];
    if (options.continuations && char === options.escape) {
      const afterContinuation = continuationEnd(text, at + 1, end);
      if (afterContinuation !== -1) {
        at = skipCommentLines(text, afterContinuation, end);
        continue;
      }
    }
    if (char === '\n') {
      endCommand();
      at++;
    } else if (char === ' ' || char === '\t' || char === '\r') {
      endWord();
      at++;
    } else if (char === '#' && wordStart === -1) {
      // A shell comment runs to the end of the line.
      const lineEnd = text.indexOf('\n', at);
      at = lineEnd === -1 || lineEnd > end ? end : lineEnd;
    } else if (OPERATOR_CHARS.has(char)) {
      endCommand();
      if (char === '(') depth++;
      else if (char === ')' && depth > 0) depth--;
      at++;
    } else if (char === "'") {
      const close = text.indexOf("'", at + 1);
      const stop = close === -1 || close >= end ? end : close;
      append(text.slice(at + 1, stop), at, Math.min(stop + 1, end));
      at = stop + 1;
    } else if (char === '"') {
      let value = '';
      let i = at + 1;
      while (i < end && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < end) i++;
        value += text[i];
        i++;
      }
      append(value, at, Math.min(i + 1, end));
      at = i + 1;
    } else if (char === '\\' && at + 1 < end) {
      append(text[at + 1], at, at + 2);
      at += 2;
    } else {
      append(char, at, at + 1);
      at++;
    }
  }
  endCommand();
  return commands;
}

/** Where the next line starts if `from` ends a line with only blanks before its break, else -1. */
function continuationEnd(text: string, from: number, end: number): number {
  let at = from;
  while (at < end && (text[at] === ' ' || text[at] === '\t' || text[at] === '\r')) at++;
  if (at >= end) return end;
  return text[at] === '\n' ? at + 1 : -1;
}

/** Skips the comment lines and blank lines that a continued instruction may hold (BuildKit drops them). */
function skipCommentLines(text: string, from: number, end: number): number {
  let at = from;
  for (;;) {
    let first = at;
    while (first < end && (text[first] === ' ' || text[first] === '\t' || text[first] === '\r')) first++;
    if (first >= end) return end;
    if (text[first] !== '#' && text[first] !== '\n') return at;
    const lineEnd = text.indexOf('\n', first);
    if (lineEnd === -1 || lineEnd >= end) return end;
    at = lineEnd + 1;
  }
}

/** The words of one command joined by spaces, for phrase checks like `aws configure set`. */
export function commandText(command: ShellCommand): string {
  return command.words.map(word => word.text).join(' ');
}
