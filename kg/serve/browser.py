"""Headless chromium for the end-to-end tests and the screenshots command (Selenium + Debian's chromedriver).

Why Selenium with the system chromium: nothing is downloaded (no ``playwright install``, no driver
manager), the browser is the one CI installs with apt, and Selenium is a small pure-Python package.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from kg.errors import IgfkgError

CHROMIUM_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--disable-extensions", "--hide-scrollbars", "--mute-audio")


def find_chromium() -> tuple[str, str] | None:
    """(chromium binary, chromedriver) if both are installed, else None."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    driver = shutil.which("chromedriver") or ("/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").exists() else None)
    return (browser, driver) if browser and driver else None


class Browser:
    """A headless chromium with a fresh profile directory, removed on close."""

    def __init__(self, width: int = 1280, height: int = 900) -> None:
        try:
            from selenium import webdriver
            from selenium.webdriver.chrome.service import Service
        except ImportError:
            raise IgfkgError("selenium is not installed", hint="pip install selenium (it is in the [test] extra)") from None
        found = find_chromium()
        if found is None:
            raise IgfkgError("chromium and chromedriver are needed",
                             hint="apt-get install -y chromium chromium-driver") from None
        binary, driver = found
        self.profile = tempfile.mkdtemp(prefix="igfkg-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = binary
        for flag in CHROMIUM_FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={self.profile}")
        options.add_argument(f"--window-size={width},{height}")
        try:
            self.driver: Any = webdriver.Chrome(service=Service(executable_path=driver), options=options)
        except Exception as exc:  # noqa: BLE001 - selenium raises many kinds; report one line
            shutil.rmtree(self.profile, ignore_errors=True)
            raise IgfkgError(f"cannot start headless chromium: {' '.join(str(exc).split())[:300]}") from None
        self.driver.set_page_load_timeout(60)

    def close(self) -> None:
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def screenshot(self, path: Path, full_page_height: int | None = None) -> Path:
        """Save a PNG of the current page (the window, or up to ``full_page_height`` pixels of it)."""
        driver = self.driver
        if full_page_height:
            height = driver.execute_script("return Math.min(document.documentElement.scrollHeight, arguments[0]);",
                                           full_page_height)
            width = driver.get_window_size()["width"]
            driver.set_window_size(width, max(600, int(height) + 90))
        path.parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(path))
        return path
