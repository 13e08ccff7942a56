#!/usr/bin/env python3
"""Forward auth through a real proxy (nginx or Caddy) in front of upstream.py, as an API client and a browser.

Usage: edge_flow.py APP_URL AUTH_URL PASSWORD API_USER API_SECRET BROWSER_USER BROWSER_SECRET SHOT_DIR
APP_URL and AUTH_URL use host names under .stepup.test, which resolve to 127.0.0.1 here (Chromium is told so;
the API client connects to 127.0.0.1 with the host in the Host header). Exit 0 when every step behaved.
"""
import http.client
import json
import os
import re
import subprocess
import sys
from urllib.parse import urlsplit

import chromium
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def totp(secret, offset=0):
    args = ["oathtool", "--totp", "-b", secret]
    if offset:
        args[2:2] = ["-N", f"now + {offset} seconds"]
    return subprocess.check_output(args, text=True).strip()


def request(url, method="GET", headers=None, body=None):
    parts = urlsplit(url)
    connection = http.client.HTTPConnection("127.0.0.1", parts.port, timeout=30)
    headers = dict(headers or {})
    headers["Host"] = parts.netloc
    data = json.dumps(body).encode() if body is not None else None
    if data is not None:
        headers["Content-Type"] = "application/json"
    connection.request(method, parts.path + (("?" + parts.query) if parts.query else ""), body=data, headers=headers)
    response = connection.getresponse()
    text = response.read().decode(errors="replace")
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, text


def seen(text):
    match = re.search(r'<pre id="seen">(.*?)</pre>', text, re.S)
    if not match:
        return None
    import html
    return json.loads(html.unescape(match.group(1)))


def fail(what, detail=""):
    print(f"FAILED: {what}\n{detail}")
    sys.exit(1)


def expect(condition, what, detail=""):
    if not condition:
        fail(what, detail)
    print(f"ok: {what}")


def api_flow(app, auth, password, user, secret):
    status, headers, _ = request(app + "/reports", headers={"Accept": "application/json"})
    expect(status == 401 and headers.get("www-authenticate", "").startswith("Bearer"),
           "an API client without a token gets 401 with a Bearer challenge", f"{status} {headers}")

    status, _, text = request(auth + "/v1/sessions", "POST", body={"username": user, "password": password})
    expect(status == 201, "the API client signs in at StepUp", text)
    answer = json.loads(text)
    token = answer["token"]
    if answer.get("step_up"):
        challenge = answer["step_up"]["id"]
        status, _, text = request(auth + f"/v1/challenges/{challenge}/verify", "POST",
                                  headers={"Authorization": f"Bearer {token}"},
                                  body={"factor": "totp", "code": totp(secret)})
        expect(status == 200, "the sign-in's step-up is completed with a TOTP code", text)
        token = json.loads(text)["token"]
    bearer = {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    spoof = dict(bearer)
    spoof.update({"Remote-User": "root", "Remote-Groups": "admin", "Remote-Email": "root@evil.example",
                  "StepUp-Level": "aal3", "X-Original-URL": "http://app.stepup.test/elsewhere"})
    status, _, text = request(app + "/reports?page=2", headers=spoof)
    got = seen(text) or {}
    upstream = got.get("headers", {})
    expect(status == 200 and upstream.get("remote-user") == user,
           "the application sees the signed-in user, not the one the client claimed", text)
    expect(upstream.get("remote-groups") != "admin" and not upstream.get("remote-email")
           and upstream.get("stepup-level") == "aal2",
           "spoofed identity headers are replaced or removed", json.dumps(upstream))
    expect(got.get("path") == "/reports?page=2", "the request reaches the application unchanged", text)

    status, headers, text = request(app + "/admin/users", headers=bearer)
    challenge = headers.get("stepup-challenge", "")
    expect(status == 401 and 'error="insufficient_user_authentication"' in headers.get("www-authenticate", "")
           and "max_age=0" in headers.get("www-authenticate", "") and challenge.startswith("chl_"),
           "a protected path answers an API client with an RFC 9470 step-up challenge", f"{status} {headers}")
    status, _, text = request(auth + f"/v1/challenges/{challenge}/verify", "POST",
                              headers={"Authorization": f"Bearer {token}"},
                              body={"factor": "totp", "code": totp(secret, 30)})
    expect(status == 200, "the API client steps up through StepUp's API", text)
    granted = dict(bearer)
    granted["StepUp-Grant"] = challenge
    status, _, text = request(app + "/admin/users", headers=granted)
    expect(status == 200 and (seen(text) or {}).get("headers", {}).get("remote-user") == user,
           "with its grant the API client passes", text)
    status, _, _ = request(app + "/admin/users", headers=granted)
    expect(status == 401, "a grant passes once")


def browser_flow(app, auth, password, user, secret, shots):
    driver = chromium.start("--host-resolver-rules=MAP *.stepup.test 127.0.0.1")

    def check(condition, what):
        try:
            WebDriverWait(driver, 30).until(lambda _: chromium.holds(condition))
        except Exception:
            driver.save_screenshot(os.path.join(shots, "failure.png"))
            fail(what, f"URL: {driver.current_url}\n{driver.page_source[:3000]}")
        print(f"ok: {what}")

    def upstream_user():
        got = seen(driver.page_source)
        return got and got["headers"].get("remote-user")

    try:
        driver.get(app + "/reports")
        check(lambda: driver.current_url.startswith(auth + "/login"), "a signed-out browser is sent to StepUp's sign-in")
        driver.find_element(By.NAME, "username").send_keys(user)
        driver.find_element(By.NAME, "password").send_keys(password)
        driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button").click()
        check(lambda: "/step-up/" in driver.current_url, "a sign-in from a new device asks for a second factor")
        driver.find_element(By.NAME, "code").send_keys(totp(secret))
        driver.find_element(By.CSS_SELECTOR, "form[action^='/step-up/'] button").click()
        check(lambda: driver.current_url.startswith(app + "/reports") and upstream_user() == user,
              "after signing in the browser is back on the application, as the user")

        driver.get(app + "/admin")
        check(lambda: driver.current_url.startswith(auth + "/step-up/"), "the protected path asks for a step-up")
        driver.save_screenshot(os.path.join(shots, "step-up.png"))
        driver.find_element(By.NAME, "code").send_keys(totp(secret, 30))
        driver.find_element(By.CSS_SELECTOR, "form[action^='/step-up/'] button").click()
        check(lambda: driver.current_url.startswith(app + "/admin") and upstream_user() == user,
              "after the step-up the browser is on the protected path")

        driver.get(app + "/reports")
        check(lambda: driver.current_url.startswith(app + "/reports") and upstream_user() == user,
              "other paths still pass without a step-up")
    finally:
        driver.quit()


def main():
    app, auth, password, api_user, api_secret, browser_user, browser_secret, shots = sys.argv[1:9]
    api_flow(app, auth, password, api_user, api_secret)
    browser_flow(app, auth, password, browser_user, browser_secret, shots)
    print("edge flow passed")


if __name__ == "__main__":
    main()
