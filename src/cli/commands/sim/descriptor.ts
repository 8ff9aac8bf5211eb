// `cxone-exports sim`: the embedded CXone simulator as a process, for demos and users' own dry runs. Its flags;
// what it does is in ./run.ts.

import { Option } from 'commander';
import type { CommandDescriptor } from '../../command-descriptor.js';
import type { SimOptions } from './run.js';
import { collect, fractionOption, integerOption, positiveNumberOption } from '../../option-parsers.js';

export const simCommand: CommandDescriptor<SimOptions> = {
  path: ['sim'],
  description: 'run the embedded CXone simulator on loopback; prints the environment to use against it',
  examples: [
    {
      command: 'cxone-exports sim --port 8900',
      does: 'a strict CXone API on this machine; prints the variables to use',
    },
    {
      command: 'cxone-exports sim --rate-limit 5 --fail-rate 0.1',
      does: 'a tenant that throttles and fails one request in ten',
    },
  ],
  options: [
    new Option('--host <host>', 'address to listen on').default('127.0.0.1'),
    new Option('--port <port>', 'port (0 picks a free one)').argParser(integerOption(0, 65535)).default(0),
    new Option('--rate-limit <n>', 'tenant quota in requests per second (429 beyond it)').argParser(
      positiveNumberOption,
    ),
    new Option('--burst <n>', 'requests allowed at once before the quota applies').argParser(integerOption(1)),
    new Option('--retry-after <form>', 'how 429s carry Retry-After')
      .choices(['seconds', 'date', 'none'])
      .default('seconds'),
    new Option('--fail-rate <fraction>', 'answer this fraction of API requests with a 5xx').argParser(fractionOption),
    new Option('--fail-first <n>', 'answer the first N API requests with a 5xx').argParser(integerOption(0)),
    new Option('--fail-status <status>', 'the 5xx status to answer').argParser(integerOption(500, 599)).default(503),
    new Option('--latency <ms>', 'delay every API answer').argParser(integerOption(0)),
    new Option('--drop-rate <fraction>', 'drop this fraction of API connections without an answer').argParser(
      fractionOption,
    ),
    new Option('--drop-first <n>', 'drop the first N API connections').argParser(integerOption(0)),
    new Option('--token-ttl <seconds>', 'lifetime of issued tokens').argParser(integerOption(1)).default(3600),
    new Option('--seed <n>', 'seed of the random source, so runs repeat').argParser(integerOption(0)).default(1),
    new Option('--tenant-id <id>', "the tenant this simulator stands for: its tokens' tenant claim").default(
      'tenant-sim',
    ),
    new Option('--forbid <dataActionId>', 'answer 403 for this data action (repeatable)')
      .argParser(collect)
      .default([]),
    new Option('--unknown <dataActionId>', 'answer 404 for this data action (repeatable)')
      .argParser(collect)
      .default([]),
    new Option('--unknown-dataset <datasetId>', 'answer 400 for this dataset, as not active in Data Prep (repeatable)')
      .argParser(collect)
      .default([]),
    new Option('--no-status-endpoint', 'answer 405 to status lookups, like an API without them'),
    new Option('--min-duration <ms>', 'shortest execution').argParser(integerOption(0)).default(200),
    new Option('--ms-per-million-rows <ms>', 'execution time added per million maxRows')
      .argParser(integerOption(0))
      .default(1000),
    new Option('--execution-failure-rate <fraction>', 'fraction of executions that end failed')
      .argParser(fractionOption)
      .default(0),
  ],
  run: async (ctx, _args, options) => (await import('./run.js')).simulate(ctx, options),
};
