// Validates an OpenAPI document with swagger-parser (the npm package
// Postman-style importers build on): the OpenAPI 3.1 schema, then every
// $ref resolved. Prints {ok, webhooks, components} or {ok: false, error}
// as JSON; the Go test reads it.
import SwaggerParser from '@apidevtools/swagger-parser';

const file = process.argv[2];
try {
  const api = await SwaggerParser.validate(file);
  const deref = await SwaggerParser.dereference(file);
  const bodies = Object.values(deref.webhooks ?? {}).filter(
    (w) => w.post?.requestBody?.content?.['application/json']?.schema?.type === 'object');
  console.log(JSON.stringify({
    ok: true,
    openapi: api.openapi,
    webhooks: Object.keys(api.webhooks ?? {}).length,
    resolvedBodies: bodies.length,
    components: Object.keys(api.components?.schemas ?? {}).length,
  }));
} catch (err) {
  console.log(JSON.stringify({ ok: false, error: String(err.message ?? err) }));
}
