"""An independent relying party (Authlib's OAuth 2.0 client + PyJWT) against a running StepUp.

Usage: oidc_rp.py BASE_URL PHASE STATE_FILE EXAMPLE_URL  (the StepUpGuard example resource server)
  phase 1: enrolls TOTP for alice, then runs every flow below and writes tokens to STATE_FILE;
  phase 2 (after `stepup keys rotate`): old tokens still verify against the JWKS, new ones use the new key.
  phase 3: RFC 9396 authorization_details (client "shop"): shown on the step-up page, bound to the ceremony,
           returned in the tokens and at introspection, single use at introspection under a race.
Prints "OK <check>" per passed check; any failed check exits non-zero with the reason.
"""
import hashlib
import base64
import html
import json
import re
import sys
import time
import urllib.parse

import jwt
import pyotp
import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.common.security import generate_token

BASE, PHASE, STATE_FILE, EXAMPLE = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
REDIRECT = "http://127.0.0.1:9/callback"  # never contacted: the browser stops at the redirect
USER, PASSWORD = "alice", "correct horse battery staple"


def check(condition, name, detail=""):
    if not condition:
        print(f"FAIL {name}: {detail}", flush=True)
        sys.exit(1)
    print(f"OK {name}", flush=True)


discovery = requests.get(BASE + "/.well-known/openid-configuration").json() if PHASE != "keygen" else {}
ISSUER = discovery.get("issuer")


def jwks():
    return jwt.PyJWKSet.from_dict(requests.get(discovery["jwks_uri"]).json())


def verify(token, audience, typ=None, keys=None):
    keys = keys or jwks()
    header = jwt.get_unverified_header(token)
    if typ is not None:
        check(header.get("typ") == typ, f"typ is {typ}", header)
    key = next(k for k in keys.keys if k.key_id == header["kid"])
    return jwt.decode(token, key, algorithms=["ES256"], audience=audience, issuer=ISSUER,
                      options={"require": ["exp", "iat", "iss", "sub", "aud"]})


def at_hash(token):
    return base64.urlsafe_b64encode(hashlib.sha256(token.encode()).digest()[:16]).rstrip(b"=").decode()


class Browser:
    """A cookie-keeping user agent that fills StepUp's forms the way a person would."""

    def __init__(self):
        self.http = requests.Session()
        self.totp = None
        self.last_step = None

    def go(self, url):
        """Follows redirects until the client's redirect URI (returned) or a StepUp page (returned as response).
        Back from a sign-in or step-up form StepUp answers a page whose meta refresh leads to the client."""
        while True:
            response = self.http.get(url, allow_redirects=False)
            refresh = re.search(r'<meta http-equiv="refresh" content="0;url=([^"]*)">', response.text)
            if response.status_code in (302, 303) or (response.status_code == 200 and refresh):
                target = response.headers["location"] if response.status_code != 200 else html.unescape(refresh.group(1))
                url = urllib.parse.urljoin(url, target)
                if url.startswith(REDIRECT):
                    return url
                continue
            return response

    def post(self, url, form):
        response = self.http.post(url, data=form, allow_redirects=False)
        check(response.status_code in (302, 303), "form accepted", f"{url} {response.status_code} {response.text[:400]}")
        location = urllib.parse.urljoin(url, response.headers["location"])
        self.grant_url = location
        return location if location.startswith(REDIRECT) else self.go(location)

    @staticmethod
    def field(page, name):
        match = re.search(r'name="%s" value="([^"]*)"' % name, page.text)
        return match.group(1) if match else ""

    def sign_in(self, page):
        check("/login" in page.url, "the sign-in page is shown", page.url)
        if "login_hint=" in page.url:
            check('value="alice&quot;&gt;&lt;script&gt;"' in page.text or 'value="alice&#34;&gt;&lt;script&gt;"' in page.text,
                  "login_hint pre-fills the username, escaped", re.findall(r'name="username"[^>]*', page.text))
        return self.post(page.url, {"csrf": self.field(page, "csrf"), "next": self.field(page, "next"),
                                    "username": USER, "password": PASSWORD})

    def step_up(self, page):
        check("/step-up/" in page.url, "only the step-up page is shown (no new sign-in)", page.url)
        return self.post(page.url.split("?")[0], {"csrf": self.field(page, "csrf"), "next": self.field(page, "next"),
                                                  "factor": "totp", "code": self.next_code()})

    def next_code(self):
        """A TOTP step is accepted once: the code of the next unused step within the ±1 window (waits for it)."""
        step = self.last_step + 1
        while int(time.time()) // 30 < step - 1:
            time.sleep(1)
        self.last_step = step
        return self.totp.at(step * 30)


browser = Browser()


def authorize(client, verifier, **params):
    nonce = generate_token(20)
    uri, state = client.create_authorization_url(discovery["authorization_endpoint"], code_verifier=verifier,
                                                 nonce=nonce, **params)
    return uri, state, nonce


