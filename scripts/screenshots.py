"""The README screenshots, taken in headless Chromium from a running demo:

    ODOO_HTTP_PORT=8079 make demo     # in another terminal
    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8079

Logs in as admin (the demo's administrator works in Polish), opens each view
and writes <addon>/static/description/<name>.png. Chromium's DevTools
protocol is spoken over a websocket (websocket-client, from requirements.txt).
"""

import base64
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import websocket

ROOT = Path(__file__).resolve().parent.parent
# The addon whose README shows a screenshot, when not debt_collection.
ADDON_OF = {
    "dashboard": "debt_collection_analysis",
    "ageing": "debt_collection_analysis",
    "interest_note": "debt_collection_interest",
    "demand_form": "debt_collection_demand",
    "demand_pdf": "debt_collection_demand",
}
WIDTH, HEIGHT = 1400, 860

# (file, URL path, what shows the page is ready, JavaScript to run then and
# what it shows when done).
SHOTS = [
    (
        "dashboard",
        "/odoo/action-debt_collection_analysis.action_debt_collection_dashboard",
        ".o_debt_collection_dashboard canvas",
        None,
    ),
    (
        "ageing",
        "/odoo/action-debt_collection_analysis.action_debt_collection_ageing_wizard",
        ".modal button[name=action_show]",
        (
            "document.querySelector('.modal button[name=action_show]').click()",
            ".o_pivot",
        ),
    ),
    (
        "demand_form",
        "/odoo/action-debt_collection_demand.action_debt_collection_demand/{demand}",
        ".o_form_view",
        None,
    ),
    (
        "demand_pdf",
        "/report/html/debt_collection_demand.report_demand/{demand}",
        ".page",
        None,
    ),
    (
        "interest_note",
        "/odoo/action-debt_collection_interest.action_debt_collection_interest_note/{note}",
        ".o_form_view",
        None,
    ),
    (
        "message_templates",
        "/odoo/action-debt_collection.action_debt_collection_message_template",
        ".o_list_view .o_data_row",
        None,
    ),
    (
        "customer_history",
        "/odoo/action-account.res_partner_action_customer/{partner}",
        ".o_form_view",
        (
            "[...document.querySelectorAll('.o_notebook .nav-link')]"
            ".find(a => a.textContent.includes('Windykacja')).click();"
            "setTimeout(() => document.querySelector("
            "'.o_notebook .tab-pane.active .o_list_view').scrollIntoView(), 1000)",
            ".o_notebook .tab-pane.active .o_list_view",
        ),
    ),
]

# Which records the views open on (JSON-RPC search_read, first match).
RECORDS = {
    "demand": (
        "debt.collection.demand",
        [["state", "=", "sent"], ["kind", "=", "demand"]],
    ),
    "note": ("debt.collection.interest.note", [["state", "=", "posted"]]),
    "partner": ("res.partner", [["name", "=like", "Wrocław Logistics%"]]),
}


class Browser:
    def __init__(self, port=9333):
        self.profile = tempfile.mkdtemp(prefix="dc-shots-")
        self.process = subprocess.Popen(
            [
                shutil.which("chromium") or shutil.which("chromium-browser"),
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--window-size={WIDTH},{HEIGHT}",
                f"--remote-debugging-port={port}",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _attempt in range(50):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json") as answer:
                    page = next(t for t in json.load(answer) if t["type"] == "page")
                break
            except (OSError, StopIteration):
                time.sleep(0.2)
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.ids = itertools.count(1)

    def call(self, method, **params):
        message_id = next(self.ids)
        self.ws.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            answer = json.loads(self.ws.recv())
            if answer.get("id") == message_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})

    def evaluate(self, expression):
        result = self.call(
            "Runtime.evaluate",
            expression=expression,
            awaitPromise=True,
            returnByValue=True,
        )
        return result.get("result", {}).get("value")

    def goto(self, url, ready=None, settle=2.0):
        """Open ``url`` and wait until ``ready`` (a CSS selector) is shown."""
        self.call("Page.navigate", url=url)
        if ready:
            self.wait_for(ready)
        time.sleep(settle)

    def wait_for(self, selector, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.evaluate(f"!!document.querySelector({json.dumps(selector)})"):
                return
            time.sleep(0.5)
        raise TimeoutError(f"{selector} not shown")

    def screenshot(self, path):
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self):
        self.ws.close()
        self.process.terminate()
        self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def main(base_url="http://127.0.0.1:8069", login="admin", password="admin"):
    browser = Browser()
    try:
        browser.call("Page.enable")
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=HEIGHT,
            deviceScaleFactor=1,
            mobile=False,
        )
        browser.goto(f"{base_url}/web/login", "input[name=login]", settle=0.5)
        browser.evaluate(
            f"""document.querySelector('input[name=login]').value = {json.dumps(login)};
                document.querySelector('input[name=password]').value = {json.dumps(password)};
                document.querySelector('form').submit();"""
        )
        browser.wait_for(".o_web_client .o_navbar")
        ids = {}
        for key, (model, domain) in RECORDS.items():
            ids[key] = browser.evaluate(
                f"""fetch('/web/dataset/call_kw', {{method: 'POST',
                        headers: {{'Content-Type': 'application/json'}},
                        body: JSON.stringify({{jsonrpc: '2.0', method: 'call', params: {{
                            model: {json.dumps(model)}, method: 'search_read',
                            args: [{json.dumps(domain)}, ['id']], kwargs: {{limit: 1}}}}}})}})
                    .then(r => r.json()).then(r => r.result[0].id)"""
            )
        for name, path, ready, then in SHOTS:
            browser.goto(base_url + path.format(**ids), ready)
            if then:
                script, done = then
                browser.evaluate(script)
                browser.wait_for(done)
                time.sleep(2)
            # Odoo's notifications (e.g. "the page is out of date") are no
            # part of the view.
            browser.evaluate(
                "document.querySelectorAll('.o_notification_manager')"
                ".forEach(e => e.remove())"
            )
            addon = ADDON_OF.get(name, "debt_collection")
            target = ROOT / addon / "static" / "description" / f"{name}.png"
            browser.screenshot(target)
            print(f"{target.relative_to(ROOT)}")
    finally:
        browser.close()
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main(*sys.argv[1:]))
