"""A real SMTP server (aiosmtpd) that can be stopped and started again on the same port, and
can hold one message at a chosen step until the test lets it go."""

import asyncio
import threading
import time
from collections import Counter
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller

from tests.conftest import free_port

# Where a held message waits: before the server has it (RCPT), with the message in hand
# but not yet accepted (DATA, released by `go`), or accepted and waiting for QUIT.
HOLD_STEPS = ("rcpt", "data", "quit")


class Handler:
    """Collects accepted messages; optionally holds message number `hold_number`."""

    def __init__(
        self, hold_step: str | None = None, hold_number: int = 0, quit_reply: str = "221 Bye"
    ):
        assert hold_step in (None, *HOLD_STEPS)
        self.hold_step = hold_step
        self.hold_number = hold_number
        self.quit_reply = quit_reply
        self.messages = []
        self.started = 0  # transactions begun (one message each: the outbox sends one a time)
        self.reached = threading.Event()  # the held message got to its step
        self.release = threading.Event()  # the test lets it go on

    async def _hold(self, session, step: str) -> None:
        if step == self.hold_step and getattr(session, "number", 0) == self.hold_number:
            self.reached.set()
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, self.release.wait, 60)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.started += 1
        session.number = self.started
        await self._hold(session, "rcpt")
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        await self._hold(session, "data")
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    async def handle_QUIT(self, server, session, envelope):
        await self._hold(session, "quit")
        return self.quit_reply

    def message_ids(self) -> Counter:
        """How many times each Message-ID arrived."""
        return Counter(message["Message-ID"] for message in self.messages)

    def wait_for(self, count: int, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            assert time.monotonic() < deadline, f"{len(self.messages)} of {count} arrived"
            time.sleep(0.02)


class MailServer:
    """aiosmtpd on one loopback port, for as many stops and starts as the test wants."""

    def __init__(self, handler: Handler):
        self.handler = handler
        self.port = free_port()
        self.controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.handler.release.set()  # nothing held may keep the server from stopping
            self.controller.stop()
            self.controller = None
