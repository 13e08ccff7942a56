/// The page templates (Mustache). Kept in the binary so an installed `stepup` needs no resource folder.
enum PageTemplates {
    static let all: [String: String] = [
        "layout": layout, "login": login, "stepup": stepUp, "account": account, "message": message,
        "totp": totp, "codes": codes, "bank": bank, "transfer": transfer, "export": export, "passkey": passkey,
        "approve": approve,
    ]

    static let layout = """
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{title}} · StepUp</title>
    <link rel="stylesheet" href="/assets/stepup.css">
    {{#script}}<script src="/static/webauthn.js" defer></script>{{/script}}
    </head>
    <body>
    <header>
      <a class="brand" href="/">StepUp</a>
      {{#signedIn}}
      <nav>
        <a href="/account">Account</a>
        <a href="/demo">Demo bank</a>
        <form method="post" action="/logout" class="inline">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <button type="submit" class="link">Sign out {{user}}</button>
        </form>
      </nav>
      {{/signedIn}}
    </header>
    <main>
    {{{content}}}
    </main>
    </body>
    </html>
    """

    static let login = """
    <section class="card narrow">
      <h1>Sign in</h1>
      {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
      <form method="post" action="/login">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="next" value="{{next}}">
        <label>Username <input name="username" autocomplete="username webauthn" required autofocus value="{{username}}"></label>
        <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
        {{#needsCode}}
        <label>One-time code <input name="otp" inputmode="numeric" autocomplete="one-time-code"></label>
        {{/needsCode}}
        <button type="submit">Sign in</button>
      </form>
      {{#passkeyOptions}}
      <form method="post" action="/login/webauthn" id="passkey-login" class="passkey" data-webauthn="get"
            data-conditional data-options="{{passkeyOptions}}" hidden>
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="next" value="{{next}}">
        <input type="hidden" name="ceremony" value="{{ceremony}}">
        <input type="hidden" name="credential" value="">
        <button type="submit" class="secondary" id="passkey-sign-in">Sign in with a passkey</button>
      </form>
      {{/passkeyOptions}}
    </section>
    """

    static let stepUp = """
    <section class="card narrow">
      <h1>Confirm it's you</h1>
      {{#message}}<p class="approve" id="approve">{{message}}</p>{{/message}}
      {{#hasDisplay}}
      <dl class="details">
        {{#display}}<dt>{{name}}</dt><dd>{{value}}</dd>{{/display}}
      </dl>
      {{/hasDisplay}}
      <p class="muted">{{reason}} (level {{level}}).
        {{#attemptsLeft}}{{attemptsLeft}} attempts left.{{/attemptsLeft}}</p>
      {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
      {{#notice}}<p class="notice" role="status" id="code-sent">{{notice}}</p>{{/notice}}
      {{#canVerify}}
      {{#hasCodes}}
      <form method="post" action="/step-up/{{id}}">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="next" value="{{next}}">
        <label>Method
          <select name="factor">
            {{#factors}}<option value="{{value}}">{{label}}</option>{{/factors}}
          </select>
        </label>
        {{#needsPassword}}
        <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
        {{/needsPassword}}
        <label>Code <input name="code" autocomplete="one-time-code" required autofocus></label>
        <button type="submit">Confirm</button>
      </form>
      {{/hasCodes}}
      {{#passkeyOptions}}
      <form method="post" action="/step-up/{{id}}" id="passkey-step-up" class="passkey" data-webauthn="get"
            data-options="{{passkeyOptions}}" hidden>
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="next" value="{{next}}">
        <input type="hidden" name="factor" value="webauthn">
        <input type="hidden" name="ceremony" value="{{ceremony}}">
        <input type="hidden" name="credential" value="">
        {{#needsPassword}}
        <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
        {{/needsPassword}}
        <button type="submit" id="passkey-confirm">Confirm with a passkey or security key</button>
      </form>
      {{/passkeyOptions}}
      {{#pushNumber}}
      <div class="push-wait" id="push-wait" data-challenge="{{id}}" data-next="{{next}}">
        <p>On your approver, pick the number <strong class="push-number" id="push-number">{{pushNumber}}</strong>.</p>
        <p class="muted state" role="status">Waiting for your approval…</p>
      </div>
      <form method="post" action="/step-up/{{id}}/push/done" id="push-done" hidden>
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="next" value="{{next}}">
      </form>
      <script src="/static/push-status.js" defer></script>
      {{/pushNumber}}
      {{#pushAvailable}}
      <form method="post" action="/step-up/{{id}}/push" id="send-push">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="next" value="{{next}}">
        <button type="submit" class="secondary" id="send-push-button">Approve on my phone</button>
      </form>
      {{/pushAvailable}}
      {{#emailCode}}
      <form method="post" action="/step-up/{{id}}/send-code" id="send-code">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="next" value="{{next}}">
        <button type="submit" class="secondary" id="send-code-button">E-mail me a code</button>
      </form>
      {{/emailCode}}
      {{/canVerify}}
      {{^canVerify}}
      <p class="error">You have no factor that can confirm this. Enrol one on your <a href="/account">account page</a>.</p>
      {{/canVerify}}
    </section>
    """

