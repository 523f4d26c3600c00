// SMTP flood: N concurrent clients each send a mail of SIZE MB (no SIZE hint, so the server only
// learns the size while it streams) to the running intake, while the intake process's resident
// memory is sampled from /proc. Prints the replies and the peak RSS next to the idle RSS.
//   (ROOT=$PWD; source infra/local/env.sh; npx tsx services/intake/bench/smtp-flood.bench.ts 30 30)
// Needs `npm run up` (intake running; its pid in .diandan/run/intake.pid).
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const clients = Number(process.argv[2] ?? 30);
const sizeMb = Number(process.argv[3] ?? 30);
const port = Number(process.env.SMTP_PORT ?? 2525);
const to = process.env.INTAKE_MAIL_ADDRESS ?? 'diandan@localhost';
const home = process.env.DIANDAN_HOME ?? path.join(process.cwd(), '.diandan');
const pid = Number(fs.readFileSync(path.join(home, 'run', 'intake.pid'), 'utf8'));

function rssMb(): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

/** One SMTP conversation; resolves with the server's answer to the message (or to the connection). */
function send(index: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let buffer = '';
    let step = 0;
    const line = `${'QmVuY2htYXJrIGRhdGEg'.repeat(3)}\r\n`; // 62 bytes of base64-looking text
    const total = sizeMb * 1024 * 1024;
    const writeBody = () => {
      let written = 0;
      const chunk = line.repeat(1024);
      const pump = () => {
        while (written < total) {
          written += chunk.length;
          if (!socket.write(chunk)) {
            socket.once('drain', pump);
            return;
          }
        }
        socket.write('\r\n.\r\n');
      };
      socket.write(`From: flood${index}@bench.example.cn\r\nTo: ${to}\r\nSubject: flood ${index}\r\nContent-Type: text/plain\r\n\r\n`);
      pump();
    };
    socket.on('data', (data) => {
      buffer += data.toString();
      if (!buffer.endsWith('\r\n')) return;
      const reply = buffer.trim().split('\r\n').pop()!;
      buffer = '';
      if (/^[45]/.test(reply) && step !== 4) {
        socket.destroy();
        resolve(reply.slice(0, 60));
        return;
      }
      if (/^\d{3}-/.test(reply)) return; // a multi-line reply continues
      step++;
      if (step === 1) socket.write('EHLO bench.example.cn\r\n');
      else if (step === 2) socket.write(`MAIL FROM:<flood${index}@bench.example.cn>\r\n`);
      else if (step === 3) socket.write(`RCPT TO:<${to}>\r\n`);
      else if (step === 4) socket.write('DATA\r\n');
      else if (step === 5) writeBody();
      else {
        socket.end('QUIT\r\n');
        resolve(reply.slice(0, 60));
      }
    });
    socket.on('error', (err) => resolve(`error ${err.message}`));
  });
}

async function main(): Promise<void> {
  const idle = rssMb();
  let peak = idle;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb())), 100);
  const started = Date.now();
  const replies = await Promise.all(Array.from({ length: clients }, (_, i) => send(i)));
  clearInterval(sampler);
  const tally = new Map<string, number>();
  for (const reply of replies) tally.set(reply, (tally.get(reply) ?? 0) + 1);
  console.log(`${clients} clients × ${sizeMb} MB to 127.0.0.1:${port} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const [reply, count] of tally) console.log(`  ${count} × ${reply}`);
  console.log(`intake RSS: idle ${idle.toFixed(0)} MB, peak ${peak.toFixed(0)} MB (+${(peak - idle).toFixed(0)} MB)`);
}

void main();
