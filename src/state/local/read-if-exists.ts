import { fsPromises } from '../../on-first-use.js';
// A file's text, or undefined when it does not exist: the local backend's files are all optional.

export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await fsPromises().readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