    static let account = """
    <section class="card">
      <h1>{{displayName}}</h1>
      <p>Signed in as <strong>{{username}}</strong>{{#roles}}, roles: {{roles}}{{/roles}}.
         Session level: <strong id="level">{{level}}</strong>.</p>
      {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
      <h2>Factors</h2>
      <ul class="factors">
        <li>Password</li>
        {{#factors}}<li>{{label}} <span class="muted">({{kind}}, {{status}})</span></li>{{/factors}}
        <li>Recovery codes: {{codesLeft}} unused</li>
      </ul>
      <div class="actions">
        <form method="post" action="/account/totp">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <button type="submit">Add an authenticator app</button>
        </form>
        <form method="post" action="/account/recovery-codes">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <button type="submit" class="secondary">New recovery codes</button>
        </form>
      </div>
      {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
      <h2>Passkeys and security keys</h2>
      <ul class="passkeys" id="passkeys">{{#passkeys}}
        <li><strong class="passkey-name">{{label}}</strong>
          <span class="muted">{{binding}}; added {{created}}; last used {{lastUsed}}</span>
          <form method="post" action="/account/passkeys/{{id}}/rename" class="inline">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <input name="name" value="{{label}}" aria-label="New name" maxlength="64" required>
            <button type="submit" class="link">Rename</button>
          </form>
          <form method="post" action="/account/passkeys/{{id}}/remove" class="inline">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <button type="submit" class="link">Remove</button>
          </form>
        </li>{{/passkeys}}
      {{^passkeys}}<li class="muted">None yet. A passkey signs you in without a password and cannot be phished.</li>{{/passkeys}}</ul>
      <form method="post" action="/account/passkeys/new">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit" class="secondary" id="add-passkey">Add a passkey</button>
      </form>
      <h2>Devices</h2>
      <ul class="devices" id="devices">{{#devices}}
        <li>{{label}}{{#current}} <strong>(this device)</strong>{{/current}}
          <span class="muted">last seen {{lastSeen}}{{#trustedUntil}}, trusted until {{trustedUntil}}{{/trustedUntil}}</span>
          <form method="post" action="/account/devices/revoke" class="inline">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <input type="hidden" name="device" value="{{id}}">
            <button type="submit" class="link">Remove</button>
          </form>
        </li>{{/devices}}
      {{^devices}}<li class="muted">No remembered devices yet: a device is remembered after a step-up.</li>{{/devices}}</ul>
      <form method="post" action="/account/devices/trust">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit" class="secondary" id="trust">This was me: trust this device for 30 days</button>
      </form>
      {{#pushEnabled}}
      <h2>Approvals on this device</h2>
      <p>Approve your step-ups here by picking the number the other screen shows. Open the
         <a href="/approve" id="approver-link">approver page</a> to receive requests.</p>
      <form method="post" action="/account/approvers" id="approver-enroll" data-user="{{username}}"
            data-vapid="{{vapidKey}}" hidden>
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="device_key" value="">
        <input type="hidden" name="proof" value="">
        <input type="hidden" name="subscription" value="">
        <label>Name <input name="name" maxlength="64" value="This browser" required></label>
        <button type="submit" class="secondary" id="enroll-approver">Approve step-ups on this device</button>
        <p class="muted" id="approver-status" role="status"></p>
      </form>
      <script src="/static/approver.js" defer></script>
      {{/pushEnabled}}
    </section>
    """

