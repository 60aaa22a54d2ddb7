// socket.io on the HTTP server of server.ts. (Live event fan-out is built on top of this.)
import type { Server as HttpServer } from "node:http";
import { Server } from "socket.io";

export interface Realtime {
  io: Server;
  close: () => Promise<void>;
}

export async function attachRealtime(httpServer: HttpServer, _options: { embedded: boolean }): Promise<Realtime> {
  const io = new Server(httpServer, { serveClient: false });
  return {
    io,
    close: async () => {
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
