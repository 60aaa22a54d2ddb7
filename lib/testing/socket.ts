// Whether socket.io lets a client in, for tests of the handshake's checks (origin, host,
// credentials): "connected", or "refused: <the server's reason>". Never reconnects.
import { io, type ManagerOptions, type SocketOptions } from "socket.io-client";

export function tryHandshake(url: string, options: Partial<ManagerOptions & SocketOptions> = {}): Promise<string> {
  return new Promise<string>((resolve) => {
    const socket = io(url, { reconnection: false, timeout: 10_000, ...options });
    socket.on("connect", () => {
      socket.disconnect();
      resolve("connected");
    });
    socket.on("connect_error", (error) => {
      socket.disconnect();
      resolve(`refused: ${error.message}`);
    });
  });
}
