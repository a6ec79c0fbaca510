"""The editor's page in headless Chromium (Debian's chromium through chromedriver, both from
tools/system-deps.sh), against a real `docforge serve` process: paste the seed, convert,
read the outline, download the PDF; the layout at desktop and phone width; axe-core
(the copy the axe-selenium-python package ships) finds nothing on the page.

Screenshots of both widths are left in the test's temporary directory for a person to
look at.
"""
from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from serve_load import ROOT

SEED = (ROOT / "tests" / "data" / "seed-china-ai.txt").read_text(encoding="utf-8")
DESKTOP, PHONE = (1280, 900), (390, 844)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service as DriverService

    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    assert chromium and driver_path, "chromium and chromedriver missing: run `make system-deps`"
    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={DESKTOP[0]},{DESKTOP[1]}"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=DriverService(driver_path), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads
    yield driver
    driver.quit()


def wait(condition, seconds: float = 30, what: str = "the page"):
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"{what} did not happen in {seconds} s"
        time.sleep(0.05)


def paste(driver, text: str) -> None:
    """What a paste does: the text lands in the box and an input event fires."""
    driver.execute_script("const box = document.querySelector('#source'); box.focus(); box.value = arguments[0];"
                          "box.dispatchEvent(new InputEvent('input', {bubbles: true, inputType: 'insertFromPaste'}));",
                          text)


def status(driver) -> str:
    return driver.find_element("css selector", "#status").text


def test_paste_convert_outline_and_download_the_pdf(browser, service, tmp_path):
    browser.set_window_size(*DESKTOP)
    browser.get(service.url + "/")
    wait(lambda: len(browser.find_elements("css selector", "#theme option")) > 1, what="the themes list")
    paste(browser, SEED)
    browser.find_element("css selector", "#convert").click()
    headings = wait(lambda: browser.find_elements("css selector", "#outline li[data-kind=heading]"),
                    what="the outline")
    assert len(headings) == 11
    first = headings[0]
    assert first.get_attribute("data-first-line") == "3"
    assert "bare_line_heading" in first.text and "line 3" in first.text
    assert browser.find_elements("css selector", "#outline li[data-kind=table]")
    assert browser.find_elements("css selector", "#outline li[data-kind=references]")
    assert "11 headings" in status(browser)
    wait(lambda: "The New Frontline" in browser.execute_script(
        "return document.querySelector('#preview').srcdoc"), what="the preview")
    first.find_element("css selector", "button").click()  # selects the heading's line in the text
    assert browser.execute_script("const s = document.querySelector('#source');"
                                  "return s.value.slice(s.selectionStart, s.selectionEnd)") == SEED.splitlines()[2]
    browser.save_screenshot(str(tmp_path / "desktop.png"))

    browser.find_element("css selector", 'a[data-format="pdf"]').click()
    pdf = wait(lambda: [p for p in browser.downloads.glob("*.pdf")], what="the PDF download")[0]
    wait(lambda: pdf.stat().st_size > 0 and not list(browser.downloads.glob("*.crdownload")))
    assert pdf.name == "document.pdf" and pdf.read_bytes().startswith(b"%PDF")


def test_errors_show_the_service_s_message(browser, service):
    browser.get(service.url + "/")
    paste(browser, "   ")
    browser.find_element("css selector", "#convert").click()
    assert "Paste a feed first." in status(browser)
    paste(browser, "%PDF-1.4 not really a feed")
    browser.find_element("css selector", "#convert").click()
    wait(lambda: "is a PDF file, not text" in status(browser), what="the error message")


def test_usable_at_phone_width(browser, service, tmp_path):
    browser.set_window_size(*PHONE)
    browser.get(service.url + "/")
    paste(browser, SEED)
    browser.find_element("css selector", "#convert").click()
    wait(lambda: len(browser.find_elements("css selector", "#outline li[data-kind=heading]")) == 11)
    overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a phone"
    for selector in ("#source", "#convert", 'a[data-format="pdf"]', "#outline"):
        box = browser.find_element("css selector", selector).rect
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE[0], selector
    browser.save_screenshot(str(tmp_path / "phone.png"))
    browser.execute_script("document.querySelector('#outline').scrollIntoView()")
    browser.save_screenshot(str(tmp_path / "phone-outline.png"))
    browser.set_window_size(*DESKTOP)


def test_axe_finds_no_violations(browser, service):
    import axe_selenium_python

    axe = Path(axe_selenium_python.__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
    browser.get(service.url + "/")
    paste(browser, SEED)
    browser.find_element("css selector", "#convert").click()
    wait(lambda: len(browser.find_elements("css selector", "#outline li[data-kind=heading]")) == 11)
    browser.execute_script(axe.read_text(encoding="utf-8"))
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations), e => done(String(e)));")
    assert result == [], json.dumps([{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
                                     for v in result], indent=1) if isinstance(result, list) else result


def test_the_keyboard_reaches_every_control(browser, service):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    browser.get(service.url + "/")
    reached = []
    for _ in range(14):  # Tab as a person presses it (to whatever has the focus)
        ActionChains(browser).send_keys(Keys.TAB).perform()
        reached.append(browser.execute_script(
            "const e = document.activeElement; return e.id || e.dataset.format || e.tagName"))
    for control in ("source", "file", "theme", "paper", "toc", "convert", "pdf", "docx", "epub", "html"):
        assert control in reached, reached
