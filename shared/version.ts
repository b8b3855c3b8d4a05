// The one version string of the extension, the server and the CLI: package.json's, which vsce packages.
import { version } from '../package.json';

export const VERSION: string = version;
