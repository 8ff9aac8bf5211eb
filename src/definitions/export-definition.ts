// What an export definition is once it has been read, checked and normalized.

import type { SourcePosition } from '../diagnostics/diagnostic.js';
import type { ExportSchedule } from '../schedules/schedule.js';

/** The export format exactly as it will be sent, with every default applied and delimiters as characters. */
export interface ExportFormat {
  delimiter: string;
  quoteCharacter: string;
  escapeCharacter: string;
  maxRows: number;
  columnAlignment: boolean;
  /** Client-side rule only: recorded in the audit log, never sent to CXone. */
  sanitizeSpecialCharacters: boolean;
}

/** The normalized `spec`: the input of the definition hash. */
export interface ExportSpec {
  dataActionId: string;
  datasetId: string;
  format: ExportFormat;
  callbackUrl?: string;
}

export interface ExportMetadata {
  name: string;
  description?: string;
  labels?: Record<string, string>;
}

export interface ExportDefinition {
  name: string;
  metadata: ExportMetadata;
  spec: ExportSpec;
  /** `sha256:` + hex digest of the canonical JSON of `spec`. Metadata, schedule and suspend never change it. */
  definitionHash: string;
  source: SourcePosition;
  /** Recurring runs (`spec.schedule`), with the time zone filled in; not part of the payload. */
  schedule?: ExportSchedule;
  /** `spec.suspend: true`: nothing is submitted for this export, scheduled or changed. */
  suspend?: true;
}
