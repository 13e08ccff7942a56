#!/usr/bin/env python3
"""Issue #11 in headless Chromium: the demo's alice enrols this browser as an approver on /account, opens the
approver page in a second window (server-sent events, no push service needed), starts a transfer with
"Approve on my phone" in the first window, refuses a wrong number and approves with the right one in the second,
and the first window goes on without a reload, with a new session token. Then "this wasn't me" closes another. The service worker's notification is checked with a push message delivered by
Chromium's DevTools protocol (there is no push service offline).

Usage: approver_flow.py BASE_URL USERNAME PASSWORD TOTP_SECRET SCREENSHOT_DIR
"""
import os
import sys

from selenium.webdriver.common.by import By

import chromium


def deliver_push(driver, base, payload):
    """Delivers `payload` as a push message to this origin's service worker registration (a fresh profile numbers
    registrations from 0) and returns the notifications it shows as [title, body, data.url]."""
    import json
    import time
    for registration in range(10):
        try:
            driver.execute_cdp_cmd("ServiceWorker.deliverPushMessage", {
                "origin": base + "/", "registrationId": str(registration), "data": json.dumps(payload)})
        except Exception:
            continue
        for _ in range(50):
            shown = driver.execute_async_script("""
                const done = arguments[arguments.length - 1];
                navigator.serviceWorker.getRegistration("/approve")
                  .then((r) => r ? r.getNotifications() : [])
                  .then((list) => done(list.map((n) => [n.title, n.body, n.data && n.data.url])))
                  .catch(() => done([]));
            """)
            if shown:
                return shown
            time.sleep(0.1)
    return []