def public_client(client_id="spa"):
    return OAuth2Session(client_id, scope="openid offline_access", redirect_uri=REDIRECT, code_challenge_method="S256",
                         token_endpoint_auth_method="none")


def callback_params(url):
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


def describe(result):
    """A page for a failure message: its URL, status and headings."""
    if isinstance(result, str):
        return result
    text = " | ".join(re.findall(r"<h1[^>]*>(.*?)</h1>|<p[^>]*>(.*?)</p>", result.text)[0:3].__repr__() for _ in [0])
    return f"{result.status_code} {result.url} {text}"


def code_flow(name, expect_pages, client_id="spa", audience=None, **params):
    """Runs /authorize through whatever pages `expect_pages` lists, then redeems the code with Authlib."""
    client = public_client(client_id)
    verifier = generate_token(64)
    uri, state, nonce = authorize(client, verifier, **params)
    result = browser.go(uri)
    for page in expect_pages:
        check(not isinstance(result, str), f"{name}: StepUp shows the {page} page", describe(result))
        result = browser.sign_in(result) if page == "login" else browser.step_up(result)
    check(isinstance(result, str), f"{name}: back at the client", describe(result))
    params_back = callback_params(result)
    check(params_back.get("state") == state, f"{name}: state echoed")
    check(params_back.get("iss") == ISSUER, f"{name}: RFC 9207 iss in the response")
    token = client.fetch_token(discovery["token_endpoint"], authorization_response=result, code_verifier=verifier,
                               state=state)
    access = verify(token["access_token"], audience or ISSUER, typ="at+jwt")
    ident = verify(token["id_token"], client_id)
    check(ident["nonce"] == nonce, f"{name}: nonce")
    check(ident["at_hash"] == at_hash(token["access_token"]), f"{name}: at_hash")
    check(access["client_id"] == client_id and "openid" in access["scope"], f"{name}: RFC 9068 client_id and scope")
    check(access["acr"] == ident["acr"] and access["auth_time"] == ident["auth_time"], f"{name}: access token acr")
    return token, ident, access


def error_flow(name, expected, client_id="spa", **params):
    client = public_client(client_id)
    uri, state, _ = authorize(client, generate_token(64), **params)
    result = browser.go(uri)
    check(isinstance(result, str), f"{name}: redirected back", describe(result))
    back = callback_params(result)
    check(back.get("error") == expected, f"{name}: error={expected}", back)
    check(back.get("state") == state and back.get("iss") == ISSUER, f"{name}: state and iss on the error")


def parse_challenge(header):
    """RFC 9110 11.6.1, strictly: Bearer, then name=token or name="quoted" pairs separated by ", "."""
    match = re.fullmatch(r'Bearer ((?:[a-z_]+=(?:"(?:[^"\\]|\\.)*"|[A-Za-z0-9]+))(?:, [a-z_]+=(?:"(?:[^"\\]|\\.)*"|[A-Za-z0-9]+))*)',
                         header)
    check(match is not None, "the RFC 9470 challenge parses strictly", header)
    pairs = re.findall(r'([a-z_]+)=(?:"((?:[^"\\]|\\.)*)"|([A-Za-z0-9]+))', match.group(1))
    return {name: re.sub(r"\\(.)", r"\1", quoted) if quoted else token for name, quoted, token in pairs}


def guard_round_trip():
    """The example resource server (StepUpGuard) refuses an aal1 token with an RFC 9470 challenge; the client
    steps up through /authorize with the challenge's acr_values and max_age, and the new token passes."""
    check(requests.get(EXAMPLE + "/public").status_code == 200, "example: public route")
    check(requests.get(EXAMPLE + "/profile").headers.get("www-authenticate") == "Bearer", "example: token required")
    token, _, _ = code_flow("app sign-in", [], client_id="app", audience="https://api.example",
                            acr_values="urn:stepup:acr:aal1")
    bearer = {"authorization": "Bearer " + token["access_token"]}
    check(requests.get(EXAMPLE + "/profile", headers=bearer).status_code == 200, "example: aal1 token reads the profile")
    refused = requests.post(EXAMPLE + "/transfer", headers=bearer)
    check(refused.status_code == 401, "example: aal1 token refused for a transfer", refused.status_code)
    challenge = parse_challenge(refused.headers["www-authenticate"])
    check(challenge["error"] == "insufficient_user_authentication", "example: insufficient_user_authentication")
    check(challenge["acr_values"] == "urn:stepup:acr:aal2" and challenge["max_age"] == "300", "example: acr_values and max_age")
    token, ident, _ = code_flow("app step-up", ["step-up"], client_id="app", audience="https://api.example",
                                acr_values=challenge["acr_values"], max_age=challenge["max_age"])
    approved = requests.post(EXAMPLE + "/transfer", headers={"authorization": "Bearer " + token["access_token"]})
    check(approved.status_code == 200 and "aal2" in approved.text, "example: the stepped-up token passes", approved.text)


