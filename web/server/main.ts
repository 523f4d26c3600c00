// Starts the one-origin web server: 127.0.0.1:$WEB_PORT unless WEB_HOST says otherwise.
import path from 'node:path';
import { createWebApp } from './app';

const env = (name: string, fallback: string) => process.env[name] || fallback;
const port = Number(env('WEB_PORT', '3000'));
const host = env('WEB_HOST', '127.0.0.1');
const app = createWebApp({
  distDir: env('WEB_DIST', path.join(__dirname, '..', 'dist')),
  intakeUrl: env('INTAKE_URL', `http://127.0.0.1:${env('INTAKE_PORT', '3001')}`),
  dispatchUrl: env('DISPATCH_URL', `http://127.0.0.1:${env('DISPATCH_PORT', '3002')}`),
  feedbackUrl: env('FEEDBACK_URL', `http://127.0.0.1:${env('FEEDBACK_PORT', '3003')}`),
  temporalUiUrl: env('TEMPORAL_UI_URL', `http://127.0.0.1:${env('TEMPORAL_UI_PORT', '8233')}`),
});
const server = app.listen(port, host, () => {
  console.log(`diandan web on http://${host}:${port}/ (resident pages /h5/)`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
