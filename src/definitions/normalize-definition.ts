// Normalization: a schema-valid definition becomes exactly what will be sent, so plans and hashes show the
// payload rather than the spelling. Delimiter names become characters and every default is filled in.

import { delimiterCharacter } from '../contract/export-format.js';
import type { FormatDefaults } from '../contract/export-format.js';
import { definitionHash } from './definition-hash.js';
import { effectiveFormat } from './effective-format.js';
import type { RuleConfig } from './contract-rules.js';
import type { ExportDefinition, ExportMetadata, ExportSpec } from './export-definition.js';
import type { SourcePosition } from '../diagnostics/diagnostic.js';

/** A document that passed the schema and the rules. */
export interface ValidDefinitionDocument {
  metadata: ExportMetadata;
  spec: {
    dataActionId: string;
    datasetId: string;
    format: Partial<FormatDefaults> & { maxRows: number };
    callbackUrl?: string;
    schedule?: { cron: string; timeZone?: string; startingDeadline?: string };
    suspend?: boolean;
  };
}

export function normalizeDefinition(
  document: ValidDefinitionDocument,
  config: RuleConfig,
  source: SourcePosition,
): ExportDefinition {
  const format = effectiveFormat(document.spec.format, config);
  const callbackUrl = document.spec.callbackUrl ?? config.defaults.callbackUrl;
  const spec: ExportSpec = {
    dataActionId: document.spec.dataActionId,
    datasetId: document.spec.datasetId,
    format: {
      delimiter: delimiterCharacter(format.delimiter.value) ?? format.delimiter.value,
      quoteCharacter: format.quoteCharacter.value,
      escapeCharacter: format.escapeCharacter.value,
      maxRows: document.spec.format.maxRows,
      columnAlignment: format.columnAlignment.value,
      sanitizeSpecialCharacters: format.sanitizeSpecialCharacters.value,
    },
    ...(callbackUrl === undefined ? {} : { callbackUrl }),
  };
  const schedule = document.spec.schedule;
  return {
    name: document.metadata.name,
    metadata: document.metadata,
    spec,
    definitionHash: definitionHash(spec),
    source,
    ...(schedule === undefined ? {} : { schedule: { ...schedule, timeZone: schedule.timeZone ?? 'UTC' } }),
    ...(document.spec.suspend === true ? { suspend: true as const } : {}),
  };
}
