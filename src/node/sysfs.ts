import { readdirSync, readFileSync } from 'node:fs';

/**
 * The two synchronous file operations the RAPL reader needs. The default reads the real file system;
 * tests pass their own to simulate what a temporary folder cannot, such as files that only root may
 * read when the tests themselves run as root. Errors should carry Node's `code` (`'ENOENT'`,
 * `'EACCES'`, ...).
 */
export interface SysfsReader {
  /** Names of the entries of a directory. */
  readdir(path: string): string[];
  /** The whole content of a small file, as text. */
  readFile(path: string): string;
}

/** Reads the real file system with `readdirSync` and `readFileSync`. */
export const nodeSysfsReader: SysfsReader = {
  readdir: (path) => readdirSync(path),
  readFile: (path) => readFileSync(path, 'utf8'),
};

/** The `code` of a Node.js system error, if any. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
