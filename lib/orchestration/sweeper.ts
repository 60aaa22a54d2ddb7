// Runs the sweep on a timer in a server process (never two at once in one process).
import { sweep } from "@/lib/orchestration/sweep";
import { errorFields, logger } from "@/lib/log";

export function startSweeper(intervalMs: number): () => void {
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      await sweep();
    } catch (error) {
      logger().warn(errorFields(error), "sweep failed");
    } finally {
      running = false;
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
