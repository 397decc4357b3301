// Trivy's Dockerfile checks (DS-00xx), written in TypeScript from the behaviour trivy-checks
// documents and tests: what each one looks at, and where a finding points (the instruction, or the
// argument at fault). Where Trivy reads RUN lines with text patterns, these checks read the shell
// commands (../dockerfile/shell.ts), so `sudo` inside `pseudo-tool` or `-y` in a package name does
// not count. A value Vigil cannot know (an ARG without a default) is never reported on.
import type { CheckFixEdits } from '../misconfiguration';
import { DOCKERFILE_RULES, type DockerfileRule } from '../rules/dockerfile';
import type { DockerInstruction, DockerStage, ParsedDockerfile, TextPiece } from './parse';
import { commandText, type ShellCommand, type ShellWord } from './shell';

export interface CheckFailure {
  message: string;
  /** Offsets of what the finding points at. */
  start: number;
  end: number;
  fix?: CheckFixEdits;
}

export interface DockerfileCheck {
  rule: DockerfileRule;
  run(file: ParsedDockerfile): CheckFailure[];
}

// ---- helpers ---------------------------------------------------------------------------------

function allInstructions(file: ParsedDockerfile, cmd: string): DockerInstruction[] {
  return file.stages.flatMap(stage => stage.instructions.filter(instruction => instruction.cmd === cmd));
}

function at(piece: { start: number; end: number }): { start: number; end: number } {
  return { start: piece.start, end: piece.end };
}

/** Where a finding about the whole image points: the FROM of the last stage. */
function finalStageAnchor(file: ParsedDockerfile): { start: number; end: number } {
  const last = file.stages[file.stages.length - 1];
  const anchor = last?.from ?? last?.instructions[0];
  return anchor ? at(anchor) : { start: 0, end: 0 };
}

/** Leading `NAME=value` words and `sudo` / `env` wrappers are not the command's program. */
function programIndex(words: readonly ShellWord[]): number {
  let index = 0;
  while (index < words.length && isAssignment(words[index].text)) index++;
  return index;
}

function isAssignment(word: string): boolean {
  const equals = word.indexOf('=');
  return equals > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(word.slice(0, equals));
}

function isFlag(word: string): boolean {
  return word.startsWith('-');
}

/** A tool called in a command (`apt-get`, also after `sudo`), with its subcommand: the first word after it that is no flag. */
interface ToolCall {
  command: ShellCommand;
  tool: ShellWord;
  subcommand?: ShellWord;
  /** The words after the tool. */
  rest: ShellWord[];
}

function toolCalls(commands: readonly ShellCommand[], tools: readonly string[]): ToolCall[] {
  const calls: ToolCall[] = [];
  for (const command of commands) {
    let index = programIndex(command.words);
    while (index < command.words.length && (command.words[index].text === 'sudo' || isFlag(command.words[index].text))) index++;
    const tool = command.words[index];
    if (!tool || !tools.includes(tool.text)) continue;
    const rest = command.words.slice(index + 1);
    calls.push({ command, tool, subcommand: rest.find(word => !isFlag(word.text)), rest });
  }
  return calls;
}

/** The command's program name: its first word that is not a variable assignment. */
function program(command: ShellCommand): string | undefined {
  return command.words[programIndex(command.words)]?.text;
}

function keywordCase(keyword: string, replacement: string): string {
  return keyword === keyword.toLowerCase() ? replacement.toLowerCase() : replacement;
}

