// Writes contributes.configuration.properties of package.json from the settings schema
// (shared/settings.ts) and the rule registry (server/src/rules/registry.ts), both compiled to out/
// by `tsc -p test/tsconfig.json`: `npm run gen:docs`. settings.test.ts fails when they drift apart.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { contributedProperties } = require('../out/shared/settings.js');
const { RULES } = require('../out/server/src/rules/index.js');
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
pkg.contributes.configuration.properties = contributedProperties(RULES);
writeFileSync('package.json', JSON.stringify(pkg, null, 2) + '\n');
