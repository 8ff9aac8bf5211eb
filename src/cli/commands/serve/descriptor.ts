// `cxone-exports serve`: the receiver for CXone's completion callbacks, with /healthz and /metrics. Its flags;
// what it does is in ./run.ts, loaded when it runs.

import { Option } from 'commander';
import type { CommandDescriptor } from '../../command-descriptor.js';
import type { ServeOptions } from './run.js';
import { integerOption } from '../../option-parsers.js';

export const serveCommand: CommandDescriptor<ServeOptions> = {
  path: ['serve'],
  needsEnvironment: true,
  acrossEnvironments: true,
  description: "receive CXone's completion callbacks, with /healthz and /metrics",
  examples: [
    {
      command: 'cxone-exports --env production serve --port 8080',
      does: 'receive callbacks, checked with CXONE_CALLBACK_SECRET',
    },
    {
      command: 'cxone-exports --env production serve --host 0.0.0.0 --metrics-port 9464',
      does: 'take callbacks from anywhere, and serve /metrics on 127.0.0.1:9464 only',
    },
    {
      command: "cxone-exports --env '*-production' serve --host 0.0.0.0",
      does: 'one receiver for every production tenant, each checked with its own CXONE_<ENV>_CALLBACK_SECRET',
    },
    {
      command: 'cxone-exports serve --tls-cert cert.pem --tls-key key.pem',
      does: 'serve HTTPS itself, without a proxy in front',
    },
  ],
  options: [
    new Option('--host <host>', 'address to listen on (default: callbacks.host, 127.0.0.1)'),
    new Option('--port <port>', 'port (default: callbacks.port, 8080)').argParser(integerOption(0, 65535)),
    new Option(
      '--metrics-host <host>',
      "address of /metrics' own listener, with --metrics-port (default: callbacks.metricsHost, 127.0.0.1)",
    ),
    new Option(
      '--metrics-port <port>',
      '/metrics on a listener of its own; the callback listener then answers only callbacks and /healthz',
    ).argParser(integerOption(0, 65535)),
    new Option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM)'),
    new Option('--tls-key <file>', 'and this private key (PEM)'),
    new Option('--insecure-no-auth', 'allow a non-loopback address without callback authentication'),
    new Option(
      '--public-status-page',
      'serve the read-only status page on the callback listener to anyone, without the /metrics token',
    ),
    new Option('--lock-timeout <duration>', 'how long an event batch waits for the state lock').default('30s'),
    new Option(
      '--shutdown-timeout <duration>',
      'on SIGTERM, how long requests in flight may take before they are cut',
    ).default('10s'),
  ],
  run: async (ctx, _args, options) => (await import('./run.js')).serve(ctx, options),
};
