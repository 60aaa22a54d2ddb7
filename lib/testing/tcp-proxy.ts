// A TCP proxy in front of the shared PostgreSQL, for tests that need the database to go
// away and come back without touching the machine's server (other test files use it):
// `cut()` refuses new connections and drops the open ones, `restore()` listens again on
// the same port.
import net from "node:net";

export interface TcpProxy {
  port: number;
  /** The URL with its host and port replaced by the proxy's. */
  url: (databaseUrl: string) => string;
  cut: () => Promise<void>;
  restore: () => Promise<void>;
  close: () => Promise<void>;
  /** Connections opened through the proxy so far. */
  connections: () => number;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let opened = 0;
  const server = net.createServer((client) => {
    opened++;
    const upstream = net.connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", () => resolve()));
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      sockets.clear();
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });
  return {
    port,
    url: (databaseUrl) => {
      const u = new URL(databaseUrl);
      u.hostname = "127.0.0.1";
      u.port = String(port);
      return u.toString();
    },
    cut: stop,
    restore: () => listen(port),
    close: stop,
    connections: () => opened,
  };
}
