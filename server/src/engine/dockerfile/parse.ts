// Reads a Dockerfile with dockerfile-ast into the shape Trivy's checks look at: build stages
// (the ARGs before the first FROM form a stage of their own, as in Trivy), each a list of
// instructions with their flags, their arguments (whitespace-separated, or the strings of the JSON
// form) and, for RUN, the shell commands they run. Every piece keeps its offsets in the text.
//
// Covered: parser directives (`# escape=` changes the line-continuation character; `# syntax=` is
// read and left alone), line continuations with comment lines between them, multi-stage builds
// and `AS` names, global ARGs and their defaults (which FROM lines may use), and heredocs
// (`RUN <<EOF`): the body is read as a script when the instruction only feeds it to the shell.
import { DockerfileParser, Keyword, type Arg, type Argument, type Env, type Instruction } from 'dockerfile-ast';
import { LineIndex } from '../text';
import { readShellCommands, type ShellCommand } from './shell';

export interface TextPiece {
  value: string;
  start: number;
  end: number;
}

export interface DockerFlag extends TextPiece {
  /** The flag's name without dashes, e.g. `from`, `mount`. */
  name: string;
  /** The text after `=`, or undefined for a bare flag. */
  flagValue?: string;
}

export interface DockerInstruction {
  /** The keyword in lower case, as Trivy's `Cmd`: `from`, `run`, `copy`... */
  cmd: string;
  /** The whole instruction, keyword to last argument (heredoc bodies included). */
  start: number;
  end: number;
  /** The keyword as written. */
  keyword: TextPiece;
  flags: DockerFlag[];
  /** The arguments after the flags: the JSON strings in exec form, else the whitespace-separated words. */
  args: TextPiece[];
  /** Exec form: `RUN ["apt-get", "install", "x"]`. */
  json: boolean;
  /** RUN: the shell commands it runs (for the exec form, one command of its strings). */
  shell: ShellCommand[];
  /** ENV and ARG: each variable it sets, with its value as written (undefined: none given). */
  variables: { name: TextPiece; value?: string }[];
  stage: DockerStage;
}

export interface DockerStage {
  /** Position in `stages`. The ARGs before the first FROM, if any, are stage 0. */
  index: number;
  /** The FROM instruction that opens it (none for the global ARGs). */
  from?: DockerInstruction;
  /** The name after `AS`, as written. */
  alias?: TextPiece;
  instructions: DockerInstruction[];
}

export interface ParsedDockerfile {
  text: string;
  lines: LineIndex;
  stages: DockerStage[];
  /** Comment text by 0-based line, for inline ignores. */
  comments: Map<number, string>;
  /** Defaults of the ARGs declared before the first FROM (undefined: declared without one). */
  globalArgs: Map<string, string | undefined>;
}

const KNOWN_KEYWORDS = new Set<string>(Object.values(Keyword));
const JSON_FORMS = new Set(['run', 'cmd', 'entrypoint', 'shell', 'copy', 'add', 'volume']);
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', '/bin/sh', '/bin/bash', '/bin/ash', '/bin/dash', '/bin/zsh']);

/** Parses a Dockerfile. Throws on an instruction BuildKit would not know, naming its line only. */
export function parseDockerfile(text: string, path: string): ParsedDockerfile {
  const lines = new LineIndex(text, path);
  const document = DockerfileParser.parse(text);
  const escape = document.getEscapeCharacter();
  const offset = (position: { line: number; character: number }) => lines.offset(position);
  const piece = (value: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }): TextPiece =>
    ({ value, start: offset(range.start), end: offset(range.end) });

  const stages: DockerStage[] = [];
  let stage: DockerStage | undefined;
  const globalArgs = new Map<string, string | undefined>();

  for (const node of document.getInstructions()) {
    const cmd = node.getKeyword().toLowerCase();
    if (!KNOWN_KEYWORDS.has(node.getKeyword())) {
      throw new Error(`line ${node.getRange().start.line + 1}: unknown Dockerfile instruction`);
    }
    if (cmd === 'from' || !stage) {
      stage = { index: stages.length, instructions: [] };
      stages.push(stage);
    }
    const range = node.getRange();
    const instruction: DockerInstruction = {
      cmd,
      start: offset(range.start),
      end: offset(range.end),
      keyword: piece(node.getInstruction(), node.getInstructionRange()),
      flags: flagsOf(node).map(flag => ({
        ...piece(flag.toString(), flag.getRange()),
        name: flag.getName(),
        flagValue: flag.getValue() ?? undefined,
      })),
      args: [],
      json: false,
      shell: [],
      variables: [],
      stage,
    };
    const jsonStrings = JSON_FORMS.has(cmd) ? jsonStringsOf(node) : undefined;
    if (jsonStrings) {
      instruction.json = true;
      // dockerfile-ast drops the blanks inside JSON strings: read each string from the text itself.
      instruction.args = jsonStrings.map(arg => {
        const { start, end } = piece('', arg.getRange());
        return { value: jsonString(text.slice(start, end)), start, end };
      });
    } else {
      // The words of heredoc bodies (`COPY <<EOF /etc/app.conf`) are content, not arguments.
      const bodies = heredocsOf(node).map(heredoc => heredoc.getContentRange() ?? heredoc.getDelimiterRange());
      const firstBody = Math.min(...bodies.flatMap(range => (range ? [offset(range.start)] : [])));
      instruction.args = node.getArguments().map((arg: Argument) => piece(arg.getValue(), arg.getRange())).filter(arg => arg.start < firstBody);
    }
    if (cmd === 'run') instruction.shell = runCommands(node, instruction, text, escape, offset);
    if (cmd === 'from') {
      stage.from = instruction;
      const asWord = instruction.args[1];
      if (asWord && asWord.value.toLowerCase() === 'as' && instruction.args[2]) stage.alias = instruction.args[2];
    }
    if (cmd === 'env' || cmd === 'arg') {
      const properties = cmd === 'env' ? (node as Env).getProperties() : [(node as Arg).getProperty()].filter(p => p !== null);
      instruction.variables = properties.map(property => ({
        name: piece(property.getName(), property.getNameRange()),
        value: property.getValue() ?? undefined,
      }));
    }
    if (cmd === 'arg' && !stage.from) {
      for (const variable of instruction.variables) globalArgs.set(variable.name.value, variable.value);
    }
    stage.instructions.push(instruction);
  }

  const comments = new Map<number, string>();
  for (const comment of document.getComments()) comments.set(comment.getRange().start.line, comment.getContent());
  return { text, lines, stages, comments, globalArgs };
}

