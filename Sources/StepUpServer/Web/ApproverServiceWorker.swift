/// The approver's service worker, a static file like the pages' scripts.
enum ApproverServiceWorker {
    /// The service worker (`/static/approver-sw.js`, scope `/approve` by its `Service-Worker-Allowed` header): a
    /// notification for each push, and a click opens (or focuses) the approver page.
    static let javascript = #"""
    "use strict";
    self.addEventListener("install", () => self.skipWaiting());
    self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));
    self.addEventListener("push", (event) => {
      let data = {};
      try { data = event.data ? event.data.json() : {}; } catch (error) { data = {}; }
      const what = (data.message || "").replace(/^approves /, "Approve ").replace(/^confirms /, "Confirm ");
      const body = [what ? what + "?" : "A step-up waits for your approval.", data.context].filter(Boolean)
        .join(" — ");
      event.waitUntil(self.registration.showNotification("Approve this request?", {
        body, tag: data.challenge_id || "stepup", requireInteraction: true, data: { url: "/approve" },
      }));
    });
    self.addEventListener("notificationclick", (event) => {
      event.notification.close();
      event.waitUntil((async () => {
        const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
        for (const client of windows) {
          if (new URL(client.url).pathname === "/approve" && "focus" in client) return client.focus();
        }
        return self.clients.openWindow("/approve");
      })());
    });
    """#
}