def browser_code(client_id, verifier):
    client = public_client(client_id)
    client.scope = "openid"
    uri, state, _ = authorize(client, verifier)
    result = browser.go(uri)
    check(isinstance(result, str), f"{client_id}: code issued", describe(result))
    return callback_params(result)["code"]


def client_authentication_methods():
    """private_key_jwt (an ES256 assertion from a key only the client holds) and client_secret_post."""
    with open(STATE_FILE + ".key.pem", "rb") as handle:
        private_key = handle.read()

    def assertion(audience=None, jti=None):
        now = int(time.time())
        return jwt.encode({"iss": "svc", "sub": "svc", "aud": audience or discovery["token_endpoint"], "iat": now,
                           "exp": now + 60, "jti": jti or generate_token(16)}, private_key, algorithm="ES256",
                          headers={"kid": "svc-key"})

    def redeem(code, verifier, client_assertion):
        return requests.post(discovery["token_endpoint"], data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier,
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": client_assertion})

    verifier = generate_token(64)
    signed = assertion()
    answer = redeem(browser_code("svc", verifier), verifier, signed)
    check(answer.status_code == 200, "private_key_jwt: tokens issued", answer.text)
    check(verify(answer.json()["id_token"], "svc")["aud"] == "svc", "private_key_jwt: ID token for svc")
    verifier = generate_token(64)
    replay = redeem(browser_code("svc", verifier), verifier, signed)
    check(replay.status_code == 401 and replay.json()["error"] == "invalid_client", "private_key_jwt: a replayed jti is refused", replay.text)
    verifier = generate_token(64)
    wrong_aud = redeem(browser_code("svc", verifier), verifier, assertion(audience="https://elsewhere.example/token"))
    check(wrong_aud.status_code == 401, "private_key_jwt: another audience is refused")

    verifier = generate_token(64)
    code = browser_code("post", verifier)
    basic = requests.post(discovery["token_endpoint"], auth=("post", POST_SECRET), data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier})
    check(basic.status_code == 401 and basic.json()["error"] == "invalid_client",
          "a client_secret_post client cannot use Basic")
    code = browser_code("post", verifier)
    posted = requests.post(discovery["token_endpoint"], data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier,
        "client_id": "post", "client_secret": POST_SECRET})
    check(posted.status_code == 200 and "refresh_token" not in posted.json(), "client_secret_post: tokens issued",
          posted.text)


def hostile_requests(verifier_code):
    """Bad input gets an OAuth error or a readable page, never a crash; racing redemptions of one code have one winner."""
    token_endpoint = discovery["token_endpoint"]
    as_json = requests.post(token_endpoint, json={"grant_type": "authorization_code", "code": "x"})
    check(as_json.status_code == 400 and as_json.json()["error"] == "invalid_request", "token: JSON body refused")
    garbage = requests.post(token_endpoint, data=b"grant_type=%zz&&==",
                            headers={"content-type": "application/x-www-form-urlencoded"})
    check(garbage.status_code == 400 and garbage.json()["error"] == "invalid_request", "token: malformed form refused")
    twice = requests.post(token_endpoint, data=[("grant_type", "refresh_token"), ("grant_type", "authorization_code"),
                                                ("client_id", "spa")])
    check(twice.status_code == 400 and twice.json()["error"] == "invalid_request", "token: repeated parameter refused")
    unknown = requests.post(token_endpoint, data={"grant_type": "password", "client_id": "spa"})
    check(unknown.json()["error"] == "unsupported_grant_type", "token: unsupported grant type")
    nobody = requests.post(token_endpoint, auth=("nobody", "x"), data={"grant_type": "authorization_code", "code": "x"})
    check(nobody.status_code == 401 and nobody.json()["error"] == "invalid_client", "token: unknown client")
    page = requests.get(discovery["authorization_endpoint"] + "?client_id=%zz&redirect_uri=" + "a" * 5000,
                        allow_redirects=False)
    check(page.status_code == 400 and "location" not in page.headers and "<h1" in page.text, "authorize: garbage gets a page")
    resume = requests.get(discovery["authorization_endpoint"] + "?resume=nonexistent", allow_redirects=False)
    check(resume.status_code == 400 and "location" not in resume.headers, "authorize: unknown resume id gets a page")
    check(requests.post(discovery["introspection_endpoint"], data={"token": "x"}).status_code == 401,
          "introspection needs client authentication")

    # Eight racing redemptions of one code: exactly one gets tokens.
    code, verifier = verifier_code
    import concurrent.futures
    def redeem(_):
        return requests.post(token_endpoint, data={"grant_type": "authorization_code", "code": code, "client_id": "spa",
                                                   "redirect_uri": REDIRECT, "code_verifier": verifier}).status_code
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(redeem, range(8)))
    check(sorted(statuses) == [200] + [400] * 7, "racing redemptions of one code: one winner", statuses)


