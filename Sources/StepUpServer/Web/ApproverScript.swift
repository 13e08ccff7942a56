/// The approver's scripts, static files like the others (the Content-Security-Policy allows no inline script):
///
/// - `/static/approver.js` on the account page enrols this browser ("Approve step-ups on this device"): a
///   non-extractable ECDSA P-256 key made by WebCrypto and kept in IndexedDB, the service worker, and — when the
///   server speaks Web Push — a push subscription; the public key, its proof and the subscription go with the
///   form's CSRF token. Without a push service the device still enrols and answers from its open approver page.
/// - on `/approve` it listens to the server-sent events of `/approve/events`, shows each pending approval with three
///   numbers and "This wasn't me", and signs the answer with the device key for `POST /v1/push/answers`.
enum ApproverScript {
    static let javascript = #"""
    "use strict";
    (() => {
      const encode = (buffer) => {
        let text = "";
        for (const byte of new Uint8Array(buffer)) text += String.fromCharCode(byte);
        return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
      };
      const decode = (text) => {
        const base64 = text.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(text.length / 4) * 4, "=");
        return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      };
      const within = (promise, ms) => Promise.race([promise, new Promise((_, reject) =>
        setTimeout(() => reject(new Error("timed out")), ms))]);

      // One key pair per account on this browser, in IndexedDB (a CryptoKey is stored as is, never exported).
      const database = () => new Promise((resolve, reject) => {
        const open = indexedDB.open("stepup-approver", 1);
        open.onupgradeneeded = () => open.result.createObjectStore("keys");
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const loadKey = async (name) => {
        const db = await database();
        return new Promise((resolve, reject) => {
          const get = db.transaction("keys").objectStore("keys").get(name);
          get.onsuccess = () => resolve(get.result || null);
          get.onerror = () => reject(get.error);
        });
      };
      const saveKey = async (name, pair) => {
        const db = await database();
        return new Promise((resolve, reject) => {
          const tx = db.transaction("keys", "readwrite");
          tx.objectStore("keys").put(pair, name);
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error);
        });
      };
      const sign = async (pair, text) => encode(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" },
        pair.privateKey, new TextEncoder().encode(text)));
      const publicPoint = async (pair) => encode(await crypto.subtle.exportKey("raw", pair.publicKey));

      async function activated(registration) {
        if (registration.active) return registration;
        const worker = registration.installing || registration.waiting;
        await new Promise((resolve) => worker.addEventListener("statechange", () => {
          if (worker.state === "activated") resolve();
        }));
        return registration;
      }

      // The service worker and, with a VAPID key, a push subscription; null when there is no push service.
      async function subscribe(vapidKey) {
        if (!("serviceWorker" in navigator)) return null;
        const registration = await within(activated(await navigator.serviceWorker.register(
          "/static/approver-sw.js", { scope: "/approve" })), 10000);
        if (!vapidKey || !registration.pushManager) return null;
        const subscription = await within(registration.pushManager.subscribe(
          { userVisibleOnly: true, applicationServerKey: decode(vapidKey) }), 10000);
        return subscription.toJSON();
      }

      const enrol = document.getElementById("approver-enroll");
      if (enrol && window.crypto && crypto.subtle && window.indexedDB) {
        enrol.hidden = false;
        const status = document.getElementById("approver-status");
        enrol.addEventListener("submit", async (event) => {
          event.preventDefault();
          const button = enrol.querySelector("button");
          button.disabled = true;
          try {
            const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false,
                                                         ["sign", "verify"]);
            let subscription = null;
            try {
              subscription = await subscribe(enrol.dataset.vapid);
            } catch (error) {
              subscription = null;
            }
            if (!subscription) status.textContent = "No push service here: this device gets approvals while its "
              + "approver page is open.";
            const endpoint = subscription ? subscription.endpoint : "";
            enrol.elements.device_key.value = await publicPoint(pair);
            enrol.elements.proof.value = await sign(pair, "stepup-push-enroll-v1\n" + endpoint);
            enrol.elements.subscription.value = subscription
              ? JSON.stringify({ endpoint, keys: subscription.keys }) : "";
            await saveKey(enrol.dataset.user, pair);
            enrol.submit();
          } catch (error) {
            button.disabled = false;
            status.textContent = "This browser cannot become an approver: " + error.message;
          }
        });
      }