/** `$VAR`, `${VAR}` and `${VAR:-default}` replaced from `vars`; undefined when a value is unknown. */
export function substituteVariables(value: string, vars: ReadonlyMap<string, string | undefined>): string | undefined {
  let out = '';
  let index = 0;
  while (index < value.length) {
    const dollar = value.indexOf('$', index);
    if (dollar === -1) return out + value.slice(index);
    out += value.slice(index, dollar);
    let name: string;
    let fallback: string | undefined;
    if (value[dollar + 1] === '{') {
      const close = value.indexOf('}', dollar + 2);
      if (close === -1) return undefined;
      const inner = value.slice(dollar + 2, close);
      const operator = inner.indexOf(':-');
      name = operator === -1 ? inner : inner.slice(0, operator);
      fallback = operator === -1 ? undefined : inner.slice(operator + 2);
      index = close + 1;
    } else {
      let end = dollar + 1;
      while (end < value.length && /[A-Za-z0-9_]/.test(value[end])) end++;
      name = value.slice(dollar + 1, end);
      index = end;
    }
    const resolved = vars.get(name) || fallback;
    if (resolved === undefined || resolved.includes('$')) return undefined;
    out += resolved;
  }
  return out;
}

// ---- the checks, in rule order ---------------------------------------------------------------

function latestTag(file: ParsedDockerfile): CheckFailure[] {
  const aliases = new Set(file.stages.flatMap(stage => (stage.alias ? [stage.alias.value.toLowerCase()] : [])));
  const failures: CheckFailure[] = [];
  for (const stage of file.stages) {
    const image = stage.from?.args[0];
    if (!image) continue;
    const reference = substituteVariables(image.value, file.globalArgs);
    if (reference === undefined || reference === '') continue; // depends on a build argument without a default
    if (reference.includes('@')) continue; // pinned by digest
    const slash = reference.lastIndexOf('/');
    const colon = reference.lastIndexOf(':');
    const name = colon > slash ? reference.slice(0, colon) : reference;
    const tag = colon > slash ? reference.slice(colon + 1) : 'latest';
    if (name === 'scratch' || aliases.has(name.toLowerCase()) || tag !== 'latest') continue;
    failures.push({
      ...at(image),
      message: colon > slash
        ? "FROM uses the image's 'latest' tag, so the base image changes whenever it is republished."
        : "FROM names an image without a tag, which means 'latest': the base image changes whenever it is republished.",
    });
  }
  return failures;
}

/** The user a non-root USER fix writes: any numeric UID above the system range works without /etc/passwd. */
const NON_ROOT_UID = '10001';

function rootUser(file: ParsedDockerfile): CheckFailure[] {
  const users = allInstructions(file, 'user');
  if (users.length === 0) {
    return [{ ...finalStageAnchor(file), message: 'No USER instruction: the container runs as root.', fix: addUserFix(file) }];
  }
  const last = users[users.length - 1];
  const user = last.args[0];
  if (!user) return [];
  const isRoot = (name: string) => user.value === name || (user.value.startsWith(`${name}:`) && user.value.length > name.length + 1);
  if (!isRoot('root') && !isRoot('0')) return [];
  return [{ ...at(user), message: 'The last USER instruction is root, so the container runs as root.' }];
}

/** Inserts `USER 10001` before the last stage's last CMD or ENTRYPOINT (or at its end). */
function addUserFix(file: ParsedDockerfile): CheckFailure['fix'] {
  const stage = file.stages[file.stages.length - 1];
  if (!stage?.from) return undefined;
  const starts = stage.instructions.filter(i => i.cmd === 'cmd' || i.cmd === 'entrypoint');
  const before = starts[0];
  const title = `Run as a non-root user: add 'USER ${NON_ROOT_UID}' (check that the app can read its files as that user)`;
  const eol = file.text.includes('\r\n') ? '\r\n' : '\n';
  if (before) {
    const lineStart = file.text.lastIndexOf('\n', before.start - 1) + 1;
    return { title, safe: false, edits: [{ offset: lineStart, length: 0, newText: `USER ${NON_ROOT_UID}${eol}` }] };
  }
  const last = stage.instructions[stage.instructions.length - 1];
  const lineEnd = file.text.indexOf('\n', last.end);
  const offset = lineEnd === -1 ? file.text.length : lineEnd + 1;
  const prefix = lineEnd === -1 ? eol : '';
  return { title, safe: false, edits: [{ offset, length: 0, newText: `${prefix}USER ${NON_ROOT_UID}${eol}` }] };
}

