// What an exports repository's workflows `uses:`: the Action in this tool's own repository (package.json's
// `repository`), at the major version tag of the installed release, which moves with every compatible release.

import { InternalError } from '../errors.js';

export interface PackageManifest {
  version: string;
  repository?: string | { url?: string };
}

export function actionReference(manifest: PackageManifest): string {
  const url = typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
  const repository = /(?:github\.com[/:]|^github:)([\w.-]+\/[\w.-]+?)(?:\.git)?$/.exec(url ?? '')?.[1];
  if (repository === undefined) throw new InternalError(`package.json names no GitHub repository (${url ?? 'none'})`);
  return `${repository}@v${manifest.version.split('.')[0]!}`;
}