    static let approve = """
    <section class="card narrow" id="approver" data-user="{{username}}">
      <h1>Approve</h1>
      <p>Requests to confirm your actions appear here while this page is open. Approve only what you are doing
         yourself, by picking the number the other screen shows.</p>
      <p class="muted state" role="status">Connecting…</p>
      <ul class="approvals" id="approvals"></ul>
    </section>
    <script src="/static/approver.js" defer></script>
    """

    static let totp = """
    <section class="card narrow">
      <h1>Add an authenticator app</h1>
      <p>Scan the code with your authenticator app, or type the key (or open the link on your phone), then enter the
         code it shows.</p>
      <div class="enroll">
        {{#qr}}<div class="qr" id="qr">{{{qr}}}</div>{{/qr}}
        <p class="secret" id="secret">{{secret}}</p>
      </div>
      <p class="uri"><a href="{{uri}}" id="otpauth">{{uri}}</a></p>
      {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
      <form method="post" action="/account/totp/{{factorID}}/confirm">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="secret" value="{{secret}}">
        <input type="hidden" name="uri" value="{{uri}}">
        <label>Code <input name="code" inputmode="numeric" autocomplete="one-time-code" required autofocus></label>
        <button type="submit">Confirm</button>
      </form>
    </section>
    """

    static let passkey = """
    <section class="card narrow">
      <h1>Add a passkey</h1>
      <p>Use this device's fingerprint, face or screen lock, or a security key. A passkey bound to one device can
         reach the highest level; a synced passkey (kept in a password manager or cloud account) counts as two factors.</p>
      {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
      <form method="post" action="/account/passkeys" id="passkey-register" data-webauthn="create"
            data-options="{{passkeyOptions}}" hidden>
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="ceremony" value="{{ceremony}}">
        <input type="hidden" name="credential" value="">
        <label>Name <input name="name" maxlength="64" placeholder="e.g. Laptop fingerprint"></label>
        <button type="submit" id="create-passkey">Create passkey</button>
      </form>
      <p><a href="/account">Back to your account</a></p>
    </section>
    """

    static let codes = """
    <section class="card narrow">
      <h1>Your recovery codes</h1>
      <p>Each code works once. Keep them somewhere safe: they are shown only now.</p>
      <ol class="codes" id="codes">{{#codes}}<li><code>{{.}}</code></li>{{/codes}}</ol>
      <p><a href="/account">Back to your account</a></p>
    </section>
    """

    static let message = """
    <section class="card narrow">
      <h1>{{heading}}</h1>
      <p id="message">{{text}}</p>
      {{#link}}<p><a href="{{link}}">{{linkText}}</a></p>{{/link}}
    </section>
    """

    static let bank = """
    <section class="card">
      <h1>Acme Bank</h1>
      <p class="balance">Balance: <strong id="balance">{{balance}}</strong></p>
      <h2>Send money</h2>
      <form method="post" action="/demo/transfer">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label>Amount <input name="amount" inputmode="decimal" required value="250.00"></label>
        <label>Currency <select name="currency"><option>EUR</option><option>USD</option></select></label>
        <label>Payee <input name="payee" required value="ACME Ltd"></label>
        <button type="submit">Send</button>
      </form>
      <h2>More</h2>
      <ul>
        <li><a href="/demo/export">Export my data</a> (needs aal2)</li>
        <li><a href="/demo/admin">Admin area</a> (needs aal3 and the admin role)</li>
      </ul>
    </section>
    """

    static let transfer = """
    <section class="card narrow">
      <h1>Confirm transfer</h1>
      <p>You confirmed it's you. Send <strong>{{amount}} {{currency}}</strong> to <strong>{{payee}}</strong>?</p>
      <form method="post" action="/demo/transfer">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="amount" value="{{amount}}">
        <input type="hidden" name="currency" value="{{currency}}">
        <input type="hidden" name="payee" value="{{payee}}">
        <input type="hidden" name="grant" value="{{grant}}">
        <button type="submit" id="send">Send now</button>
      </form>
    </section>
    """

    static let export = """
    <section class="card">
      <h1>Your data</h1>
      <pre id="export">{{data}}</pre>
    </section>
    """
}
