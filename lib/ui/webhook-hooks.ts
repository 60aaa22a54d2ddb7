"use client";
// The webhooks page's data: the list, one webhook's delivery log, and the operator's actions.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, getJson, postJson } from "@/lib/ui/api";
import { queryKeys } from "@/lib/ui/query-keys";

export interface Webhook {
  id: string;
  url: string;
  events: string[];
  created_at: string;
  deliveries: { pending: number; delivered: number; failed: number };
  last_delivery_at: string | null;
}

export interface WebhookDelivery {
  id: number;
  event_id: string;
  event_type: string;
  status: "pending" | "delivered" | "failed";
  attempts: number;
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  last_status_code: number | null;
  last_latency_ms: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

// Deliveries are not events of the log (no live push): poll while the page is open.
const polling = { refetchInterval: 2_000 } as const;

export function useWebhooks() {
  const q = useQuery({ queryKey: queryKeys.webhookList(), queryFn: () => getJson<{ webhooks: Webhook[] }>("/api/webhooks"), ...polling });
  return { webhooks: q.data?.webhooks ?? [], isLoading: q.isPending, error: q.error };
}

export function useWebhookDeliveries(webhookId: string) {
  const q = useQuery({
    queryKey: queryKeys.webhookDeliveries(webhookId),
    queryFn: () => getJson<{ deliveries: WebhookDelivery[] }>(`/api/webhooks/${encodeURIComponent(webhookId)}/deliveries?limit=50`),
    ...polling,
  });
  return { deliveries: q.data?.deliveries ?? [], isLoading: q.isPending, error: q.error };
}

export function useCreateWebhook() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { url: string; events: string[]; secret?: string }) => postJson<Webhook & { secret: string }>("/api/webhooks", body),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.webhooks() }),
  });
}

export function useWebhookActions(webhookId: string) {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: queryKeys.webhooks() });
  const test = useMutation({
    mutationFn: () => postJson<{ event_id: string }>(`/api/webhooks/${encodeURIComponent(webhookId)}/test`),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: async () => {
      const res = await fetch(`/api/webhooks/${encodeURIComponent(webhookId)}`, {
        method: "DELETE",
        headers: { accept: "application/json" },
      });
      if (!res.ok) throw new ApiError(res.status, "http_error", `could not delete (${res.status})`);
    },
    onSettled: refresh,
  });
  return { test, remove };
}
