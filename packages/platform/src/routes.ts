// The routes an express app serves, as OpenAPI paths ("/v1/orders/{orderId}"), for the tests that
// hold each service's OpenAPI document to its code: a route missing from the document fails them.
import type { Express } from 'express';

export interface ListedRoute {
  method: string;
  path: string;
}

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Express's `:name` parameters as OpenAPI's `{name}`. */
export const openApiPath = (path: string): string => path.replace(/:(\w+)/g, '{$1}');

/** Every route of the app and the routers it mounts at its root, in declaration order. */
export function listRoutes(app: Express): ListedRoute[] {
  const stack = (app as unknown as { router?: { stack?: Layer[] } }).router?.stack ?? [];
  const routes: ListedRoute[] = [];
  const walk = (layers: readonly Layer[]) => {
    for (const layer of layers) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const path of paths) {
          for (const method of Object.keys(layer.route.methods)) routes.push({ method, path: openApiPath(path) });
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk(stack);
  return routes;
}
