"""Headless Chromium through Selenium and chromedriver, as the browser tests start it, and checks that wait,
screenshot and explain on failure."""
import os
import sys

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait


def start(*extra_flags):
    """A headless Chromium (CHROMIUM / CHROMEDRIVER override the Debian paths); the caller quits it."""
    options = Options()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1100,900") + extra_flags:
        options.add_argument(flag)
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")),
                              options=options)
    driver.set_page_load_timeout(30)
    return driver


def holds(condition):
    """`condition()`, with a WebDriver error (a stale element on the page being left) read as not yet true."""
    from selenium.common.exceptions import WebDriverException
    try:
        return condition()
    except WebDriverException:
        return False


def checker(driver, shots, label="", seconds=30):
    """`check(condition, what)`: retries the callable until true (clicks return before the next page loads; a
    sign-in hashes at the lowest CPU priority, so on a CI machine busy with other tests it can take over 10 s); on
    failure saves a screenshot, prints the step, the URL and the page, quits and exits 1.

    A condition that raises counts as not yet true: an element found on the page a click is leaving goes stale
    before its text is read (StaleElementReferenceException), which is the next page still loading, not a failure."""
    suffix = f" ({label})" if label else ""

    def check(condition, what):
        try:
            WebDriverWait(driver, seconds).until(lambda _: holds(condition))
            ok = True
        except Exception:
            ok = False
        if not ok:
            driver.save_screenshot(os.path.join(shots, f"failure{'-' + label if label else ''}.png"))
            print(f"FAILED{suffix}: {what}\nURL: {driver.current_url}\n{driver.page_source[:4000]}")
            driver.quit()
            sys.exit(1)
        print(f"ok{suffix}: {what}")

    return check


def fill_transfer(driver, amount, payee):
    """Fills the demo bank's transfer form and submits it."""
    from selenium.webdriver.common.by import By
    for name, value in (("amount", amount), ("payee", payee)):
        field = driver.find_element(By.NAME, name)
        field.clear()
        field.send_keys(value)
    driver.find_element(By.CSS_SELECTOR, "form[action='/demo/transfer'] button").click()


def totp(secret, offset=0):
    """The TOTP code for `secret` now (or `offset` seconds from now), from oathtool."""
    import subprocess
    args = ["oathtool", "--totp", "-b", secret]
    if offset:
        args[2:2] = ["-N", f"now + {offset} seconds"]
    return subprocess.check_output(args, text=True).strip()


def sign_in(driver, base, username, password, path="/login"):
    """Opens `path` (which sends a signed-out browser to the sign-in form) and signs in with the password."""
    from selenium.webdriver.common.by import By
    driver.get(base + path)
    driver.find_element(By.NAME, "username").send_keys(username)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button").click()
