"""The fix to the installed Textual (``ballerina_tui/app/textual_fixes.py``): a toast whose
notification expired before it was mounted froze the app (a timer with a negative
interval spun on the event loop). Run in a child process: without the fix it never ends."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import asyncio, time
    import ballerina_tui.app.app  # noqa: F401 - applies the fix
    from textual.app import App
    from textual.notifications import Notification
    from textual.widgets._toast import Toast

    class Late(App):
        def compose(self):
            notification = Notification("gone", timeout=0.001)
            time.sleep(0.01)  # its time is up before its toast is mounted
            self.toast = Toast(notification)
            yield self.toast

    async def main():
        app = Late()
        async with app.run_test() as pilot:
            await pilot.pause()
            await pilot.pause(0.2)
            print("timeout", app.toast._timeout)
        print("still responding")

    asyncio.run(main())
    """
)


def test_a_toast_mounted_after_its_time_is_up_does_not_freeze_the_app():
    try:
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60
        )
    except subprocess.TimeoutExpired:
        raise AssertionError("the app froze on an expired toast") from None
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.split("\n")
    assert "still responding" in lines
    timeout = float(next(line for line in lines if line.startswith("timeout")).split()[1])
    assert timeout > 0


def test_the_fix_is_applied_once():
    from textual.widgets._toast import Toast

    from ballerina_tui.app import textual_fixes

    textual_fixes.apply()
    first = Toast.__dict__["_on_mount"]
    textual_fixes.apply()
    assert Toast.__dict__["_on_mount"] is first
    assert getattr(first, "_ballerina_fixed", False)