def first_party_challenge():
    """A first-party app without a browser: its StepUp session (POST /v1/sessions) asks for aal2, gets
    insufficient_authorization with an auth_session and a challenge, completes the challenge with the challenge API,
    and gets a code for tokens at aal2."""
    endpoint = discovery["authorization_challenge_endpoint"]
    api = requests.post(BASE + "/v1/sessions", json={"username": USER, "password": PASSWORD}).json()["token"]
    bearer = {"authorization": "Bearer " + api}
    verifier = generate_token(64)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    request = {"client_id": "native", "scope": "openid", "acr_values": "urn:stepup:acr:aal2", "redirect_uri": REDIRECT,
               "code_challenge": challenge, "code_challenge_method": "S256"}
    refused = requests.post(endpoint, data=dict(request, client_id="spa"), headers=bearer)
    check(refused.status_code == 400 and refused.json()["error"] == "unauthorized_client",
          "challenge endpoint: only first-party clients", refused.text)
    anonymous = requests.post(endpoint, data=request)
    check(anonymous.json()["error"] == "insufficient_authorization", "challenge endpoint: a session is needed first")
    first = requests.post(endpoint, data=request, headers=bearer)
    body = first.json()
    check(first.status_code == 400 and body["error"] == "insufficient_authorization" and body.get("challenge_id"),
          "challenge endpoint: insufficient_authorization with auth_session and challenge", body)
    foreign = requests.post(endpoint, data={"auth_session": "not-a-session"}, headers=bearer).json()
    check(foreign["error"] == "invalid_grant", "challenge endpoint: an unknown auth_session is refused")
    early = requests.post(endpoint, data={"auth_session": body["auth_session"]}, headers=bearer).json()
    check(early["error"] == "insufficient_authorization", "challenge endpoint: nothing before the challenge is met")
    verified = requests.post(BASE + f"/v1/challenges/{body['challenge_id']}/verify", headers=bearer,
                             json={"factor": "totp", "code": browser.next_code()})
    check(verified.status_code == 200, "challenge endpoint: the challenge API verifies the factor", verified.text)
    done = requests.post(endpoint, data={"auth_session": body["auth_session"]}, headers=bearer)
    check(done.status_code == 200 and "authorization_code" in done.json(), "challenge endpoint: a code", done.text)
    token = requests.post(discovery["token_endpoint"], data={
        "grant_type": "authorization_code", "code": done.json()["authorization_code"], "client_id": "native",
        "redirect_uri": REDIRECT, "code_verifier": verifier})
    check(token.status_code == 200, "challenge endpoint: tokens", token.text)
    ident = verify(token.json()["id_token"], "native")
    check(ident["acr"] == "urn:stepup:acr:aal2", "challenge endpoint: the new token is aal2", ident)


