import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { isKeywardError, usageError, type KeywardError } from './core/errors.js';
import { OK, type Outcome } from './core/outcome.js';
import { parseSeverity, SEVERITIES, type Severity } from './core/severity.js';
import type { DoctorFlags } from './commands/doctor.js';
import { createDeps, readVersion, type Deps } from './deps.js';

/** design.md's exit codes, in one table. */
const EXIT = { ok: 0, findings: 1, usage: 2, failure: 3, cancelled: 130 } as const;

interface State {
  outcome: Outcome;
  deps?: Deps;
  /** What commander would have printed for a command-line mistake. */
  parseError?: string;
}

interface GlobalFlags {
  cwd?: string;
  color: boolean;
  debug?: boolean;
}

function severityArg(value: string): Severity {
  const s = parseSeverity(value);
  if (!s) throw new InvalidArgumentError(`expected one of ${SEVERITIES.join(', ')}.`);
  return s;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a whole number of days, like 90.');
  return n;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The doctor's flags, for `keyward doctor` and for bare `keyward`, which runs the doctor when given any of them. */
function addDoctorOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--provider <id>', 'check this provider (repeatable)').argParser(collect))
    .option('--offline', 'make no network calls')
    .addOption(new Option('--live <mode>', 'live calls: auth (default) or full').choices(['auth', 'full']))
    .option('--no-history', 'do not scan git history')
    .option('--no-cache', "read every file and blob again instead of reusing what earlier scans found (kept in the repository's .git/keyward)")
    .addOption(new Option('--fail-on <level>', 'exit 1 for findings at or above this severity').argParser(severityArg).default('high'))
    .option('--ci', 'deploy gate: plain output, never prompt; network failures and missing keys reported but not fatal')
    .option('--fail-on-network', 'with --ci: an unreachable provider fails the gate too')
    .option('--require-keys', 'with --ci: a missing key fails the gate (default: a note, as CI runners rarely hold keys; or package.json keyward.requireKeys)')
    .option('--json', 'print the keyward.report/v1 JSON document')
    .option('--sarif <file>', 'also write SARIF 2.1.0 to this file')
    .option('--markdown <file>', 'also write a Markdown report to this file')
    .option('--verbose', 'show rule and check ids, and every app of a monorepo in full')
    .option('--quiet', 'no progress line while the checks run')
    .addOption(new Option('--rotation-days <days>', 'report keys stored longer ago than this (default: package.json keyward.rotationDays, else 90)').argParser(positiveInt))
    .option('--fix', 'apply the safe fixes (.gitignore line, git rm --cached, chmod 600, .env.example)')
    .option('--dry-run', 'with --fix: list the fixes, change nothing')
    .option('--yes', 'with --fix: apply without asking')
    .option('--to-keychain', 'with --fix: also move keys from .env files into the OS keychain');
}

/**
 * Builds the program for `args`; every action loads its command module on demand so `--version`
 * stays fast. `withHome` adds bare `keyward` as the default command.
 */
