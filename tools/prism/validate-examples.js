// Run by `cargo xtask conform`: validates values against schemas of one document with ajv and
// ajv-formats (pinned in package.json; Prism depends on the same versions), a JSON Schema
// validator independent of our generator.
//
// Input (the file named by the first argument): { "document": D, "checks": [{ "pointer": P, "value": V }] }
// where D is the OpenAPI document already converted to JSON Schema vocabulary by the xtask
// (xtask/src/conform/schema.rs) and P a JSON pointer to a schema inside it.
// Output (stdout): one JSON array, per check { "valid": true } | { "valid": false, "error": "…" }
// | { "valid": null, "error": "…" } when the schema cannot be compiled (the check is then left out).
'use strict';
const fs = require('fs');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

const input = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const ajv = new Ajv({
  strict: false,
  logger: false,
  allErrors: false,
  validateSchema: false,
  // Documents write ECMAScript regular expressions without the `u` flag's stricter syntax.
  unicodeRegExp: false,
});
addFormats(ajv);
ajv.addSchema(input.document, 'document');

// A JSON pointer as a URI fragment: characters outside the unreserved set percent-encoded.
const fragment = (pointer) =>
  pointer.replace(/[^A-Za-z0-9\-._~\/!$&'()*+,;=:@]/g, (c) => encodeURIComponent(c));

const compiled = new Map();
const results = input.checks.map(({ pointer, value }) => {
  let validate = compiled.get(pointer);
  if (validate === undefined) {
    try {
      validate = ajv.compile({ $ref: `document#${fragment(pointer)}` });
    } catch (e) {
      validate = String(e.message || e).slice(0, 300);
    }
    compiled.set(pointer, validate);
  }
  if (typeof validate === 'string') {
    return { valid: null, error: validate };
  }
  if (validate(value)) {
    return { valid: true };
  }
  const first = (validate.errors || [])[0] || {};
  return { valid: false, error: `${first.instancePath || '/'} ${first.message || 'invalid'}`.trim() };
});
process.stdout.write(JSON.stringify(results));