function sshPort(file: ParsedDockerfile): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const expose of allInstructions(file, 'expose')) {
    for (const port of expose.args) {
      if (port.value !== '22' && port.value !== '22/tcp' && port.value !== '22/udp') continue;
      failures.push({ ...at(port), message: 'EXPOSE publishes port 22 (SSH).', fix: removeExposedPortFix(file, expose, port) });
    }
  }
  return failures;
}

function removeExposedPortFix(file: ParsedDockerfile, expose: DockerInstruction, port: TextPiece): CheckFailure['fix'] {
  if (expose.args.length === 1) {
    const lineStart = file.text.lastIndexOf('\n', expose.start - 1) + 1;
    const newline = file.text.indexOf('\n', expose.end);
    const end = newline === -1 ? file.text.length : newline + 1;
    return { title: 'Remove the EXPOSE instruction for port 22', safe: false, edits: [{ offset: lineStart, length: end - lineStart, newText: '' }] };
  }
  // Remove the port and the blank before it.
  let start = port.start;
  while (start > 0 && (file.text[start - 1] === ' ' || file.text[start - 1] === '\t')) start--;
  return { title: 'Stop exposing port 22', safe: false, edits: [{ offset: start, length: port.end - start, newText: '' }] };
}

/** What ADD is for: remote sources, and local archives it unpacks (by name, as Trivy reads `.tar`). */
const ADD_MARKERS = ['.tar', 'http://', 'https://', 'git@'];
const ARCHIVE_SUFFIXES = ['.tgz', '.gz', '.bz2', '.xz', '.tbz', '.tbz2', '.txz', '.zst'];
const ADD_ONLY_FLAGS = new Set(['checksum', 'keep-git-dir', 'unpack']);

/** ADD forms Trivy leaves alone: `file:<hash> in <dest>` and friends (image history). */
function isHashForm(args: readonly TextPiece[]): boolean {
  const first = args[0]?.value ?? '';
  const hashed = ['file:', 'multi:', 'dir:'].some(prefix => first.startsWith(prefix));
  return hashed && (args.length === 2 || (args.length === 3 && args[1].value === 'in'));
}

/** A shell-form argument without the quotes around it. */
function unquoted(value: string): string {
  return value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0]) ? value.slice(1, -1) : value;
}

function addInsteadOfCopy(file: ParsedDockerfile): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const add of allInstructions(file, 'add')) {
    const joined = add.args.map(arg => arg.value).join(' ');
    if (ADD_MARKERS.some(marker => joined.includes(marker)) || isHashForm(add.args)) continue;
    const sources = add.args.slice(0, -1).map(arg => unquoted(arg.value).toLowerCase());
    if (sources.some(source => ARCHIVE_SUFFIXES.some(suffix => source.endsWith(suffix)))) continue;
    const addOnlyFlag = add.flags.some(flag => ADD_ONLY_FLAGS.has(flag.name));
    failures.push({
      ...at(add),
      message: 'ADD copies local files here; COPY does the same without unpacking archives or fetching URLs.',
      fix: addOnlyFlag ? undefined : {
        title: 'Use COPY instead of ADD',
        safe: true,
        edits: [{ offset: add.keyword.start, length: add.keyword.end - add.keyword.start, newText: keywordCase(add.keyword.value, 'COPY') }],
      },
    });
  }
  return failures;
}

function copyFromItself(file: ParsedDockerfile): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const stage of file.stages) {
    const alias = stage.alias?.value.toLowerCase();
    if (!alias) continue;
    for (const copy of stage.instructions.filter(i => i.cmd === 'copy')) {
      for (const flag of copy.flags) {
        if (flag.name === 'from' && flag.flagValue?.toLowerCase() === alias) {
          failures.push({ ...at(flag), message: 'COPY --from names the stage it is in; a stage cannot copy from itself.' });
        }
      }
    }
  }
  return failures;
}

/** One finding per stage with more than one `cmd`, at the second (as Trivy places it). */
function repeatedInStage(cmd: string, name: string) {
  return (file: ParsedDockerfile): CheckFailure[] => file.stages.flatMap(stage => {
    const found = stage.instructions.filter(i => i.cmd === cmd);
    if (found.length < 2) return [];
    return [{ ...at(found[1]), message: `This stage has ${found.length} ${name} instructions; only the last one takes effect.` }];
  });
}

