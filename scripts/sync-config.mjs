// Writes contributes.configuration.properties from the settings schema (shared/settings.ts, compiled to out/).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { contributedProperties } = require('../out/shared/settings.js');
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
pkg.contributes.configuration.properties = contributedProperties();
writeFileSync('package.json', JSON.stringify(pkg, null, 2) + '\n');
