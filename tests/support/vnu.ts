// The W3C Nu HTML Checker (vnu-jar, on the machine's Java): one run reads
// every file given and answers its messages.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const vnuJar = join(createRequire(import.meta.url).resolve('vnu-jar'), '..', 'build', 'dist', 'vnu.jar');

export type VnuMessage = { type: string; subType?: string; url: string; message: string; extract?: string; lastLine?: number };

export function vnu(files: string[]): Promise<VnuMessage[]> {
  return new Promise((resolve, reject) => {
    execFile(
      'java',
      ['-jar', vnuJar, '--format', 'json', '--exit-zero-always', ...files],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, _stdout, stderr) => {
        if (error) return reject(error);
        resolve((JSON.parse(stderr) as { messages: VnuMessage[] }).messages);
      },
    );
  });
}

/** The messages that fail a page: errors and fatal ones. */
export const vnuErrors = (messages: VnuMessage[]) => messages.filter((m) => m.type === 'error' || m.subType === 'fatal');
