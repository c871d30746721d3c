"""The fix to the installed Textual (``ballerina_tui/app/textual_fixes.py``): a timer with
an interval of zero or less spun on the event loop; a toast whose notification expired
before it was mounted made one. Run in child processes: without the fix they never end."""

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
        print("still responding")

    asyncio.run(main())
    """
)

TIMERS = textwrap.dedent(
    """
    import asyncio
    import ballerina_tui.app.app  # noqa: F401 - applies the fix
    from textual.app import App

    class Due(App):
        fired = []

        def on_mount(self):
            for delay in (-0.5, -0.0003, 0.0):
                self.set_timer(delay, lambda d=delay: self.fired.append(d))

    async def main():
        app = Due()
        async with app.run_test() as pilot:
            await pilot.pause(0.3)
            print("fired", sorted(app.fired))
        print("still responding")

    asyncio.run(main())
    """
)


def _run(script: str) -> list[str]:
    try:
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
        )
    except subprocess.TimeoutExpired:
        raise AssertionError("the app froze on a timer already due") from None
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.split("\n")
    assert "still responding" in lines
    return lines


def test_a_toast_mounted_after_its_time_is_up_does_not_freeze_the_app():
    _run(SCRIPT)


def test_timers_already_due_fire_once_and_the_app_keeps_running():
    lines = _run(TIMERS)
    assert "fired [-0.5, -0.0003, 0.0]" in lines


def test_the_fix_is_applied_once():
    from textual.timer import Timer

    from ballerina_tui.app import textual_fixes

    textual_fixes.apply()
    first = Timer.__init__
    textual_fixes.apply()
    assert Timer.__init__ is first
    assert getattr(first, "_ballerina_fixed", False)
