"use client";
// Webhooks: register one (URL, events, optional secret; the secret is shown once), send a
// test delivery, delete, and each webhook's delivery log (status, attempts, latency, last error).
import { useState, type FormEvent } from "react";
import { WEBHOOK_EVENT_TYPES } from "@/lib/domain";
import { Card, EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { errorMessage } from "@/lib/ui/api";
import { useCreateWebhook, useWebhookActions, useWebhookDeliveries, useWebhooks } from "@/lib/ui/webhook-hooks";
import type { Webhook } from "@/lib/ui/webhook-hooks";

const DELIVERY_COLOURS: Record<string, string> = {
  pending: "bg-amber-100 text-amber-800",
  delivered: "bg-emerald-100 text-emerald-800",
  failed: "bg-red-100 text-red-800",
};

function DeliveryLog({ webhookId }: { webhookId: string }) {
  const { deliveries, isLoading, error } = useWebhookDeliveries(webhookId);
  if (isLoading) return <Loading label="Loading deliveries…" />;
  if (error) return <ErrorState error={error} title="Could not load the deliveries" />;
  if (deliveries.length === 0) return <p className="text-xs text-slate-500">No deliveries yet.</p>;
  return (
    <table className="w-full text-left text-xs" aria-label="Delivery log">
      <thead className="uppercase tracking-wide text-slate-500">
        <tr>
          <th className="px-2 py-1">Event</th>
          <th className="px-2 py-1">Status</th>
          <th className="px-2 py-1 text-right">Attempts</th>
          <th className="px-2 py-1 text-right">HTTP</th>
          <th className="px-2 py-1 text-right">Latency</th>
          <th className="px-2 py-1">Last error</th>
          <th className="px-2 py-1">Last attempt</th>
        </tr>
      </thead>
      <tbody>
        {deliveries.map((d) => (
          <tr key={d.id} className="border-t border-slate-100" data-testid="delivery-row" data-status={d.status}>
            <td className="px-2 py-1">
              <span className="font-mono">{d.event_type}</span> <span className="text-slate-400">#{d.event_id.slice(0, 12)}</span>
            </td>
            <td className="px-2 py-1">
              <span className={`rounded px-1.5 py-0.5 ${DELIVERY_COLOURS[d.status] ?? ""}`}>{d.status}</span>
            </td>
            <td className="px-2 py-1 text-right tabular-nums">{d.attempts}</td>
            <td className="px-2 py-1 text-right tabular-nums">{d.last_status_code ?? "–"}</td>
            <td className="px-2 py-1 text-right tabular-nums">{d.last_latency_ms === null ? "–" : `${d.last_latency_ms} ms`}</td>
            <td className="max-w-64 truncate px-2 py-1 text-red-700" title={d.last_error ?? ""}>
              {d.last_error ?? ""}
            </td>
            <td className="px-2 py-1 text-slate-500">{d.last_attempt_at ? new Date(d.last_attempt_at).toLocaleTimeString() : "–"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function WebhookCard({ webhook }: { webhook: Webhook }) {
  const [open, setOpen] = useState(false);
  const { test, remove } = useWebhookActions(webhook.id);
  return (
    <li className="rounded-md border border-slate-200 p-3" data-testid="webhook" data-webhook-id={webhook.id}>
      <div className="flex flex-wrap items-center gap-3">
        <span className="font-mono text-sm">{webhook.url}</span>
        <span className="flex flex-wrap gap-1">
          {webhook.events.map((e) => (
            <span key={e} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-[11px]">
              {e}
            </span>
          ))}
        </span>
        <span className="text-xs text-slate-500">
          {webhook.deliveries.delivered} delivered · {webhook.deliveries.pending} pending · {webhook.deliveries.failed} failed
        </span>
        <span className="ml-auto flex gap-2">
          <button
            type="button"
            className="rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-50"
            onClick={() => setOpen(!open)}
            aria-expanded={open}
          >
            {open ? "Hide deliveries" : "Deliveries"}
          </button>
          <button
            type="button"
            className="rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-50"
            disabled={test.isPending}
            onClick={() => test.mutate()}
          >
            Send test
          </button>
          <button
            type="button"
            className="rounded border border-red-300 px-2 py-1 text-xs text-red-700 hover:bg-red-50"
            disabled={remove.isPending}
            onClick={() => remove.mutate()}
          >
            Delete
          </button>
        </span>
      </div>
      {test.error || remove.error ? <p className="mt-1 text-xs text-red-700">{errorMessage(test.error ?? remove.error)}</p> : null}
      {open ? (
        <div className="mt-3 overflow-x-auto">
          <DeliveryLog webhookId={webhook.id} />
        </div>
      ) : null}
    </li>
  );
}

function CreateWebhookForm() {
  const create = useCreateWebhook();
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<string[]>(["goal.finished"]);
  const [secret, setSecret] = useState("");
  const [shownSecret, setShownSecret] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const created = await create.mutateAsync({ url, events, ...(secret ? { secret } : {}) }).catch(() => null);
    if (created) {
      setShownSecret(created.secret);
      setUrl("");
      setSecret("");
    }
  };
  return (
    <form onSubmit={submit} className="space-y-3" aria-label="Register a webhook">
      <div className="flex flex-wrap gap-3">
        <label className="flex min-w-80 flex-1 flex-col text-xs text-slate-600">
          URL
          <input
            className="rounded border border-slate-300 px-2 py-1 font-mono text-sm"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            placeholder="https://example.com/switchyard"
            required
          />
        </label>
        <label className="flex w-72 flex-col text-xs text-slate-600">
          Secret (optional, generated when empty)
          <input
            className="rounded border border-slate-300 px-2 py-1 font-mono text-sm"
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
          />
        </label>
      </div>
      <fieldset className="flex flex-wrap gap-3 text-xs">
        <legend className="mb-1 text-slate-600">Events</legend>
        {WEBHOOK_EVENT_TYPES.map((type) => (
          <label key={type} className="flex items-center gap-1 font-mono">
            <input
              type="checkbox"
              checked={events.includes(type)}
              onChange={(e) => setEvents(e.target.checked ? [...events, type] : events.filter((x) => x !== type))}
            />
            {type}
          </label>
        ))}
      </fieldset>
      <button
        type="submit"
        className="rounded-md bg-slate-900 px-3 py-1.5 text-sm text-white disabled:opacity-50"
        disabled={create.isPending}
      >
        Register webhook
      </button>
      {create.error ? (
        <p className="text-xs text-red-700" role="alert">
          {errorMessage(create.error)}
        </p>
      ) : null}
      {shownSecret ? (
        <p className="text-xs text-slate-700" data-testid="webhook-secret">
          Signing secret (shown once): <code className="rounded bg-slate-100 px-1">{shownSecret}</code>
        </p>
      ) : null}
    </form>
  );
}

export function WebhooksView() {
  const { webhooks, isLoading, error } = useWebhooks();
  return (
    <div className="space-y-4">
      <h1 className="text-lg font-semibold">Webhooks</h1>
      <Card>
        <CreateWebhookForm />
      </Card>
      <Card>
        {isLoading ? (
          <Loading label="Loading webhooks…" />
        ) : error ? (
          <ErrorState error={error} title="Could not load the webhooks" />
        ) : webhooks.length === 0 ? (
          <EmptyState title="No webhooks">
            Register one above: deliveries are signed JSON POSTs (Switchyard-Signature: t=…,v1=…).
          </EmptyState>
        ) : (
          <ul className="space-y-2" aria-label="Webhooks">
            {webhooks.map((w) => (
              <WebhookCard key={w.id} webhook={w} />
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