function buildProgram(state: State, args: readonly string[], withHome = true): Command {
  const program = new Command('keyward');
  const depsFor = (cmd: Command): Deps => {
    const g = cmd.optsWithGlobals<GlobalFlags>();
    const cwd = resolve(g.cwd ?? process.cwd());
    if (!existsSync(cwd) || !statSync(cwd).isDirectory()) {
      throw usageError('--cwd: no such folder', 'Pass an existing project folder.');
    }
    state.deps = createDeps({ cwd, noColor: !g.color, debug: Boolean(g.debug) });
    return state.deps;
  };

  program
    .description('Keeps the API keys of LLM apps safe: finds missing, exposed and failing keys, with the fix for each.')
    .version(readVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('--cwd <dir>', 'run in this project folder instead of the current one')
    .option('--no-color', 'plain text output, no colour')
    .option('--debug', 'print stack traces of internal errors (keys are still redacted)')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      // Printed by main() once the key scrubber is loaded (it is not needed on the fast path).
      outputError: (str) => {
        state.parseError = str;
      },
    });

  addDoctorOptions(program.command('doctor').description('one report of missing, exposed and misconfigured keys, with the fix for each')).action(
    async (opts, cmd: Command) => {
      const deps = depsFor(cmd);
      const { doctorCommand } = await import('./commands/doctor.js');
      state.outcome = await doctorCommand(opts, deps);
    },
  );

  program
    .command('test')
    .description('live test calls (auth, sync, async) for the configured key, and what a failure means')
    .option('--provider <id>', 'test this provider only')
    .option('--model <name>', 'model for the sync and async calls')
    .option('--base-url <url>', "call this base URL instead of the provider's")
    .option('--timeout <seconds>', 'per-call timeout in seconds', '15')
    .option('--json', 'print the keyward.report/v1 JSON document with its calls')
    .action(async (opts, cmd: Command) => {
      const deps = depsFor(cmd);
      const { testCommand } = await import('./commands/test.js');
      state.outcome = await testCommand(opts, deps);
    });

  program
    .command('scan')
    .description('find exposed keys in the working tree, the staged changes or the whole git history')
    .argument('[path]', 'folder or file to scan (default: the project folder)')
    .option('--history', 'also scan every blob reachable from any branch, tag, remote or stash')
    .option('--staged', 'scan only what is staged for the next commit (for a pre-commit hook)')
    .option('--write-baseline', 'accept the keys found now: write their fingerprints to .keyward-baseline')
    .addOption(new Option('--fail-on <level>', 'exit 1 for findings at or above this severity').argParser(severityArg).default('high'))
    .option('--json', 'print the keyward.report/v1 JSON document (exposure findings only)')
    .option('--sarif <file>', 'also write SARIF 2.1.0 to this file')
    .option('--verify', "check each exposed key with its provider's free auth call: live, revoked or unknown")
    .option('--quiet', 'no progress line on stderr while the scan runs')
    .option('--no-cache', "read every file and blob again instead of reusing what earlier scans found (kept in the repository's .git/keyward)")
    .action(async (path: string | undefined, opts, cmd: Command) => {
      const deps = depsFor(cmd);
      const { scanCommand } = await import('./commands/scan.js');
      state.outcome = await scanCommand(path, opts, deps);
    });

  program
    .command('setup')
    .description('a wizard: paste a key (hidden), test it, store it in the OS keychain or a .env file kept out of git')
    .option('--provider <id>', 'the provider of the key (default: asked, or the one the project uses)')
    .addOption(new Option('--store <where>', 'where the key lives').choices(['keychain', 'dotenv']))
    // Not --env-file: node itself reads a file named after --env-file anywhere in argv before keyward starts (exit 9 when missing).
    .option('--dotenv-file <path>', 'the .env file for --store dotenv (default: .env)')
    .addOption(new Option('--env-file <path>').hideHelp())
    .option('--key-stdin', 'read the key from standard input (keys never go on the command line)')
    .option('--yes', 'answer yes: store, add the .gitignore line, untrack a committed .env')
    .option('--skip-test', 'store the key without the test calls')
    .option('--timeout <seconds>', 'per-call timeout of the test calls in seconds (default: 20)')
    .action(async (opts, cmd: Command) => {
      const deps = depsFor(cmd);
      const { setupCommand } = await import('./commands/setup.js');
      state.outcome = await setupCommand(opts, deps);
    });

  program
    .command('run')
    .description("run a command with the project's keys in its environment (keychain, then .env; a variable already set wins)")
    .usage('[--provider ID]... [--mask] -- COMMAND [ARG...]')
    .argument('[command...]', 'the command and its arguments, after `--`')
    .addOption(new Option('--provider <id>', 'hand over only this provider\'s key, and fail if there is none (repeatable)').argParser(collect))
    .option('--mask', "replace any configured key in the command's output with its redacted form")
    .action(async (words: string[], opts, cmd: Command) => {
      // Commander stops parsing options at `--` and keeps the rest as operands. Without `--`, the
      // command's own options would have been taken for keyward's, so that form is refused.
      if (words.length > 0 && !args.includes('--')) {
        throw usageError('put the command after `--`', "keyward's own options go before `--`, the command's after it: keyward run -- COMMAND [ARG...].");
      }
      const deps = depsFor(cmd);
      const { runCommand } = await import('./commands/run.js');
      state.outcome = await runCommand(words, opts, deps);
    });

  program
    .command('rotate')
    .description('replace a stored key: test the new one, store it where the old one was, find copies of the old one')
    .option('--provider <id>', 'the provider whose key to replace (default: the one stored key, or asked)')
    .option('--key-stdin', 'read the new key from standard input (keys never go on the command line)')
    .option('--yes', 'store the new key without a question once it passed its test')
    .action(async (opts, cmd: Command) => {
      const deps = depsFor(cmd);
      const { rotateCommand } = await import('./commands/rotate.js');
      state.outcome = await rotateCommand(opts, deps);
    });

  program
    .command('hook')
    .description('install or remove the git pre-commit hook that blocks a commit adding a key')
    .addArgument(new Argument('<action>', 'install or uninstall').choices(['install', 'uninstall']))
    .action(async (action: 'install' | 'uninstall', _opts, cmd: Command) => {
      const deps = depsFor(cmd);
      const { hookCommand } = await import('./commands/hook.js');
      state.outcome = await hookCommand(action, deps);
    });

  if (!withHome) return program;
  addDoctorOptions(
    program
      .command('home', { hidden: true, isDefault: true })
      .description('bare `keyward`: the wizard in a terminal when no key is configured, else the doctor')
      .argument('[word]'),
  ).action(async (word: string | undefined, opts: DoctorFlags, cmd: Command) => {
    // A word that names no command lands here, as the default command's argument: the program
    // without a default command gives commander's own "unknown command (did you mean …)".
    if (word !== undefined) return void (await buildProgram(state, args, false).parseAsync(args, { from: 'user' }));
    const deps = depsFor(cmd);
    const { homeCommand } = await import('./commands/home.js');
    // Any doctor flag (`keyward --offline`, `keyward --json`) asks for the doctor.
    const doctorAsked = cmd.options.some((o) => cmd.getOptionValueSource(o.attributeName()) === 'cli');
    state.outcome = await homeCommand(opts, doctorAsked, deps);
  });

  return program;
}

