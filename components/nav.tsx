"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useLiveConnected } from "@/lib/ui/live-events";

const LINKS = [
  { href: "/", label: "Overview" },
  { href: "/agents", label: "Agents" },
  { href: "/tensor", label: "Tensor" },
  { href: "/webhooks", label: "Webhooks" },
];

export function Nav() {
  const pathname = usePathname();
  const connected = useLiveConnected();
  return (
    <header className="border-b border-slate-200 bg-white">
      <nav aria-label="Main" className="mx-auto flex max-w-screen-2xl items-center gap-6 px-6 py-3">
        <Link href="/" className="text-lg font-semibold tracking-tight text-slate-900">
          Switchyard
        </Link>
        <ul className="flex gap-1 text-sm">
          {LINKS.map((link) => {
            const active = link.href === "/" ? pathname === "/" || pathname.startsWith("/goals") : pathname.startsWith(link.href);
            return (
              <li key={link.href}>
                <Link
                  href={link.href}
                  aria-current={active ? "page" : undefined}
                  className={`rounded-md px-3 py-1.5 ${active ? "bg-slate-900 text-white" : "text-slate-600 hover:bg-slate-100"}`}
                >
                  {link.label}
                </Link>
              </li>
            );
          })}
        </ul>
        <span data-testid="live-status" data-connected={connected} className="ml-auto flex items-center gap-2 text-xs text-slate-500">
          <span aria-hidden className={`h-2 w-2 rounded-full ${connected ? "bg-emerald-500" : "bg-slate-300"}`} />
          {connected ? "Live" : "Connecting…"}
        </span>
      </nav>
    </header>
  );
}
