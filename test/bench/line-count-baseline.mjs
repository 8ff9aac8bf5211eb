// Baseline for the audit-log figure: the least any reader of the file must do, stream it and find its lines.
import { createReadStream } from 'node:fs';

let lines = 0;
for await (const chunk of createReadStream(process.argv[2], { highWaterMark: 1024 * 1024 })) {
  for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
}
console.log(lines);
