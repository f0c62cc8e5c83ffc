import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { starterTemplates, type StarterTemplate } from '@boomerang/email';
import { z } from 'zod';
import { Returns } from '../common/contract.js';

const starterTemplateSchema = z.object({ id: z.string(), name: z.string(), description: z.string(), subject: z.string(), bodyHtml: z.string() });
const sameShape: z.output<typeof starterTemplateSchema> extends StarterTemplate ? true : never = true;
void sameShape;

/** Templates a merchant can start a rule from; static content, so no key is needed. */
@ApiTags('rules')
@Controller('api/v1/starter-templates')
export class StarterTemplatesController {
  @Get()
  @Returns(200, z.object({ templates: z.array(starterTemplateSchema) }))
  list() {
    return { templates: starterTemplates() };
  }
}