def phase1():
    check(discovery["code_challenge_methods_supported"] == ["S256"], "discovery: S256 only")
    check("urn:stepup:acr:aal2" in discovery["acr_values_supported"], "discovery: acr values")
    check(discovery["claims_parameter_supported"] is True, "discovery: claims parameter")

    # TOTP for alice through the JSON API (a real authenticator app would scan the QR code).
    api = requests.post(BASE + "/v1/sessions", json={"username": USER, "password": PASSWORD}).json()["token"]
    started = requests.post(BASE + "/v1/factors/totp", json={}, headers={"authorization": "Bearer " + api}).json()
    browser.totp = pyotp.TOTP(started["secret"])
    browser.last_step = int(time.time()) // 30
    confirmed = requests.post(BASE + started["confirm_url"], json={"code": browser.totp.at(browser.last_step * 30)},
                              headers={"authorization": "Bearer " + api})
    check(confirmed.status_code == 200, "TOTP enrolled", confirmed.text)

    error_flow("prompt=none signed out", "login_required", prompt="none")
    _, ident, _ = code_flow("sign-in at aal1", ["login"], acr_values="urn:stepup:acr:aal1")
    check(ident["acr"] == "urn:stepup:acr:aal1" and ident["amr"] == ["pwd"], "aal1 token", ident)
    guard_round_trip()

    before = int(time.time())
    _, ident, _ = code_flow("prompt=login", ["login"], prompt="login", login_hint='alice"><script>')
    check(ident["auth_time"] >= before and ident["acr"] == "urn:stepup:acr:aal1", "prompt=login: a new sign-in", ident)
    first_auth = ident["auth_time"]

    error_flow("prompt=none needs aal2", "interaction_required", prompt="none", acr_values="urn:stepup:acr:aal2")
    # The policy's rule for oidc.authorize with client_id web demands aal2 though the request asks for nothing.
    error_flow("policy: web needs aal2", "interaction_required", client_id="web", prompt="none")
    _, ident, _ = code_flow("step-up to aal2", ["step-up"], acr_values="urn:stepup:acr:aal2")
    check(ident["acr"] == "urn:stepup:acr:aal2" and "otp" in ident["amr"], "aal2 token after the second factor", ident)
    check(ident["auth_time"] >= first_auth, "auth_time moves with the step-up")

    token, ident, _ = code_flow("prompt=none at aal2", [], prompt="none", acr_values="urn:stepup:acr:aal2")
    check(ident["acr"] == "urn:stepup:acr:aal2", "silent aal2 once earned")
    code_flow("id_token_hint of the signed-in user", [], prompt="none", id_token_hint=token["id_token"])
    error_flow("a forged id_token_hint", "invalid_request", prompt="none", id_token_hint=token["id_token"][:-4] + "AAAA")

    essential = json.dumps({"id_token": {"acr": {"essential": True, "values": ["urn:other:gold"]}}})
    error_flow("essential unknown acr", "unmet_authentication_requirements", claims=essential)
    essential = json.dumps({"id_token": {"acr": {"essential": True, "value": "urn:stepup:acr:aal3"}}})
    error_flow("essential aal3 without a security key", "unmet_authentication_requirements", claims=essential)

    time.sleep(1)
    before = int(time.time())
    _, ident, _ = code_flow("max_age=0", ["login"], max_age="0")
    check(ident["auth_time"] >= before, "max_age=0: a new sign-in")
    # The new sign-in is password only: aal2 with a 1-second max_age then needs only the second factor.
    time.sleep(2)
    _, ident, _ = code_flow("max_age=1 at aal2", ["step-up"], max_age="1", acr_values="urn:stepup:acr:aal2")
    check(ident["acr"] == "urn:stepup:acr:aal2" and int(time.time()) - ident["auth_time"] <= 5, "fresh aal2", ident)

    race_verifier = generate_token(64)
    hostile_requests((browser_code("spa", race_verifier), race_verifier))

    # Redirect URI mismatch: an error page at StepUp, never a redirect.
    bad = public_client()
    bad.redirect_uri = REDIRECT + "/evil"
    uri, _, _ = authorize(bad, generate_token(64))
    response = browser.http.get(uri, allow_redirects=False)
    check(response.status_code == 400 and "location" not in response.headers, "redirect_uri mismatch never redirects")

    # Confidential client with refresh tokens.
    web = OAuth2Session("web", CONFIDENTIAL_SECRET, scope="openid offline_access", redirect_uri=REDIRECT,
                        code_challenge_method="S256", token_endpoint_auth_method="client_secret_basic")
    verifier = generate_token(64)
    uri, state, _ = authorize(web, verifier, acr_values="urn:stepup:acr:aal2")
    result = browser.go(uri)
    check(isinstance(result, str), "confidential client: silent at aal2")
    token = web.fetch_token(discovery["token_endpoint"], authorization_response=result, code_verifier=verifier,
                            state=state)
    # A code is single use.
    reused = requests.post(discovery["token_endpoint"], auth=("web", CONFIDENTIAL_SECRET),
                           data={"grant_type": "authorization_code", "code": callback_params(result)["code"],
                                 "redirect_uri": REDIRECT, "code_verifier": verifier})
    check(reused.status_code == 400 and reused.json()["error"] == "invalid_grant", "a code works once", reused.text)
    check(set(reused.json()) <= {"error", "error_description"}, "RFC 6749 5.2 error body")
    wrong = requests.post(discovery["token_endpoint"], auth=("web", "not-the-secret"),
                          data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]})
    check(wrong.status_code == 401 and wrong.json()["error"] == "invalid_client", "wrong secret: invalid_client")

    original = verify(token["access_token"], ISSUER, typ="at+jwt")
    first_refresh = token["refresh_token"]
    refreshed = web.refresh_token(discovery["token_endpoint"], refresh_token=first_refresh)
    again = verify(refreshed["access_token"], ISSUER, typ="at+jwt")
    check(refreshed["refresh_token"] != first_refresh, "refresh rotates the refresh token")
    check(again["acr"] == original["acr"] and again["auth_time"] == original["auth_time"],
          "refreshed tokens keep acr and auth_time")

    introspect = requests.post(discovery["introspection_endpoint"], auth=("web", CONFIDENTIAL_SECRET),
                               data={"token": refreshed["access_token"]}).json()
    check(introspect["active"] is True and introspect["acr"] == again["acr"]
          and introspect["auth_time"] == again["auth_time"], "introspection adds acr and auth_time", introspect)
    info = requests.get(discovery["userinfo_endpoint"],
                        headers={"authorization": "Bearer " + refreshed["access_token"]}).json()
    check(info["sub"] == again["sub"] and info["preferred_username"] == USER, "userinfo", info)

    revoked = requests.post(discovery["revocation_endpoint"], auth=("web", CONFIDENTIAL_SECRET),
                            data={"token": refreshed["access_token"], "token_type_hint": "access_token"})
    check(revoked.status_code == 200, "revocation answers 200")
    introspect = requests.post(discovery["introspection_endpoint"], auth=("web", CONFIDENTIAL_SECRET),
                               data={"token": refreshed["access_token"]}).json()
    check(introspect == {"active": False}, "a revoked access token is inactive", introspect)

    # Keep one family alive for phase 2 (before testing reuse on another one).
    state_out = {"access_token": refreshed["access_token"], "kid": jwt.get_unverified_header(token["access_token"])["kid"]}
    uri, state, _ = authorize(web, verifier := generate_token(64), acr_values="urn:stepup:acr:aal2")
    result = browser.go(uri)
    spare = web.fetch_token(discovery["token_endpoint"], authorization_response=result, code_verifier=verifier,
                            state=state)
    state_out["refresh_token"] = spare["refresh_token"]
    state_out["unrevoked_access_token"] = spare["access_token"]

    # Reuse of a rotated refresh token revokes the whole family, the newest token included.
    reuse = requests.post(discovery["token_endpoint"], auth=("web", CONFIDENTIAL_SECRET),
                          data={"grant_type": "refresh_token", "refresh_token": first_refresh})
    check(reuse.status_code == 400 and reuse.json()["error"] == "invalid_grant", "reuse is refused")
    newest = requests.post(discovery["token_endpoint"], auth=("web", CONFIDENTIAL_SECRET),
                           data={"grant_type": "refresh_token", "refresh_token": refreshed["refresh_token"]})
    check(newest.status_code == 400 and newest.json()["error"] == "invalid_grant", "reuse revoked the family")

    state_out["id_token"] = spare["id_token"]
    state_out["totp"] = browser.totp.secret
    state_out["cookies"] = browser.http.cookies.get_dict()
    client_authentication_methods()
    first_party_challenge()
    state_out["last_step"] = browser.last_step
    with open(STATE_FILE, "w") as handle:
        json.dump(state_out, handle)


