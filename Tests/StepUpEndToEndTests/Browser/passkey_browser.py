#!/usr/bin/env python3
"""StepUp's passkey pages in headless Chromium with a CDP virtual authenticator (CTAP2, internal transport, resident
keys, user verification): register a passkey on /account, sign out, sign in with the passkey alone (usernameless),
open the demo's admin area. With `synced` the authenticator's credentials are backup-eligible (and backed up): the
session is then held at aal2 and the admin area stays closed.

Every ceremony response the browser posts is recorded and verified here with py_webauthn (Duo's `webauthn`);
the recordings go to RECORDINGS (JSON) for StepUp's own verifier to check the same bytes.

Usage: passkey_browser.py BASE_URL USERNAME PASSWORD device|synced RECORDINGS SCREENSHOT_DIR
"""
import base64
import json
import os
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from webauthn import verify_authentication_response, verify_registration_response

import chromium

# Installed in every document before its scripts run (CDP scripts are not subject to the page's CSP): keeps the
# credential JSON each passkey form posts, across the navigation the post causes.
RECORDER = """
(() => {
  const submit = HTMLFormElement.prototype.submit;
  HTMLFormElement.prototype.submit = function () {
    if (this.elements.credential && this.elements.credential.value) {
      const list = JSON.parse(localStorage.getItem("recorded") || "[]");
      list.push({ form: this.id, credential: JSON.parse(this.elements.credential.value),
                  options: JSON.parse(this.dataset.options) });
      localStorage.setItem("recorded", JSON.stringify(list));
    }
    return submit.call(this);
  };
})();
"""


def unb64u(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def main():
    base, username, password, mode, recordings, shots = sys.argv[1:7]
    synced = mode == "synced"
    driver = chromium.start()
    check = chromium.checker(driver, shots, mode, seconds=15)

    def level():
        driver.get(base + "/account")
        return driver.find_element(By.ID, "level").text

    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORDER})
        driver.execute_cdp_cmd("WebAuthn.enable", {"enableUI": False})
        authenticator = driver.execute_cdp_cmd("WebAuthn.addVirtualAuthenticator", {"options": {
            "protocol": "ctap2", "transport": "internal", "hasResidentKey": True, "hasUserVerification": True,
            "isUserVerified": True, "automaticPresenceSimulation": True,
            "defaultBackupEligibility": synced, "defaultBackupState": synced,
        }})["authenticatorId"]

        driver.get(base + "/login")
        check(lambda: driver.find_element(By.ID, "passkey-sign-in").is_displayed(),
              "the script shows the passkey button (WebAuthn available, CSP allows the script)")
        driver.find_element(By.NAME, "username").send_keys(username)
        driver.find_element(By.NAME, "password").send_keys(password)
        driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button").click()
        check(lambda: driver.current_url.split("?")[0].endswith("/account"), "password sign-in (no second factor yet)")

        driver.find_element(By.ID, "add-passkey").click()
        check(lambda: driver.find_element(By.ID, "create-passkey").is_displayed(), "the add-a-passkey page")
        driver.find_element(By.NAME, "name").send_keys(f"Chromium {mode}")
        driver.find_element(By.ID, "create-passkey").click()
        check(lambda: "notice=passkey" in driver.current_url, "the passkey is registered")
        binding = "synced passkey" if synced else "bound to one device"
        check(lambda: f"Chromium {mode}" in driver.page_source and binding in driver.page_source,
              f"the account page lists it ({binding})")
        stored = driver.execute_cdp_cmd("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
        check(lambda: len(stored) == 1 and stored[0]["isResidentCredential"], "a resident (discoverable) credential")

        session = driver.get_cookie("stepup_session")["value"]
        driver.find_element(By.CSS_SELECTOR, "form[action='/logout'] button").click()
        # The sign-in page offers the passkey twice: autofill (conditional mediation), which the virtual
        # authenticator may answer at once, and the button.
        check(lambda: "/login" in driver.current_url or "/account" in driver.current_url, "signed out")
        try:
            WebDriverWait(driver, 3).until(lambda _: "/login" not in driver.current_url)
            print(f"ok ({mode}): autofill (conditional mediation) answered")
        except Exception:
            driver.find_element(By.ID, "passkey-sign-in").click()
            print(f"ok ({mode}): the passkey button answered")
        check(lambda: driver.current_url.split("?")[0].endswith("/account"), "signed in with the passkey alone")
        check(lambda: driver.get_cookie("stepup_session")["value"] != session, "a new session, not the old one")
        expected = "aal2" if synced else "aal3"
        check(lambda: level() == expected, f"the session is at {expected}")
        driver.save_screenshot(os.path.join(shots, f"account-{mode}.png"))

        driver.get(base + "/demo/admin")
        if synced:
            check(lambda: "/step-up/" in driver.current_url and "no factor that can confirm" in driver.page_source,
                  "the admin area (aal3) stays closed to a synced passkey")
            check(lambda: level() == "aal2", "held at aal2")
        else:
            check(lambda: "Welcome, administrator" in driver.page_source, "the admin area opens at aal3")

        recorded = json.loads(driver.execute_script("return localStorage.getItem('recorded') || '[]'"))
    finally:
        driver.quit()

    # py_webauthn checks every response the browser sent, with the options the page gave it.
    origin = base.rstrip("/")
    registration = next(r for r in recorded if r["form"] == "passkey-register")
    verified = verify_registration_response(
        credential=registration["credential"], expected_challenge=unb64u(registration["options"]["challenge"]),
        expected_origin=origin, expected_rp_id=registration["options"]["rp"]["id"], require_user_verification=True)
    print(f"ok ({mode}): py_webauthn verifies the registration (backed up: {verified.credential_backed_up})")
    out = {"origin": origin, "rp_id": registration["options"]["rp"]["id"], "registration": registration,
           "py": {"credential_id": b64u(verified.credential_id),
                  "public_key": b64u(verified.credential_public_key), "sign_count": verified.sign_count,
                  "backed_up": verified.credential_backed_up,
                  "device_type": str(verified.credential_device_type.value)},
           "assertions": []}
    count = verified.sign_count
    for assertion in (r for r in recorded if r["form"] == "passkey-login"):
        result = verify_authentication_response(
            credential=assertion["credential"], expected_challenge=unb64u(assertion["options"]["challenge"]),
            expected_origin=origin, expected_rp_id=assertion["options"]["rpId"],
            credential_public_key=verified.credential_public_key, credential_current_sign_count=count,
            require_user_verification=True)
        count = result.new_sign_count
        out["assertions"].append({"recorded": assertion, "py": {"new_sign_count": result.new_sign_count,
                                                                 "user_verified": result.user_verified,
                                                                 "backed_up": result.credential_backed_up}})
    if not out["assertions"]:
        print(f"FAILED ({mode}): no passkey sign-in was recorded")
        sys.exit(1)
    print(f"ok ({mode}): py_webauthn verifies {len(out['assertions'])} sign-in assertion(s)")
    with open(recordings, "w") as handle:
        json.dump(out, handle)
    print(f"browser passkey flow passed ({mode})")


if __name__ == "__main__":
    main()
