import type { ChildProcess } from 'node:child_process';

/** The next IPC message of `type` from a child process; rejects if the child exits first (`who` names it). */
export function nextMessage<T extends { type: string }>(child: ChildProcess, type: T['type'], who: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onMessage = (message: unknown) => {
      if ((message as { type?: unknown } | null)?.type !== type) return;
      cleanup();
      resolve(message as T);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`${who} exited (code ${String(code)}) before sending ${type}`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** Sends `{type}` and waits for the child's reply of the same type (registered first, so a fast reply is not missed). */
export function ask<T extends { type: string }>(child: ChildProcess, type: T['type'], who: string): Promise<T> {
  const reply = nextMessage<T>(child, type, who);
  child.send({ type });
  return reply;
}

/** Asks the child to close and waits for it to exit; kills it after 5 s. */
export async function closeChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  child.send({ type: 'close' });
  const timer = setTimeout(() => child.kill(), 5_000);
  await exited;
  clearTimeout(timer);
}
