import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Kaikaku API')
    .setDescription(
      'Kaikaku (改革) runs a city’s administrative reform plan: the all-bureau inquiry, proposals and their review ' +
        'by the committee and the HQ, the council report, and four years of progress tracking. ' +
        'Errors are application/problem+json (RFC 9457) with a stable `code`.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'POST /api/v1/auth/token, or a personal API token' })
    .addSecurityRequirements('bearer')
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Swagger UI at /docs (unless turned off) and the document at /docs-json. */
export function mountOpenApi(app: INestApplication, ui: boolean): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    ui,
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
    customSiteTitle: 'Kaikaku API',
  });
}