/** An option name as typed, when it can only be one (`--josn`); anything else may be a pasted value. */
const OPTION_NAME = /^--?[A-Za-z][A-Za-z-]{0,30}$/;

/**
 * Commander's message for a command-line mistake, as one line that names what was wrong and
 * never echoes a value: a key pasted in the wrong place must not come back on the screen.
 */
export function describeParseError(code: string, message: string): string {
  const text = message.replace(/^error:\s*/, '');
  const suggestion = /\(Did you mean ([^)]*)\)/.exec(text)?.[1];
  const didYouMean = suggestion ? ` (did you mean ${suggestion})` : '';
  switch (code) {
    case 'commander.unknownCommand':
      return `unknown command${didYouMean}; \`keyward --help\` lists the commands`;
    case 'commander.unknownOption': {
      const flag = /^unknown option '(.*)'/.exec(text)?.[1] ?? '';
      return `${OPTION_NAME.test(flag) ? `unknown option '${flag}'` : 'unknown option'}${didYouMean}`;
    }
    case 'commander.excessArguments':
      return text.replace(/ but got (\d+): [\s\S]*$/, ' but got $1.');
    case 'commander.invalidArgument': {
      const reason = text.slice(text.lastIndexOf(' is invalid') + ' is invalid'.length).replace(/^(?: for argument '([^']*)')?\.\s*/, '');
      const option = /^option '([^']*)'/.exec(text)?.[1];
      const argument = /is invalid for argument '([^']*)'/.exec(text)?.[1];
      return `invalid value for ${option ?? argument ?? 'an argument'}${reason ? `: ${reason}` : ''}`;
    }
    default:
      return text.replace(/\s*\n\s*\(Did you mean/, ' (did you mean').trim();
  }
}

