#!/usr/bin/env python3
"""Drives the Acme Bank demo in headless Chromium: sign in, transfer, step up with a TOTP code, send.

Usage: demo_flow.py BASE_URL USERNAME PASSWORD TOTP_SECRET SCREENSHOT_DIR
Exit 0 when every step behaved; prints the failing step otherwise.
"""
import os
import subprocess
import sys

from selenium.webdriver.common.by import By

import chromium


def totp(secret, offset):
    args = ["oathtool", "--totp", "-b", secret]
    if offset:
        args[2:2] = ["-N", f"now + {offset} seconds"]
    return subprocess.check_output(args, text=True).strip()


def main():
    base, username, password, secret, shots = sys.argv[1:6]
    driver = chromium.start()
    check = chromium.checker(driver, shots)

    try:
        driver.get(base + "/demo")
        check(lambda: "/login" in driver.current_url, "signed-out visitor is sent to the sign-in page")
        driver.find_element(By.NAME, "username").send_keys(username)
        driver.find_element(By.NAME, "password").send_keys(password)
        driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button").click()
        check(lambda: "/step-up/" in driver.current_url, "a sign-in from a new device asks for a second factor")
        driver.find_element(By.NAME, "code").send_keys(totp(secret, 0))
        driver.find_element(By.CSS_SELECTOR, "form[action^='/step-up/'] button").click()
        check(lambda: driver.current_url.split("?")[0].rstrip("/").endswith("/demo"), "after the step-up the bank page opens")
        check(lambda: "12,480.50" in driver.find_element(By.ID, "balance").text, "balance visible at aal1")
        cookie = driver.get_cookie("stepup_session")
        check(lambda: cookie is not None and cookie.get("httpOnly") and cookie.get("secure"), "session cookie is HttpOnly and Secure")
        driver.save_screenshot(os.path.join(shots, "bank.png"))

        chromium.fill_transfer(driver, "1500.00", "ACME Ltd")
        check(lambda: "/step-up/" in driver.current_url, "a large transfer asks for a step-up")
        approve = driver.find_element(By.ID, "approve").text
        check(lambda: "1500" in approve and "ACME Ltd" in approve and "EUR" in approve, "the prompt shows amount and payee")
        driver.save_screenshot(os.path.join(shots, "step-up.png"))

        driver.find_element(By.NAME, "code").send_keys("000000")
        driver.find_element(By.CSS_SELECTOR, "form[action^='/step-up/'] button").click()
        check(lambda: "4 attempts left" in driver.page_source and "not valid" in driver.page_source,
              "a wrong code is refused, one attempt fewer")

        driver.find_element(By.NAME, "code").send_keys(totp(secret, 30))
        driver.find_element(By.CSS_SELECTOR, "form[action^='/step-up/'] button").click()
        check(lambda: "Send now" in driver.page_source, "after the step-up the transfer waits for confirmation")
        driver.find_element(By.ID, "send").click()
        check(lambda: "Sent 1500 EUR to ACME Ltd" in driver.find_element(By.ID, "message").text, "the transfer is sent")
        driver.save_screenshot(os.path.join(shots, "sent.png"))

        driver.get(base + "/demo/admin")
        check(lambda: "Not allowed" in driver.page_source, "a customer is refused the admin area")
    finally:
        driver.quit()
    print("browser flow passed")


if __name__ == "__main__":
    main()