      const page = document.getElementById("approver");
      if (!page) return;
      const state = page.querySelector(".state");
      const list = document.getElementById("approvals");
      let pair = null;
      let point = null;
      let factor = null;

      // "approves transfer of 1500 EUR to ACME Ltd" → "Approve transfer of 1500 EUR to ACME Ltd?"
      const question = (message) => (message || "").replace(/^approves /, "Approve ").replace(/^confirms /, "Confirm ")
        + "?";

      async function answer(item, approval, number, decision) {
        const result = item.querySelector(".result");
        if (!factor) {
          result.textContent = "This browser's key is not one of your approvers: enrol it on your account page.";
          return;
        }
        const message = ["stepup-push-v1", approval.challenge_id, number, approval.binding_hash || "-", decision]
          .join("\n");
        const body = { factor_id: factor, challenge_id: approval.challenge_id, number, decision,
                       signature: await sign(pair, message) };
        const response = await fetch("/v1/push/answers", { method: "POST", credentials: "omit",
          headers: { "content-type": "application/json", accept: "application/json" }, body: JSON.stringify(body) });
        const reply = await response.json().catch(() => ({}));
        if (response.ok) {
          item.dataset.answered = reply.status;
          for (const button of item.querySelectorAll("button")) button.disabled = true;
          result.textContent = reply.status === "satisfied" ? "Approved." : "Refused: the request is closed.";
        } else {
          result.textContent = reply.detail || ("Refused (" + response.status + ").");
        }
      }

      function show(approvals) {
        const listed = new Set(approvals.map((a) => a.challenge_id));
        for (const item of [...list.children]) {
          if (!listed.has(item.dataset.challenge) && !item.dataset.answered) item.remove();
        }
        for (const approval of approvals) {
          if (list.querySelector(`[data-challenge="${CSS.escape(approval.challenge_id)}"]`)) continue;
          const item = document.createElement("li");
          item.className = "approval";
          item.dataset.challenge = approval.challenge_id;
          const what = document.createElement("p");
          what.className = "what";
          what.textContent = question(approval.message);
          const where = document.createElement("p");
          where.className = "muted";
          where.textContent = approval.context ? "From " + approval.context + "." : "";
          const ask = document.createElement("p");
          ask.textContent = "Pick the number shown on the screen you are confirming on:";
          const choices = document.createElement("div");
          choices.className = "choices";
          for (const choice of approval.choices) {
            const button = document.createElement("button");
            button.type = "button";
            button.className = "choice";
            button.textContent = String(choice);
            button.addEventListener("click", () => answer(item, approval, String(choice), "approve"));
            choices.append(button);
          }
          const deny = document.createElement("button");
          deny.type = "button";
          deny.className = "secondary deny";
          deny.textContent = "This wasn't me";
          deny.addEventListener("click", () => answer(item, approval, "", "deny"));
          const result = document.createElement("p");
          result.className = "result";
          result.setAttribute("role", "status");
          item.append(what, where, ask, choices, deny, result);
          list.append(item);
        }
        state.textContent = list.children.length ? "" : "Nothing to approve right now.";
      }

      function listen() {
        const source = new EventSource("/approve/events");
        source.addEventListener("approvals", (event) => {
          const data = JSON.parse(event.data);
          factor = data.approvers[point] || null;
          if (!factor) state.textContent = "This browser's key is not one of your approvers: enrol it again.";
          show(data.approvals);
          page.dataset.connected = "true";
        });
        source.addEventListener("end", () => {
          source.close();
          page.dataset.connected = "false";
          list.replaceChildren();
          state.textContent = "You are signed out. Sign in again to approve.";
        });
        source.onerror = () => {
          if (source.readyState === EventSource.CLOSED) {
            page.dataset.connected = "false";
            state.textContent = "Disconnected. Reload the page to listen again.";
          }
        };
      }

      loadKey(page.dataset.user).then(async (found) => {
        if (!found) {
          state.textContent = "This browser is not an approver yet: enrol it on your account page.";
          return;
        }
        pair = found;
        point = await publicPoint(pair);
        listen();
      }).catch((error) => { state.textContent = "Cannot read this browser's approver key: " + error.message; });
    })();
    """#
}
