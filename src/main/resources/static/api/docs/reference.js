// The API reference: the hub's own OpenAPI document (GET /api/v1/openapi.json) rendered by Swagger UI.
// validatorUrl null: Swagger UI would otherwise send the document to an outside validator for its badge.
window.ui = SwaggerUIBundle({
  url: new URL('../v1/openapi.json', document.baseURI).toString(),
  dom_id: '#reference',
  deepLinking: true,
  validatorUrl: null,
  defaultModelsExpandDepth: 0,
  docExpansion: 'list',
  tryItOutEnabled: false,
  withCredentials: false,
});
