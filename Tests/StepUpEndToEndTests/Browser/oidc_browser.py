#!/usr/bin/env python3
"""The OIDC browser step-up in headless Chromium, driven by an independent relying party (Authlib + PyJWT).

Usage: oidc_browser.py BASE_URL EXAMPLE_URL CALLBACK_PORT USERNAME PASSWORD SCREENSHOT_DIR
  1. The user enrolls TOTP (JSON API); codes come from `oathtool`, not from StepUp's code.
  2. The RP sends Chromium to /oauth2/authorize at aal1: the sign-in page, then the RP's callback with a code.
  3. The example resource server (StepUpGuard) refuses that token for /transfer with an RFC 9470 challenge.
  4. The RP sends Chromium back with the challenge's acr_values and max_age and a payment in authorization_details:
     only the second factor is asked for (no new sign-in), on a page that shows the payment; the new token is aal2
     with amr otp, carries the payment, and the resource server accepts it.
Exit 0 when every step behaved; prints the failing step (with a screenshot) otherwise.
"""
import http.server
import json
import re
import subprocess
import sys
import threading
import urllib.parse

import jwt
import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from selenium.webdriver.common.by import By

import chromium

BASE, EXAMPLE, PORT, USER, PASSWORD, SHOTS = sys.argv[1:7]
REDIRECT = f"http://127.0.0.1:{PORT}/callback"
PAYMENT = [{"type": "payment_initiation", "instructedAmount": {"currency": "EUR", "amount": "250.00"},
            "creditorName": "Bäckerei <Müller>", "creditorAccount": {"iban": "DE89370400440532013000"}}]


def oathtool(offset=0):
    args = ["oathtool", "--totp", "-b", SECRET]
    if offset:
        args[2:2] = ["-N", f"now + {offset} seconds"]
    return subprocess.check_output(args, text=True).strip()


class Callback(http.server.BaseHTTPRequestHandler):
    """The RP's redirect URI: answers a page so Chromium stops there with the code in its address bar."""

    def do_GET(self):
        self.send_response(200)
        self.send_header("content-type", "text/html")
        self.end_headers()
        self.wfile.write(b"<h1>Back at the relying party</h1>")

    def log_message(self, *args):
        pass


discovery = requests.get(BASE + "/.well-known/openid-configuration").json()
keys = jwt.PyJWKSet.from_dict(requests.get(discovery["jwks_uri"]).json())


def verify(token, audience):
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(k for k in keys.keys if k.key_id == kid)
    return jwt.decode(token, key, algorithms=["ES256"], audience=audience, issuer=discovery["issuer"])


def challenge_of(header):
    """RFC 9470 WWW-Authenticate, strictly: Bearer then name="value" or name=token pairs separated by ", "."""
    assert re.fullmatch(r'Bearer [a-z_]+=("[^"\\]*"|[A-Za-z0-9]+)(, [a-z_]+=("[^"\\]*"|[A-Za-z0-9]+))*', header), header
    return {name: quoted or token for name, quoted, token in re.findall(r'([a-z_]+)=(?:"([^"]*)"|([A-Za-z0-9]+))', header)}


# TOTP for the user, confirmed with oathtool's code.
api = requests.post(BASE + "/v1/sessions", json={"username": USER, "password": PASSWORD}).json()["token"]
bearer = {"authorization": "Bearer " + api}
started = requests.post(BASE + "/v1/factors/totp", json={}, headers=bearer).json()
SECRET = started["secret"]
confirmed = requests.post(BASE + started["confirm_url"], json={"code": oathtool()}, headers=bearer)
assert confirmed.status_code == 200, confirmed.text

server = http.server.HTTPServer(("127.0.0.1", int(PORT)), Callback)
threading.Thread(target=server.serve_forever, daemon=True).start()
driver = chromium.start()
check = chromium.checker(driver, SHOTS, "oidc", seconds=20)
rp = OAuth2Session("browser-rp", scope="openid", redirect_uri=REDIRECT, code_challenge_method="S256",
                   token_endpoint_auth_method="none")


def code_flow(**params):
    """Sends Chromium to /authorize; returns a function that, once Chromium is at the callback, redeems the code."""
    verifier = generate_token(64)
    uri, state = rp.create_authorization_url(discovery["authorization_endpoint"], code_verifier=verifier,
                                             nonce=generate_token(16), **params)
    driver.get(uri)

    def redeem():
        check(lambda: driver.current_url.startswith(REDIRECT), "Chromium lands on the RP's redirect URI")
        back = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(driver.current_url).query))
        check(lambda: back.get("state") == state and back.get("iss") == discovery["issuer"], "state and iss echoed")
        return rp.fetch_token(discovery["token_endpoint"], authorization_response=driver.current_url,
                              code_verifier=verifier, state=state)
    return redeem


try:
    redeem = code_flow(acr_values="urn:stepup:acr:aal1")
    check(lambda: "/login" in driver.current_url, "signed out: the sign-in page")
    driver.find_element(By.NAME, "username").send_keys(USER)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button").click()
    first = redeem()
    ident = verify(first["id_token"], "browser-rp")
    check(lambda: ident["acr"] == "urn:stepup:acr:aal1" and ident["amr"] == ["pwd"], "the first token is aal1 (pwd)")

    refused = requests.post(EXAMPLE + "/transfer", headers={"authorization": "Bearer " + first["access_token"]})
    challenge = challenge_of(refused.headers.get("www-authenticate", ""))
    check(lambda: refused.status_code == 401 and challenge["error"] == "insufficient_user_authentication",
          "StepUpGuard answers 401 insufficient_user_authentication (RFC 9470)")
    check(lambda: challenge["acr_values"] == "urn:stepup:acr:aal2" and challenge["max_age"] == "300",
          "the challenge names acr_values and max_age")

    redeem = code_flow(acr_values=challenge["acr_values"], max_age=challenge["max_age"],
                       authorization_details=json.dumps(PAYMENT))
    check(lambda: "/step-up/" in driver.current_url, "signed in at aal1: only the step-up page, no new sign-in")
    details = driver.find_element(By.CSS_SELECTOR, "dl.details").text
    check(lambda: "250.00 EUR" in details and "Bäckerei <Müller>" in details and "DE89370400440532013000" in details,
          "the step-up page shows the payment (amount, creditor, account) as text")
    check(lambda: not driver.find_elements(By.NAME, "username") and not driver.find_elements(By.NAME, "password"),
          "no username or password is asked for again")
    driver.save_screenshot(f"{SHOTS}/oidc-step-up.png")
    driver.find_element(By.NAME, "code").send_keys(oathtool(30))
    driver.find_element(By.CSS_SELECTOR, "form[action^='/step-up/'] button").click()
    second = redeem()
    ident = verify(second["id_token"], "browser-rp")
    access = verify(second["access_token"], "https://api.example")
    check(lambda: ident["acr"] == "urn:stepup:acr:aal2" and "otp" in ident["amr"], "the new ID token is aal2 with otp")
    check(lambda: access["acr"] == "urn:stepup:acr:aal2" and access["authorization_details"] == PAYMENT
          and second["authorization_details"] == PAYMENT, "the access token carries aal2 and the approved payment")
    approved = requests.post(EXAMPLE + "/transfer", headers={"authorization": "Bearer " + second["access_token"]})
    check(lambda: approved.status_code == 200 and "aal2" in approved.text, "StepUpGuard accepts the stepped-up token")
finally:
    try:
        driver.quit()
    except Exception:
        pass  # already quit by a failed check
    server.shutdown()
print("oidc browser flow passed")