function portOutOfRange(file: ParsedDockerfile): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const expose of allInstructions(file, 'expose')) {
    for (const port of expose.args) {
      const number = port.value.split('/')[0];
      if (/^\d+$/.test(number) && Number(number) > 65535) {
        failures.push({ ...at(port), message: 'EXPOSE names a port above 65535, which does not exist.' });
      }
    }
  }
  return failures;
}

/** WORKDIR's path as written (quotes removed), and where it is. */
function workdirPath(workdir: DockerInstruction): { path: string; piece: { start: number; end: number } } | undefined {
  const first = workdir.args[0];
  const last = workdir.args[workdir.args.length - 1];
  if (!first) return undefined;
  const raw = workdir.args.map(arg => arg.value).join(' ');
  return { path: unquoted(raw), piece: { start: first.start, end: last.end } };
}

function workdirNotAbsolute(file: ParsedDockerfile): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const workdir of allInstructions(file, 'workdir')) {
    const found = workdirPath(workdir);
    if (!found) continue;
    const { path } = found;
    // A variable may hold an absolute path; `C:\app` is absolute on Windows images.
    const absolute = path.startsWith('/') || path.startsWith('$') || /^[A-Za-z]:/.test(path);
    if (!absolute) failures.push({ ...found.piece, message: 'WORKDIR is a relative path, which depends on the WORKDIR before it.' });
  }
  return failures;
}

function eachRun(file: ParsedDockerfile, test: (run: DockerInstruction) => CheckFailure | undefined): CheckFailure[] {
  return allInstructions(file, 'run').flatMap(run => {
    const failure = test(run);
    return failure ? [failure] : [];
  });
}

function sudo(file: ParsedDockerfile): CheckFailure[] {
  return eachRun(file, run => (run.shell.some(command => program(command) === 'sudo')
    ? { ...at(run), message: 'RUN calls sudo.' }
    : undefined));
}

function copyManyToFile(file: ParsedDockerfile): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const copy of allInstructions(file, 'copy')) {
    if (copy.args.length <= 2 || isHashForm(copy.args)) continue;
    const destination = copy.args[copy.args.length - 1];
    if (unquoted(destination.value).endsWith('/')) continue;
    const quoted = copy.json || unquoted(destination.value) !== destination.value;
    const offset = quoted ? destination.end - 1 : destination.end; // inside the closing quote
    failures.push({
      ...at(destination),
      message: 'COPY has several sources, so its destination must be a folder ending with /.',
      fix: { title: 'End the COPY destination with /', safe: true, edits: [{ offset, length: 0, newText: '/' }] },
    });
  }
  return failures;
}

function duplicateAlias(file: ParsedDockerfile): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const named = file.stages.filter((stage): stage is DockerStage & { alias: TextPiece } => stage.alias !== undefined);
  const laterNames = new Map<string, number>();
  for (const stage of named) laterNames.set(stage.alias.value.toLowerCase(), (laterNames.get(stage.alias.value.toLowerCase()) ?? 0) + 1);
  for (const stage of named) {
    const name = stage.alias.value.toLowerCase();
    const remaining = laterNames.get(name)! - 1;
    laterNames.set(name, remaining);
    if (remaining > 0) failures.push({ ...at(stage.alias), message: 'A later FROM gives another stage this same name.' });
  }
  return failures;
}

function cdInRun(file: ParsedDockerfile): CheckFailure[] {
  return eachRun(file, run => (run.shell.some(command => !command.inSubshell && program(command) === 'cd')
    ? { ...at(run), message: "RUN changes directory with 'cd'." }
    : undefined));
}