def phase2():
    with open(STATE_FILE) as handle:
        saved = json.load(handle)
    keys = jwks()
    kids = [key.key_id for key in keys.keys]
    check(len(kids) == 2 and saved["kid"] in kids, "JWKS publishes the old key beside the new one", kids)
    verify(saved["unrevoked_access_token"], ISSUER, typ="at+jwt", keys=keys)
    print("OK a token signed before the rotation still verifies", flush=True)
    refreshed = requests.post(discovery["token_endpoint"], auth=("web", CONFIDENTIAL_SECRET),
                              data={"grant_type": "refresh_token", "refresh_token": saved["refresh_token"]})
    check(refreshed.status_code == 200, "refresh after rotation", refreshed.text)
    new_kid = jwt.get_unverified_header(refreshed.json()["access_token"])["kid"]
    check(new_kid != saved["kid"] and new_kid in kids, "new tokens are signed with the new key")

    # RP-initiated logout with the ID token as hint: the session ends, and with it the session's refresh tokens.
    browser.http.cookies.update(saved["cookies"])
    out = browser.http.get(discovery["end_session_endpoint"], allow_redirects=False, params={
        "id_token_hint": saved["id_token"], "post_logout_redirect_uri": REDIRECT + "/signed-out", "state": "bye"})
    check(out.status_code in (302, 303) and out.headers["location"] == REDIRECT + "/signed-out?state=bye",
          "logout redirects to the registered post-logout URI with state", out.headers)
    after = requests.post(discovery["token_endpoint"], auth=("web", CONFIDENTIAL_SECRET),
                          data={"grant_type": "refresh_token", "refresh_token": refreshed.json()["refresh_token"]})
    check(after.status_code == 400 and after.json()["error"] == "invalid_grant", "logout ends the refresh tokens")
    info = requests.get(discovery["userinfo_endpoint"],
                        headers={"authorization": "Bearer " + refreshed.json()["access_token"]})
    check(info.status_code == 401 and "invalid_token" in info.headers["www-authenticate"], "userinfo after logout")
    page = browser.go(public_client().create_authorization_url(discovery["authorization_endpoint"],
                                                              code_verifier=generate_token(64))[0])
    check(not isinstance(page, str) and "/login" in page.url, "signed out: /authorize asks for a sign-in again")


PAYMENT = [{"type": "payment_initiation", "actions": ["initiate"],
            "instructedAmount": {"currency": "EUR", "amount": "123.50"}, "creditorName": "Merchant <b>A</b>",
            "creditorAccount": {"iban": "DE02100100109307118603"}, "remittanceInformationUnstructured": "Order 4711"}]


def details_page(client, verifier, details, expect_login=False):
    """/authorize with authorization_details: returns (page, state) at the step-up page that shows them."""
    uri, state, _ = authorize(client, verifier, authorization_details=json.dumps(details))
    page = browser.go(uri)
    if expect_login:
        page = browser.sign_in(page)
    check(not isinstance(page, str) and "/step-up/" in page.url, "details: a step-up page for the transaction",
          describe(page))
    return page, state


