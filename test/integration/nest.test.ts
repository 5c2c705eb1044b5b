/**
 * The NestJS recipe (docs/guides/nestjs.md): a real Nest application on the Express platform with
 * greenslo's Express guard applied app-wide through `app.use`, run through the adapter contract.
 * Nest's decorators are applied as plain function calls, so that the test needs no
 * `experimentalDecorators` or `emitDecoratorMetadata` in the compiler (nothing here is injected
 * by type).
 */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import {
  Controller,
  Get,
  Headers,
  HttpCode,
  HttpException,
  Module,
  Param,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request, Response } from 'express';
import * as expressAdapter from '../../src/adapters/express.js';
import {
  baseGuardOptions,
  describeGuardContract,
  frameworkHooks,
  type ContractParts,
  type RunningService,
} from './support/guard-contract.js';

type Decorator = (target: object, key: string, descriptor: PropertyDescriptor) => unknown;

/** Applies a method decorator as `@Get(':id')` would (and any more, such as `@HttpCode`), and parameter decorators by position. */
function route(
  controller: { prototype: object },
  method: string,
  decorator: Decorator | Decorator[],
  parameters: ParameterDecorator[] = [],
): void {
  const descriptor = Object.getOwnPropertyDescriptor(controller.prototype, method)!;
  parameters.forEach((parameter, index) => parameter(controller.prototype, method, index));
  for (const apply of [decorator].flat()) apply(controller.prototype, method, descriptor);
}

function nestModule(parts: ContractParts) {
  const { health, live, ready } = expressAdapter.healthHandlers();
  const metrics = expressAdapter.metricsHandler({
    slo: parts.slo,
    limits: parts.limits,
    energy: parts.energy,
  });
  const status = expressAdapter.statusPage({
    slo: parts.slo,
    limits: parts.limits,
    clock: parts.clock,
  });

  class OperationsController {
    // greenslo's Express handlers write the response themselves: Nest passes them req and res.
    health(req: Request, res: Response) {
      return health(req, res, () => undefined);
    }
    live(req: Request, res: Response) {
      return live(req, res, () => undefined);
    }
    ready(req: Request, res: Response) {
      return ready(req, res, () => undefined);
    }
    metrics(req: Request, res: Response) {
      return metrics(req, res, () => undefined);
    }
    status(req: Request, res: Response) {
      return status(req, res, () => undefined);
    }
  }
  for (const [method, path] of [
    ['health', 'health'],
    ['live', 'health/live'],
    ['ready', 'health/ready'],
    ['metrics', 'metrics'],
    ['status', 'status'],
  ] as const) {
    route(OperationsController, method, Get(path), [Req(), Res()]);
  }
  Controller()(OperationsController);

  class AppController {
    embed() {
      return { embedded: true };
    }
    user(id: string) {
      return { id };
    }
    fail(): never {
      throw new HttpException('unavailable', 503);
    }
    boom(): never {
      throw new Error('boom');
    }
    async slow() {
      await parts.gate.pass();
      return 'done';
    }
    login(status: string | undefined, res: Response) {
      res.status(Number(status ?? 200));
      return 'login';
    }
  }
  route(AppController, 'embed', [Post('embed/multimodal'), HttpCode(200)]);
  route(AppController, 'user', Get('users/:id'), [Param('id')]);
  route(AppController, 'fail', Get('fail'));
  route(AppController, 'boom', Get('boom'));
  route(AppController, 'slow', Get('slow'));
  route(AppController, 'login', Post('login'), [Headers('x-status'), Res({ passthrough: true })]);
  Controller()(AppController);

  class ItemsController {
    item(id: string) {
      return { item: id };
    }
  }
  route(ItemsController, 'item', Get(':id'), [Param('id')]);
  Controller('api/items')(ItemsController);

  class AppModule {}
  Module({ controllers: [OperationsController, AppController, ItemsController] })(AppModule);
  return AppModule;
}

async function nestService(parts: ContractParts): Promise<RunningService> {
  const app = await NestFactory.create<NestExpressApplication>(nestModule(parts), {
    logger: false,
  });
  if (parts.trustProxy) app.set('trust proxy', true);
  // The recipe: the Express guard, app-wide, before Nest's routes.
  app.use(
    expressAdapter.guard({
      ...baseGuardOptions(parts),
      ...frameworkHooks(parts, (req: Request, name) => req.get(name)),
    }),
  );
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

describeGuardContract([['NestJS on Express', nestService]]);