function wgetAndCurl(file: ParsedDockerfile): CheckFailure[] {
  const uses = (run: DockerInstruction, tool: string) => run.shell.some(command => program(command) === tool);
  const runs = allInstructions(file, 'run');
  if (!runs.some(run => uses(run, 'curl'))) return [];
  return runs.filter(run => uses(run, 'wget'))
    .map(run => ({ ...at(run), message: 'This RUN downloads with wget while another uses curl.' }));
}

/** A package manager's install without its cache cleaned later in the same RUN. */
function cacheNotCleaned(tool: string, installs: readonly string[], cleans: (call: ToolCall) => boolean, clean: string) {
  return (file: ParsedDockerfile): CheckFailure[] => eachRun(file, run => {
    let lastInstall = -1;
    let lastClean = -1;
    run.shell.forEach((command, index) => {
      for (const call of toolCalls([command], [tool])) {
        if (call.subcommand && installs.includes(call.subcommand.text)) lastInstall = index;
        else if (cleans(call)) lastClean = index;
      }
    });
    return lastInstall !== -1 && lastClean < lastInstall
      ? { ...at(run), message: `RUN installs with ${tool} without '${clean}' after it, so the package cache stays in the layer.` }
      : undefined;
  });
}

const cleanAll = (call: ToolCall) => call.subcommand?.text === 'clean' && call.rest.some(word => word.text === 'all');

const PACKAGE_MANAGERS: readonly (readonly string[])[] = [['apt-get', 'apt'], ['yum'], ['apk'], ['dnf'], ['zypper']];
const UPDATES = ['update', 'up'];
const INSTALLS = ['upgrade', 'install', 'source-install', 'reinstall', 'groupinstall', 'localinstall', 'add'];

function updateAlone(file: ParsedDockerfile): CheckFailure[] {
  return eachRun(file, run => {
    for (const tools of PACKAGE_MANAGERS) {
      let firstUpdate = -1;
      let lastInstall = -1;
      run.shell.forEach((command, index) => {
        for (const call of toolCalls([command], tools)) {
          const sub = call.subcommand?.text ?? '';
          if (UPDATES.includes(sub) && firstUpdate === -1) firstUpdate = index;
          if (INSTALLS.includes(sub)) lastInstall = index;
        }
      });
      if (firstUpdate !== -1 && lastInstall < firstUpdate) {
        return { ...at(run), message: 'RUN updates the package index without installing anything after it; a later install may use a stale cached index.' };
      }
    }
    return undefined;
  });
}

/** Each `apt-get install` of a RUN whose words lack what `has` looks for. */
function aptGetInstallsWithout(run: DockerInstruction, has: (words: readonly ShellWord[]) => boolean): ToolCall[] {
  return toolCalls(run.shell, ['apt-get']).filter(call => call.subcommand?.text === 'install' && !has(call.rest));
}

function aptGetFlagCheck(hasFlag: (words: readonly ShellWord[]) => boolean, flag: string, message: string, safe: boolean) {
  return (file: ParsedDockerfile): CheckFailure[] => eachRun(file, run => {
    const calls = aptGetInstallsWithout(run, hasFlag);
    if (calls.length === 0) return undefined;
    const fix = run.json ? undefined : {
      title: `Add ${flag} to apt-get install`,
      safe,
      edits: calls.map(call => ({ offset: call.subcommand!.end, length: 0, newText: ` ${flag}` })),
    };
    return { ...at(run), message, fix };
  });
}

/**
 * The words of an `apt-get install` that answer yes: `-y`, `--yes`, `--assume-yes`, a group of short
 * flags with y in it (`-qy`), or quiet level 2 (`-qq`, `-q -q`, `-q=2`), which implies -y.
 */
function assumesYes(words: readonly ShellWord[]): boolean {
  let quiet = 0;
  for (const { text } of words) {
    if (text === '--yes' || text === '--assume-yes') return true;
    if (text === '-q=2' || text === '--quiet=2') return true;
    if (!isShortFlagGroup(text)) continue;
    if (text.includes('y')) return true;
    for (const char of text) if (char === 'q') quiet++;
  }
  return quiet >= 2;
}

