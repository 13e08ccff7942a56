/// The pages' stylesheet, served at `/assets/stepup.css` so the Content-Security-Policy can forbid inline code.
enum Stylesheet {
    static let css = """
    :root { --ink: #1d2433; --muted: #667085; --accent: #3b5bdb; --bad: #c92a2a; --ok: #2b8a3e; --bg: #f5f6f8; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); }
    header { display: flex; justify-content: space-between; align-items: center; padding: .75rem 1.5rem; background: #fff;
             border-bottom: 1px solid #e4e7ec; }
    .brand { font-weight: 700; color: var(--accent); text-decoration: none; font-size: 1.2rem; }
    nav { display: flex; gap: 1rem; align-items: center; }
    nav a { color: var(--ink); text-decoration: none; }
    main { padding: 2rem 1rem; }
    .card { background: #fff; max-width: 44rem; margin: 0 auto; padding: 1.5rem 2rem; border-radius: 12px;
            box-shadow: 0 1px 3px rgba(16,24,40,.1); }
    .narrow { max-width: 26rem; }
    h1 { margin-top: 0; font-size: 1.5rem; }
    h2 { font-size: 1.1rem; margin-top: 1.5rem; }
    label { display: block; margin: .75rem 0; font-weight: 500; }
    input, select { display: block; width: 100%; margin-top: .25rem; padding: .55rem .7rem; font: inherit;
                    border: 1px solid #d0d5dd; border-radius: 8px; }
    button { margin-top: .5rem; padding: .6rem 1.2rem; font: inherit; font-weight: 600; color: #fff; background: var(--accent);
             border: 0; border-radius: 8px; cursor: pointer; }
    button.secondary { background: #fff; color: var(--accent); border: 1px solid var(--accent); }
    button.link { background: none; color: var(--muted); padding: 0; margin: 0; font-weight: 400; }
    form.inline { display: inline; }
    .actions { display: flex; gap: 1rem; }
    .error { color: var(--bad); background: #fff5f5; padding: .5rem .75rem; border-radius: 8px; }
    .notice { color: var(--ok); background: #ebfbee; padding: .5rem .75rem; border-radius: 8px; }
    .approve { font-size: 1.15rem; font-weight: 600; background: #edf2ff; padding: .75rem; border-radius: 8px; }
    .push-number { font-size: 2.5rem; letter-spacing: .1em; padding: 0 .5rem; }
    .muted { color: var(--muted); }
    .details { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
    .details dt { color: var(--muted); text-transform: capitalize; }
    .details dd { margin: 0; font-weight: 600; }
    .secret { font-family: ui-monospace, monospace; font-size: 1.2rem; letter-spacing: .1em; word-break: break-all; }
    .uri { font-size: .8rem; word-break: break-all; }
    .codes code { font-size: 1.1rem; }
    .balance { font-size: 1.3rem; }
    [hidden] { display: none !important; }
    .enroll { display: flex; gap: 1.25rem; align-items: center; flex-wrap: wrap; }
    .qr svg { display: block; width: 12rem; height: 12rem; }
    .passkey { margin-top: 1.25rem; padding-top: 1rem; border-top: 1px solid #e4e7ec; }
    .passkeys form.inline input { display: inline; width: 12rem; margin: 0 .5rem; padding: .2rem .4rem; }
    .approvals { list-style: none; padding: 0; }
    .approval { border-top: 1px solid #e4e7ec; padding-top: 1rem; }
    .approval .what { font-weight: 600; font-size: 1.1rem; }
    .choices { display: flex; gap: .75rem; margin: .75rem 0; }
    .choices .choice { font-size: 1.5rem; min-width: 4.5rem; }
    """
}
