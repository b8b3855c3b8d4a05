import { startServer } from './lsp/startServer';

// Process entry: `node dist/server.js --stdio` or `--node-ipc` (see startServer).
startServer();