def token_request(code, verifier, **extra):
    return requests.post(discovery["token_endpoint"], data=dict({
        "grant_type": "authorization_code", "code": code, "client_id": "shop", "redirect_uri": REDIRECT,
        "code_verifier": verifier}, **extra))


def phase3():
    """RFC 9396 transaction authorization: the payment is shown (escaped), confirmed in a step-up bound to it, and
    only that payment can come out of the ceremony; single use at introspection under a race."""
    with open(STATE_FILE) as handle:
        saved = json.load(handle)
    browser.totp = pyotp.TOTP(saved["totp"])
    browser.last_step = saved["last_step"]
    check("payment_initiation" in discovery.get("authorization_details_types_supported", []),
          "discovery: authorization_details_types_supported", discovery)
    error_flow("details: a type the client may not use", "invalid_authorization_details", client_id="shop",
               authorization_details=json.dumps([{"type": "wire_transfer"}]))
    error_flow("details: not an array of objects", "invalid_authorization_details", client_id="shop",
               authorization_details='{"type": "payment_initiation"}')
    error_flow("details: a client without types", "invalid_authorization_details", client_id="spa",
               authorization_details=json.dumps(PAYMENT))

    shop = public_client("shop")
    # Signed out (phase 2 logged out): sign in first, then the payment's own confirmation.
    verifier_a = generate_token(64)
    page_a, state_a = details_page(shop, verifier_a, PAYMENT, expect_login=True)
    check("123.50 EUR" in page_a.text and "DE02100100109307118603" in page_a.text and "Order 4711" in page_a.text,
          "details: the step-up page shows amount, account and reference")
    check("Merchant &lt;b&gt;A&lt;/b&gt;" in page_a.text and "<b>A</b>" not in page_a.text,
          "details: shown escaped, never as HTML")
    check("payment initiation" in page_a.text, "details: the prompt names the transaction type")
    error_flow("details: prompt=none cannot confirm a transaction", "interaction_required", client_id="shop",
               prompt="none", authorization_details=json.dumps(PAYMENT))
    # The policy decides oidc.authorize with the types as the resource attribute authorization_details_types.
    error_flow("details: the policy sees the types: access_denied", "access_denied", client_id="shop",
               authorization_details=json.dumps([{"type": "account_information", "actions": ["read"]}]))
    # A second, larger payment waits for its own confirmation.
    other = [dict(PAYMENT[0], instructedAmount={"currency": "EUR", "amount": "9999.00"}, creditorName="Mallory")]
    verifier_b = generate_token(64)
    page_b, state_b = details_page(shop, verifier_b, other)
    check("9999.00 EUR" in page_b.text and "Mallory" in page_b.text, "details: the other payment's page")
    resume_b = Browser.field(page_b, "next")
    result_a = browser.step_up(page_a)
    check(isinstance(result_a, str) and "code=" in result_a, "details: the confirmed payment gets a code", describe(result_a))
    grant_a = urllib.parse.parse_qs(urllib.parse.urlsplit(browser.grant_url).query)["grant"][0]
    # Binding: payment A's grant, presented for payment B's pending request, yields no code (a new step-up instead).
    replay = browser.go(urllib.parse.urljoin(BASE, resume_b) + "&grant=" + grant_a)
    check(not isinstance(replay, str) and "/step-up/" in replay.url and "9999.00 EUR" in replay.text,
          "details: a grant for one payment never issues a code for another", describe(replay))
    # Tampering at the token endpoint: other details than the approved ones are refused (and the code is spent).
    code_a = callback_params(result_a)["code"]
    tampered = token_request(code_a, verifier_a, authorization_details=json.dumps(other))
    check(tampered.status_code == 400 and tampered.json()["error"] == "invalid_authorization_details"
          and set(tampered.json()) <= {"error", "error_description"}, "details: tampered token request refused",
          tampered.text)
    check(token_request(code_a, verifier_a).json()["error"] == "invalid_grant", "details: the code was spent")

    verifier_c = generate_token(64)
    page_c, state_c = details_page(shop, verifier_c, PAYMENT)
    result_c = browser.step_up(page_c)
    check(isinstance(result_c, str), "details: second confirmation back at the client", describe(result_c))
    token = shop.fetch_token(discovery["token_endpoint"], authorization_response=result_c, code_verifier=verifier_c,
                             state=state_c)
    check(token.get("authorization_details") == PAYMENT, "details: the token response returns them exactly", token)
    access = verify(token["access_token"], ISSUER, typ="at+jwt")
    check(access["authorization_details"] == PAYMENT and access["acr"] == "urn:stepup:acr:aal2"
          and "otp" in access["amr"], "details: the JWT access token carries them at aal2", access)

    # A single-use client's refresh tokens carry no details: a refresh cannot mint the transaction again.
    refreshed = requests.post(discovery["token_endpoint"], data={
        "grant_type": "refresh_token", "refresh_token": token["refresh_token"], "client_id": "shop"})
    check(refreshed.status_code == 200 and "authorization_details" not in refreshed.json()
          and "authorization_details" not in verify(refreshed.json()["access_token"], ISSUER),
          "details: a single-use client's refresh mints no transaction again", refreshed.text)
    widened = requests.post(discovery["token_endpoint"], data={
        "grant_type": "refresh_token", "refresh_token": refreshed.json()["refresh_token"], "client_id": "shop",
        "authorization_details": json.dumps(PAYMENT)})
    check(widened.status_code == 400 and widened.json()["error"] == "invalid_authorization_details",
          "details: a refresh cannot ask for details", widened.text)

    # Single use at introspection: 20 racing introspections, exactly one active with the details.
    import concurrent.futures
    def introspect(_):
        return requests.post(discovery["introspection_endpoint"], auth=("web", CONFIDENTIAL_SECRET),
                             data={"token": token["access_token"]}).json()
    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(introspect, range(20)))
    active = [answer for answer in answers if answer.get("active")]
    check(len(active) == 1 and active[0]["authorization_details"] == PAYMENT,
          "details: of 20 racing introspections exactly one is active", answers)
    check(answers.count({"active": False}) == 19, "details: the other 19 are inactive")
    check(introspect(0) == {"active": False}, "details: and so is every later one")
    first_party_details()