/**
 * Parts of the command line shaped like a key (a value, or a file or folder name in a path:
 * `--sarif out/<key>.sarif`), so a key pasted where it does not belong is cut from any error.
 * Only whole key shapes count: a temp folder's name must not cut the word `keyward` from a fix.
 */
function keyLikeWords(args: readonly string[], isKeyShaped: (word: string) => boolean): string[] {
  return args.flatMap((a) => (a.startsWith('-') && !a.includes('=') ? [] : a.split(/[=/\\.\s]/))).filter((w) => !w.startsWith('-') && isKeyShaped(w));
}

/** Prints an error as one line (message and fix), keys scrubbed; the stack only with --debug. */
function reportError(error: unknown, debug: boolean, scrubKeys: (s: string) => string, write: (s: string) => void): number {
  if (isKeywardError(error)) {
    const e: KeywardError = error;
    write(`keyward: ${scrubKeys(e.message)}${e.fix ? ` Fix: ${scrubKeys(e.fix)}` : ''}\n`);
    if (debug && e.cause instanceof Error && e.cause.stack) write(`${scrubKeys(e.cause.stack)}\n`);
    return e.kind === 'usage' || e.kind === 'needs-answer' ? EXIT.usage : e.kind === 'cancelled' ? EXIT.cancelled : EXIT.failure;
  }
  const message = error instanceof Error ? error.message : String(error);
  write(`keyward: internal error: ${scrubKeys(message)}${debug ? '' : ' (run with --debug for details)'}\n`);
  if (debug && error instanceof Error && error.stack) write(`${scrubKeys(error.stack)}\n`);
  return EXIT.failure;
}

/** Runs keyward with `argv` (process.argv shape) and returns the exit code of design.md. */
export async function main(argv: readonly string[]): Promise<number> {
  const state: State = { outcome: OK };
  const args = argv.slice(2);
  const program = buildProgram(state, args);
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    // Error paths may print text that holds a key (a key pasted as an argument, a library's message).
    const { cutKeyMaterial, isKeyShaped, scrubKeys: scrubShapes } = await import('./providers/scrub.js');
    const typed = keyLikeWords(args, isKeyShaped);
    const scrubKeys = (text: string): string => scrubShapes(cutKeyMaterial(text, typed));
    if (error instanceof CommanderError) {
      if (state.parseError) process.stderr.write(`keyward: ${scrubKeys(describeParseError(error.code, state.parseError))}\n`);
      return error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? EXIT.ok : EXIT.usage;
    }
    const debug = state.deps?.debug ?? args.includes('--debug');
    // In a terminal a long message breaks at spaces, continuation rows under its text, never inside a word or URL.
    const columns = process.stderr.isTTY ? process.stderr.columns : undefined;
    const { linesText } = await import('./report/terminal-lines.js');
    const rows = (s: string) => s.replace(/\n$/, '').split('\n').map((l) => ({ indent: l.length - l.trimStart().length, hang: 2, spans: [{ text: l.trimStart() }] }));
    return reportError(error, debug, scrubKeys, (s) => process.stderr.write(columns ? linesText(rows(s), columns) : s));
  }
  switch (state.outcome.kind) {
    case 'ok':
      return EXIT.ok;
    case 'findings':
      return EXIT.findings;
    case 'child':
      return state.outcome.code;
  }
}

/** The bin's entry: run, then exit once output is flushed, even if a native keychain call still hangs. */
export async function run(): Promise<void> {
  process.on('SIGINT', () => process.exit(EXIT.cancelled));
  const code = await main(process.argv);
  process.exitCode = code;
  setTimeout(() => process.exit(code), 100).unref();
}
