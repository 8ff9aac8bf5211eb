// Where the installed package's own files are: dist/ sits beside schemas/, templates/ and the shipped workflows.

import { fileURLToPath } from 'node:url';

export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