/** `-abc`: one dash and letters only. */
function isShortFlagGroup(word: string): boolean {
  if (word.length < 2 || word[0] !== '-' || word[1] === '-') return false;
  for (let i = 1; i < word.length; i++) {
    const code = word.charCodeAt(i) | 0x20;
    if (code < 0x61 || code > 0x7a) return false;
  }
  return true;
}

function maintainer(file: ParsedDockerfile): CheckFailure[] {
  return allInstructions(file, 'maintainer').map(instruction => ({ ...at(instruction), message: 'MAINTAINER is deprecated.' }));
}

function distUpgrade(file: ParsedDockerfile): CheckFailure[] {
  return eachRun(file, run => (toolCalls(run.shell, ['apt-get']).some(call => call.rest.some(word => word.text === 'dist-upgrade'))
    ? { ...at(run), message: "RUN calls 'apt-get dist-upgrade'." }
    : undefined));
}

function apkWithoutNoCache(file: ParsedDockerfile): CheckFailure[] {
  return eachRun(file, run => {
    const calls = toolCalls(run.shell, ['apk']).filter(call => call.subcommand?.text === 'add' && !call.rest.some(word => word.text === '--no-cache'));
    if (calls.length === 0) return undefined;
    return {
      ...at(run),
      message: "RUN calls 'apk add' without --no-cache, so the package index stays in the layer.",
      fix: run.json ? undefined : {
        title: 'Add --no-cache to apk add',
        safe: true,
        edits: calls.map(call => ({ offset: call.subcommand!.end, length: 0, newText: ' --no-cache' })),
      },
    };
  });
}

function noHealthcheck(file: ParsedDockerfile): CheckFailure[] {
  if (allInstructions(file, 'healthcheck').length > 0) return [];
  return [{ ...finalStageAnchor(file), message: 'No HEALTHCHECK instruction: nothing tells whether the container still works.' }];
}

const SYSTEM_DIRS = ['/proc', '/boot', '/dev', '/initrd', '/lost+found'];

function workdirInSystemDir(file: ParsedDockerfile): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const workdir of allInstructions(file, 'workdir')) {
    const found = workdirPath(workdir);
    if (found && SYSTEM_DIRS.some(dir => found.path === dir || found.path.startsWith(`${dir}/`))) {
      failures.push({ ...found.piece, message: 'WORKDIR is inside a system folder.' });
    }
  }
  return failures;
}

const SECRET_ENVS = new Set([
  'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET',
  'GITHUB_TOKEN', 'OPENAI_API_KEY', 'HF_TOKEN',
]);
const SECRET_ENV_PREFIXES = ['VITE_', 'REACT_APP_'];
const SECRET_FILE_ENVS = new Set(['AWS_CONFIG_FILE', 'HF_TOKEN_PATH', 'GOOGLE_APPLICATION_CREDENTIALS']);
const CREDENTIAL_COMMANDS = [
  'aws configure set aws_access_key_id', 'aws configure set aws_secret_access_key', 'gcloud auth activate-service-account', 'az login',
];

function isSecretEnv(name: string): boolean {
  return SECRET_ENVS.has(name) || SECRET_ENV_PREFIXES.some(prefix => name.startsWith(prefix) && SECRET_ENVS.has(name.slice(prefix.length)));
}

/** A path with quotes, a leading `.` or `/` and a trailing `/` taken off, for Trivy's sub-path test. */
function cleanPath(path: string): string {
  let clean = path;
  if (clean.endsWith('"')) clean = clean.slice(0, -1);
  if (clean.startsWith('"')) clean = clean.slice(1);
  if (clean.startsWith('.')) clean = clean.slice(1);
  if (clean.startsWith('/')) clean = clean.slice(1);
  if (clean.endsWith('/')) clean = clean.slice(0, -1);
  return clean;
}

