#!/usr/bin/env python3
"""Drives the Acme Bank demo's e-mail codes in headless Chromium: sign in, "E-mail me a code", read the message the
file channel wrote, confirm; then a transfer whose code message names the transaction.

Usage: email_code_flow.py BASE_URL USERNAME PASSWORD MAIL_DIR SCREENSHOT_DIR
Exit 0 when every step behaved; prints the failing step otherwise.
"""
import os
import re
import sys
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

import chromium


def newest_message(folder, seen):
    """The first message that was not in `seen`, waiting up to 15 s for the outbox's sender."""
    deadline = time.time() + 15
    while time.time() < deadline:
        names = [n for n in os.listdir(folder) if n.endswith(".eml") and n not in seen] if os.path.isdir(folder) else []
        seen.update(names)
        # newline="": keep the message's CRLF line ends. The seeded address's verification message is not a code.
        messages = [open(os.path.join(folder, n), encoding="utf-8", newline="").read() for n in names]
        codes = [m for m in messages if "verifies this" not in m]
        if codes:
            return codes[0]
        time.sleep(0.2)
    raise SystemExit("no e-mail arrived in %s" % folder)


def code_in(message):
    body = message.split("\r\n\r\n", 1)[1]
    return re.search(r"\b[0-9]{6,8}\b", body).group(0)


def main():
    base, username, password, mail, shots = sys.argv[1:6]
    seen = set(os.listdir(mail)) if os.path.isdir(mail) else set()
    driver = chromium.start()
    check = chromium.checker(driver, shots, "e-mail")

    def confirm_with_email():
        driver.find_element(By.ID, "send-code-button").click()
        check(lambda: "We sent a code to a***@example.com" in driver.page_source, "the page says where the code went")
        message = newest_message(mail, seen)
        Select(driver.find_element(By.NAME, "factor")).select_by_value("email_otp")
        driver.find_element(By.NAME, "code").send_keys(code_in(message))
        driver.find_element(By.CSS_SELECTOR, "form[action^='/step-up/'] button[type='submit']").click()
        return message

    try:
        driver.get(base + "/demo")
        driver.find_element(By.NAME, "username").send_keys(username)
        driver.find_element(By.NAME, "password").send_keys(password)
        driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button").click()
        check(lambda: "/step-up/" in driver.current_url, "a sign-in from a new device asks for a second factor")
        confirm_with_email()
        check(lambda: driver.current_url.split("?")[0].rstrip("/").endswith("/demo"), "the e-mail code completes the sign-in")

        chromium.fill_transfer(driver, "1500.00", "ACME Ltd")
        check(lambda: "/step-up/" in driver.current_url, "a large transfer asks for a step-up")
        driver.save_screenshot(os.path.join(shots, "email-step-up.png"))
        message = confirm_with_email()
        check(lambda: "approves transfer of 1500" in message and "ACME Ltd" in message,
              "the code's message names the transaction")
        check(lambda: "Send now" in driver.page_source, "the e-mail code approves the transfer")
        driver.find_element(By.ID, "send").click()
        check(lambda: "Sent 1500 EUR to ACME Ltd" in driver.find_element(By.ID, "message").text, "the transfer is sent")
    finally:
        driver.quit()
    print("e-mail browser flow passed")


if __name__ == "__main__":
    main()
