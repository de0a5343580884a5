import type { ScriptLanguage } from '@osprey/flow-model';

/** How a language's `Script` task turns its inline source into a command line, and what its tasks need on the worker. */
export interface ScriptLanguageSpec {
  language: ScriptLanguage;
  /** Programs that run the language, the first found on the PATH wins; empty for shell, which the interpreter runs. */
  programs: readonly string[];
  /** Extension of the file a `Script` task's source is written to; undefined runs the source as the command itself (shell). */
  extension?: string;
  /** The command line that runs the source file with `program` (both already shell-quoted). */
  runCommand?(program: string, file: string): string;
  /** The shell that runs the command lines, when the task sets no `interpreter`. */
  interpreter: readonly string[];
  /** The line put first when `failFast` is on. */
  exitOnError: string;
  /** Text put before a `Script` task's source. */
  prelude?: string;
  /** Environment the language's tasks always get (the task's `env` may override it). */
  env?: Readonly<Record<string, string>>;
}

const SHELL = ['/bin/sh', '-c'] as const;
const SET_E = 'set -e';
const run = (command: string) => (program: string, file: string) => `${program}${command} ${file}`;

/** Kestra's defaults per language (plugin-script-*): programs, file extensions and interpreters. */
export const SCRIPT_LANGUAGE_SPECS: Readonly<Record<ScriptLanguage, ScriptLanguageSpec>> = {
  shell: { language: 'shell', programs: [], interpreter: SHELL, exitOnError: SET_E },
  python: {
    language: 'python',
    // Kestra's Process runner tries python3 first: Debian and Ubuntu ship no bare `python` unless python-is-python3 is installed.
    programs: ['python3', 'python'],
    extension: '.py',
    // An environment activated by beforeCommands (or the task's dependencies) wins over the worker's python, as in Kestra.
    runCommand: (program, file) => `if [ -n "$VIRTUAL_ENV" ]; then "$VIRTUAL_ENV/bin/python" ${file}; else ${program} ${file}; fi`,
    interpreter: SHELL,
    exitOnError: SET_E,
    // Pebble renders booleans and null in JSON's words; Kestra aliases them so that `x = {{ flag }}` is valid Python.
    prelude: 'true = True\nfalse = False\nnull = None\n\n',
    env: { PYTHONUNBUFFERED: 'true', PIP_ROOT_USER_ACTION: 'ignore', PIP_DISABLE_PIP_VERSION_CHECK: '1' },
  },
  node: { language: 'node', programs: ['node'], extension: '.js', runCommand: run(''), interpreter: SHELL, exitOnError: SET_E },
  ruby: { language: 'ruby', programs: ['ruby'], extension: '.rb', runCommand: run(''), interpreter: SHELL, exitOnError: SET_E },
  r: { language: 'r', programs: ['Rscript'], extension: '.R', runCommand: run(''), interpreter: SHELL, exitOnError: SET_E },
  julia: { language: 'julia', programs: ['julia'], extension: '.jl', runCommand: run(''), interpreter: SHELL, exitOnError: SET_E },
  powershell: {
    language: 'powershell',
    programs: ['pwsh'],
    extension: '.ps1',
    runCommand: (_program, file) => `& ${file}`,
    interpreter: ['pwsh', '-NoProfile', '-NonInteractive', '-Command'],
    exitOnError: "$ErrorActionPreference = 'Stop'",
  },
  go: { language: 'go', programs: ['go'], extension: '.go', runCommand: run(' run'), interpreter: SHELL, exitOnError: SET_E },
};

/** Single-quotes a word for a POSIX shell (PowerShell reads single-quoted text literally too). */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}