function passedSecrets(file: ParsedDockerfile): CheckFailure[] {
  const stage = file.stages[file.stages.length - 1];
  if (!stage) return [];
  const failures: CheckFailure[] = [];
  const copies = stage.instructions.filter(i => i.cmd === 'copy');
  const copiedTo = copies.flatMap(copy => (copy.args.length > 0 ? [cleanPath(copy.args[copy.args.length - 1].value)] : []));
  for (const instruction of stage.instructions) {
    const where = instruction.cmd.toUpperCase();
    for (const variable of instruction.variables) {
      const name = variable.name.value;
      if (isSecretEnv(name)) {
        failures.push({ ...at(variable.name), message: `${where} sets ${name}, which stays readable in the image's history and config.` });
      } else if (SECRET_FILE_ENVS.has(name) && variable.value && copiedTo.some(dest => cleanPath(variable.value!).startsWith(dest))) {
        failures.push({ ...at(variable.name), message: `${where} points ${name} at a credentials file copied into the image.` });
      }
    }
    if (instruction.cmd === 'copy' && instruction.args.length === 2) {
      const destination = instruction.args[1].value.replace(/^\$/, '');
      if (SECRET_FILE_ENVS.has(destination)) failures.push({ ...at(instruction), message: `COPY puts a credentials file at $${destination} in the image.` });
    }
    if (instruction.cmd === 'run' && !instruction.flags.some(flag => flag.value.startsWith('--mount=type=secret'))) {
      const script = instruction.shell.map(commandText).join('\n');
      if (CREDENTIAL_COMMANDS.some(phrase => script.includes(phrase))) {
        failures.push({ ...at(instruction), message: 'RUN sets up cloud credentials without a secret mount, so they stay in the layer.' });
      }
    }
  }
  return failures;
}

const IMPLEMENTATIONS: Record<string, (file: ParsedDockerfile) => CheckFailure[]> = {
  'DS-0001': latestTag,
  'DS-0002': rootUser,
  'DS-0004': sshPort,
  'DS-0005': addInsteadOfCopy,
  'DS-0006': copyFromItself,
  'DS-0007': repeatedInStage('entrypoint', 'ENTRYPOINT'),
  'DS-0008': portOutOfRange,
  'DS-0009': workdirNotAbsolute,
  'DS-0010': sudo,
  'DS-0011': copyManyToFile,
  'DS-0012': duplicateAlias,
  'DS-0013': cdInRun,
  'DS-0014': wgetAndCurl,
  'DS-0015': cacheNotCleaned('yum', ['install'], cleanAll, 'yum clean all'),
  'DS-0016': repeatedInStage('cmd', 'CMD'),
  'DS-0017': updateAlone,
  'DS-0019': cacheNotCleaned('dnf', ['install', 'in', 'reinstall', 'rei', 'install-n', 'install-na', 'install-nevra'], cleanAll, 'dnf clean all'),
  'DS-0020': cacheNotCleaned('zypper', ['in', 'install', 'remove', 'rm', 'source-install', 'si', 'patch'],
    call => call.subcommand?.text === 'clean' || call.subcommand?.text === 'cc', 'zypper clean'),
  'DS-0021': aptGetFlagCheck(assumesYes, '-y', "RUN calls 'apt-get install' without -y, so it stops to ask for confirmation.", true),
  'DS-0022': maintainer,
  'DS-0023': repeatedInStage('healthcheck', 'HEALTHCHECK'),
  'DS-0024': distUpgrade,
  'DS-0025': apkWithoutNoCache,
  'DS-0026': noHealthcheck,
  'DS-0027': cacheNotCleaned('microdnf', ['install', 'reinstall'], cleanAll, 'microdnf clean all'),
  'DS-0029': aptGetFlagCheck(words => words.some(word => word.text === '--no-install-recommends'), '--no-install-recommends',
    "RUN calls 'apt-get install' without --no-install-recommends, so recommended packages are installed too.", false),
  'DS-0030': workdirInSystemDir,
  'DS-0031': passedSecrets,
};

/** Every Dockerfile check, in rule order. */
export const DOCKERFILE_CHECKS: readonly DockerfileCheck[] = DOCKERFILE_RULES.map(rule => {
  const run = IMPLEMENTATIONS[rule.id];
  if (!run) throw new Error(`no check for ${rule.id}`);
  return { rule, run };
});
