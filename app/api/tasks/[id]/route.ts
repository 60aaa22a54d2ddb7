import { handler } from "@/lib/api/handler";
import { idParams } from "@/lib/api/schemas";
import { getSubtask } from "@/lib/presenters/subtask-detail";

// GET /api/tasks/:id – one task with its attempt history
export const GET = handler({ params: idParams }, async ({ params }) => getSubtask(params.id));
