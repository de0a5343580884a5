import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';

/** The path of `program` as a shell would find it through `PATH` (or the program itself when it names a path), if executable. */
export async function findProgram(program: string, searchPath: string | undefined): Promise<string | undefined> {
  const candidates = program.includes('/') ? [program] : (searchPath ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, program));
  for (const candidate of candidates) {
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return (await stat(file)).isFile();
  } catch {
    // Missing or not executable: not this one.
    return false;
  }
}
