import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'kaikaku:public';

/** The route needs no authentication (health probes, sign-in). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);