def main():
    base, username, password, secret, shots = sys.argv[1:6]
    driver = chromium.start()
    check = chromium.checker(driver, shots)
    slow = chromium.checker(driver, shots, label="slow", seconds=40)
    try:
        chromium.sign_in(driver, base, username, password)
        check(lambda: "/step-up/" in driver.current_url, "the sign-in asks for a second factor")
        driver.find_element(By.NAME, "code").send_keys(chromium.totp(secret))
        driver.find_element(By.CSS_SELECTOR, "form[action^='/step-up/'] button").click()
        check(lambda: "/account" in driver.current_url, "signed in")

        # Enrolment: the script makes the key, tries a push subscription, and posts the form.
        button = driver.find_element(By.ID, "enroll-approver")
        check(lambda: button.is_displayed(), "the script shows 'Approve step-ups on this device'")
        check(lambda: "Approve step-ups on this device" in button.text, "the button's words")
        button.click()
        slow(lambda: "notice=approver" in driver.current_url, "the browser is enrolled as an approver")
        check(lambda: "now approves your step-ups" in driver.page_source, "the account page says so")
        check(lambda: "(push, active)" in driver.page_source, "the approver is listed among the factors")
        stored = driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            const open = indexedDB.open("stepup-approver", 1);
            open.onsuccess = () => {
              const get = open.result.transaction("keys").objectStore("keys").get(arguments[0]);
              get.onsuccess = () => done(get.result ? [get.result.privateKey.extractable,
                                                       get.result.privateKey.algorithm.namedCurve] : null);
            };
            open.onerror = () => done(null);
        """, username)
        check(lambda: stored == [False, "P-256"], f"a non-extractable P-256 key is kept in IndexedDB ({stored})")
        worker = driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            navigator.serviceWorker.getRegistration("/approve").then((r) => done(r ? r.scope : null));
        """)
        check(lambda: worker is not None and worker.endswith("/approve"), f"the service worker controls /approve ({worker})")

        # The service worker's push handler: Chromium's DevTools deliver a push message (what a push service would,
        # decrypted) to the registration; the worker must show a notification that leads to /approve.
        driver.execute_cdp_cmd("Browser.grantPermissions", {"origin": base, "permissions": ["notifications"]})
        driver.execute_cdp_cmd("ServiceWorker.enable", {})
        shown = deliver_push(driver, base, {"type": "stepup.approval", "challenge_id": "chl_test",
                                            "message": "approves transfer of 1500 EUR to ACME Ltd",
                                            "context": "Chrome, FR", "choices": [12, 34, 56]})
        check(lambda: shown == [["Approve this request?", "Approve transfer of 1500 EUR to ACME Ltd? — Chrome, FR",
                                 "/approve"]], f"a push shows a notification that opens /approve ({shown})")

        first = driver.current_window_handle
        driver.switch_to.new_window("window")
        approver = driver.current_window_handle
        driver.get(base + "/approve")
        page = driver.find_element(By.ID, "approver")
        slow(lambda: page.get_attribute("data-connected") == "true", "the approver page is connected (SSE)")
        check(lambda: "Nothing to approve" in page.text, "nothing is pending yet")
        driver.save_screenshot(os.path.join(shots, "approver-empty.png"))

        # A large transfer in the first window, approved on the second.
        driver.switch_to.window(first)
        driver.get(base + "/demo")
        chromium.fill_transfer(driver, "1500.00", "ACME Ltd")
        check(lambda: "/step-up/" in driver.current_url, "a large transfer asks for a step-up")
        step_up_url = driver.current_url
        driver.find_element(By.ID, "send-push-button").click()
        check(lambda: driver.find_elements(By.ID, "push-number"), "the page shows the number to pick")
        number = driver.find_element(By.ID, "push-number").text
        before = driver.get_cookie("stepup_session")["value"]
        driver.save_screenshot(os.path.join(shots, "push-number.png"))

        driver.switch_to.window(approver)
        slow(lambda: driver.find_elements(By.CSS_SELECTOR, "li.approval"), "the approval arrives over SSE")
        item = driver.find_element(By.CSS_SELECTOR, "li.approval")
        check(lambda: "1500" in item.text and "ACME Ltd" in item.text and "EUR" in item.text,
              f"the approver shows what is approved ({item.text!r})")
        choices = [b.text for b in item.find_elements(By.CSS_SELECTOR, "button.choice")]
        check(lambda: len(choices) == 3 and number in choices, f"three numbers, the right one among them {choices}")
        wrong = next(b for b in item.find_elements(By.CSS_SELECTOR, "button.choice") if b.text != number)
        wrong.click()
        result = item.find_element(By.CSS_SELECTOR, ".result")
        check(lambda: "not the number" in result.text, "a wrong number is refused, the approval stays open")
        driver.save_screenshot(os.path.join(shots, "approver-wrong.png"))
        right = next(b for b in item.find_elements(By.CSS_SELECTOR, "button.choice") if b.text == number)
        right.click()
        check(lambda: result.text == "Approved.", "the right number approves")

        driver.switch_to.window(first)
        slow(lambda: "Send now" in driver.page_source, "the first window goes on by itself, without a reload")
        check(lambda: "grant=" in driver.current_url, "with the grant")
        after = driver.get_cookie("stepup_session")["value"]
        check(lambda: after != before, "the session token was rotated after the push approval")
        driver.find_element(By.ID, "send").click()
        check(lambda: "Sent 1500 EUR to ACME Ltd" in driver.find_element(By.ID, "message").text, "the transfer is sent")

        # "This wasn't me" closes the next one.
        driver.get(base + "/demo")
        chromium.fill_transfer(driver, "2000.00", "Mallory")
        check(lambda: "/step-up/" in driver.current_url and driver.current_url != step_up_url, "another step-up")
        driver.find_element(By.ID, "send-push-button").click()
        check(lambda: driver.find_elements(By.ID, "push-number"), "a number again")
        driver.switch_to.window(approver)
        slow(lambda: any("Mallory" in li.text for li in driver.find_elements(By.CSS_SELECTOR, "li.approval")),
             "the second approval arrives")
        item = next(li for li in driver.find_elements(By.CSS_SELECTOR, "li.approval") if "Mallory" in li.text)
        item.find_element(By.CSS_SELECTOR, "button.deny").click()
        check(lambda: "Refused" in item.find_element(By.CSS_SELECTOR, ".result").text, "this wasn't me: refused")
        driver.switch_to.window(first)
        slow(lambda: "Refused on your approver" in driver.page_source, "the step-up page learns the refusal")
        driver.save_screenshot(os.path.join(shots, "refused.png"))

        # Signing out ends the approver page's stream.
        driver.find_element(By.CSS_SELECTOR, "form[action='/logout'] button").click()
        check(lambda: "/login" in driver.current_url, "signed out")
        driver.switch_to.window(approver)
        slow(lambda: "signed out" in page.text.lower(), "the approver page hears the sign-out")
    finally:
        driver.quit()
    print("approver flow passed")


if __name__ == "__main__":
    main()
