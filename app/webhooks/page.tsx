import { WebhooksView } from "@/components/webhooks/webhooks-view";

export const metadata = { title: "Webhooks · Switchyard" };

export default function WebhooksPage() {
  return <WebhooksView />;
}