function flagsOf(node: Instruction) {
  const withFlags = node as Instruction & { getFlags?: () => import('dockerfile-ast').Flag[] };
  return withFlags.getFlags ? withFlags.getFlags() : [];
}

function heredocsOf(node: Instruction): import('dockerfile-ast').Heredoc[] {
  return (node as Instruction & { getHeredocs?: () => import('dockerfile-ast').Heredoc[] }).getHeredocs?.() ?? [];
}

/** The strings of an exec-form instruction, or undefined for the shell form. */
function jsonStringsOf(node: Instruction): import('dockerfile-ast').JSONArgument[] | undefined {
  const json = node as Instruction & {
    getJSONStrings?: () => import('dockerfile-ast').JSONArgument[];
    getOpeningBracket?: () => Argument | null;
    getClosingBracket?: () => Argument | null;
  };
  if (!json.getJSONStrings || !json.getOpeningBracket?.() || !json.getClosingBracket?.()) return undefined;
  return json.getJSONStrings();
}

/** The shell commands a RUN runs, from its own lines and from heredoc bodies fed to a shell. */
function runCommands(
  node: Instruction, instruction: DockerInstruction, text: string, escape: string,
  offset: (position: { line: number; character: number }) => number,
): ShellCommand[] {
  if (instruction.json) {
    const words = instruction.args.map(arg => ({ text: arg.value, start: arg.start, end: arg.end }));
    if (words.length === 0) return [];
    // ["sh", "-c", "script"]: the script is what runs (positions point at the JSON string).
    if (SHELLS.has(words[0].text) && words[1]?.text === '-c' && words[2]) {
      const script = words[2].text;
      return readShellCommands(script, 0, script.length, { escape: '\\', continuations: false })
        .map(command => ({ ...command, words: command.words.map(word => ({ ...word, start: words[2].start, end: words[2].end })) }));
    }
    return [{ words, inSubshell: false }];
  }
  const first = instruction.args[0];
  if (!first) return [];
  const heredocs = heredocsOf(node);
  if (heredocs.length === 0) return readShellCommands(text, first.start, instruction.end, { escape, continuations: true });

  // The instruction's own line ends where the first body begins.
  const bodyStart = (heredoc: import('dockerfile-ast').Heredoc) => {
    const range = heredoc.getContentRange() ?? heredoc.getDelimiterRange();
    return range ? offset(range.start) : instruction.end;
  };
  const lineEnd = Math.max(first.start, bodyStart(heredocs[0]) - 1);
  const commands = readShellCommands(text, first.start, lineEnd, { escape, continuations: true });
  const onlyMarkers = commands.every(command => command.words.every(word => word.text.startsWith('<<')));
  const feedsShell = onlyMarkers || SHELLS.has(commands[0]?.words[0]?.text ?? '');
  const scripts: ShellCommand[] = [];
  for (const heredoc of heredocs) {
    const content = heredoc.getContentRange();
    if (!content) continue;
    const start = offset(content.start);
    const end = offset(content.end);
    // A body that names its own interpreter (#!/usr/bin/env python) is not a shell script.
    if (!feedsShell || text.startsWith('#!', start)) continue;
    scripts.push(...readShellCommands(text, start, end, { escape, continuations: false }));
  }
  return onlyMarkers ? scripts : [...commands, ...scripts];
}

/** A JSON string literal's value; a malformed one (BuildKit would refuse it) as written, quotes dropped. */
function jsonString(literal: string): string {
  try {
    const value: unknown = JSON.parse(literal);
    if (typeof value === 'string') return value;
  } catch {
    // fall through
  }
  return literal.replace(/^"|"$/g, '');
}
