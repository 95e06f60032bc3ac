/** The API's OpenAPI document (`GET /api/v1/openapi.json`, the same as docs/openapi.json) in Swagger UI, bundled: no CDN. */
import SwaggerUIBundle from 'swagger-ui-dist/swagger-ui-bundle.js';
import 'swagger-ui-dist/swagger-ui.css';
import '../shared/base.css';
import { loadConfig } from '../shared/config.ts';

loadConfig()
  .then((config) => {
    SwaggerUIBundle({ url: `${config.ApiUrl}/api/v1/openapi.json`, dom_id: '#swagger', deepLinking: true });
  })
  .catch((err: Error) => {
    document.getElementById('swagger')!.textContent = `The API docs cannot load: ${err.message}`;
  });
