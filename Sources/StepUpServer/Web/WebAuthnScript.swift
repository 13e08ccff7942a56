/// The pages' only script, served at `/static/webauthn.js` (the Content-Security-Policy allows `script-src 'self'`
/// and nothing inline). It runs WebAuthn ceremonies for forms marked `data-webauthn`:
///
/// - `data-webauthn="create"` (register a passkey) or `"get"` (step up, sign in), with the server's options as JSON
///   in `data-options`; on submit it asks the browser for a credential, puts `credential.toJSON()`-shaped JSON in
///   the form's `credential` field and posts the form (with its CSRF token and ceremony) the ordinary way.
/// - `data-conditional` on a `get` form: browser autofill of passkeys in the username field (conditional
///   mediation), where the browser supports it.
///
/// Forms stay hidden without WebAuthn support, so the pages work without the script.
enum WebAuthnScript {
    static let javascript = #"""
    "use strict";
    (() => {
      const decode = (text) => {
        const base64 = text.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(text.length / 4) * 4, "=");
        return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)).buffer;
      };
      const encode = (buffer) => {
        let text = "";
        for (const byte of new Uint8Array(buffer)) text += String.fromCharCode(byte);
        return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
      };
      const descriptors = (list) => (list || []).map((d) => ({ ...d, id: decode(d.id) }));

      function publicKey(options, create) {
        const key = { ...options, challenge: decode(options.challenge) };
        if (create) {
          key.user = { ...options.user, id: decode(options.user.id) };
          key.excludeCredentials = descriptors(options.excludeCredentials);
        } else {
          key.allowCredentials = descriptors(options.allowCredentials);
        }
        return key;
      }

      function toJSON(credential) {
        const r = credential.response;
        const response = { clientDataJSON: encode(r.clientDataJSON) };
        if (r.attestationObject) {
          response.attestationObject = encode(r.attestationObject);
          response.transports = r.getTransports ? r.getTransports() : [];
        } else {
          response.authenticatorData = encode(r.authenticatorData);
          response.signature = encode(r.signature);
          if (r.userHandle) response.userHandle = encode(r.userHandle);
        }
        return { id: credential.id, rawId: encode(credential.rawId), type: credential.type, response,
                 authenticatorAttachment: credential.authenticatorAttachment || null,
                 clientExtensionResults: credential.getClientExtensionResults() };
      }

      function report(form, message) {
        let line = form.querySelector(".webauthn-error");
        if (!line) {
          line = document.createElement("p");
          line.className = "error webauthn-error";
          line.setAttribute("role", "alert");
          form.prepend(line);
        }
        line.textContent = message;
      }

      function submit(form, credential) {
        form.elements.credential.value = JSON.stringify(toJSON(credential));
        form.submit();
      }

      let pending = null;  // the conditional (autofill) request, aborted before a modal one starts

      async function startConditional(form, options) {
        if (!PublicKeyCredential.isConditionalMediationAvailable) return;
        if (!(await PublicKeyCredential.isConditionalMediationAvailable())) return;
        const controller = new AbortController();
        const request = navigator.credentials.get({ mediation: "conditional", signal: controller.signal,
                                                    publicKey: publicKey(options, false) }).catch(() => null);
        pending = { controller, request };
        const credential = await request;
        if (credential && pending && pending.request === request) submit(form, credential);
      }

      async function ceremony(form, options) {
        if (pending) {
          const { controller, request } = pending;
          pending = null;
          controller.abort();
          await request;
        }
        const create = form.dataset.webauthn === "create";
        const credential = create
          ? await navigator.credentials.create({ publicKey: publicKey(options, true) })
          : await navigator.credentials.get({ publicKey: publicKey(options, false) });
        if (credential) submit(form, credential);
      }

      for (const form of document.querySelectorAll("form[data-webauthn]")) {
        if (!window.PublicKeyCredential || !navigator.credentials) continue;
        const options = JSON.parse(form.dataset.options);
        form.hidden = false;
        form.addEventListener("submit", (event) => {
          event.preventDefault();
          ceremony(form, options).catch((error) => {
            report(form, error && error.name === "NotAllowedError"
              ? "The passkey request was cancelled or timed out. Try again."
              : "Your browser could not use a passkey here (" + (error && error.message) + ").");
          });
        });
        if (form.hasAttribute("data-conditional")) startConditional(form, options).catch(() => {});
      }
    })();
    """#
}