def first_party_details():
    """The first-party challenge endpoint takes authorization_details too: the same bound challenge, whose API view
    lists the payment, then a code whose tokens carry it."""
    endpoint = discovery["authorization_challenge_endpoint"]
    api = requests.post(BASE + "/v1/sessions", json={"username": USER, "password": PASSWORD}).json()["token"]
    bearer = {"authorization": "Bearer " + api}
    verifier = generate_token(64)
    pkce = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    request = {"client_id": "native-pay", "scope": "openid", "redirect_uri": REDIRECT, "code_challenge": pkce,
               "code_challenge_method": "S256", "authorization_details": json.dumps(PAYMENT)}
    bad = requests.post(endpoint, data=dict(request, authorization_details='[{"type":"wire_transfer"}]'), headers=bearer)
    check(bad.status_code == 400 and bad.json()["error"] == "invalid_authorization_details",
          "first-party details: an unknown type is invalid_authorization_details", bad.text)
    first = requests.post(endpoint, data=request, headers=bearer).json()
    check(first.get("error") == "insufficient_authorization" and first.get("challenge_id"),
          "first-party details: insufficient_authorization with a bound challenge", first)
    shown = requests.get(BASE + f"/v1/challenges/{first['challenge_id']}", headers=bearer).json()
    check(shown.get("display", {}).get("instructedAmount") == "123.50 EUR", "first-party details: the challenge lists the payment",
          shown)
    verified = requests.post(BASE + f"/v1/challenges/{first['challenge_id']}/verify", headers=bearer,
                             json={"factor": "totp", "code": browser.next_code()})
    check(verified.status_code == 200, "first-party details: the challenge API verifies the factor", verified.text)
    done = requests.post(endpoint, data={"auth_session": first["auth_session"]}, headers=bearer)
    check(done.status_code == 200 and "authorization_code" in done.json(), "first-party details: a code", done.text)
    again = requests.post(endpoint, data={"auth_session": first["auth_session"]}, headers=bearer)
    check(again.status_code == 400, "first-party details: the confirmation yields one code", again.text)
    token = requests.post(discovery["token_endpoint"], data={
        "grant_type": "authorization_code", "code": done.json()["authorization_code"], "client_id": "native-pay",
        "redirect_uri": REDIRECT, "code_verifier": verifier}).json()
    check(token.get("authorization_details") == PAYMENT
          and verify(token["access_token"], ISSUER, typ="at+jwt")["authorization_details"] == PAYMENT,
          "first-party details: the tokens carry the payment", token)


def keygen():
    """The private_key_jwt client's key pair: the private key stays here, the JWKS is registered with StepUp."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    key = ec.generate_private_key(ec.SECP256R1())
    with open(STATE_FILE + ".key.pem", "wb") as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    public = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key()))
    public.update({"kid": "svc-key", "alg": "ES256", "use": "sig"})
    with open(STATE_FILE + ".jwks.json", "w") as handle:
        json.dump({"keys": [public]}, handle)


if PHASE == "keygen":
    keygen()
    sys.exit(0)
CONFIDENTIAL_SECRET = sys.stdin.readline().strip()
POST_SECRET = sys.stdin.readline().strip()
{"1": phase1, "2": phase2, "3": phase3}[PHASE]()
print("DONE", flush=True)
