"""Bounded concurrency for a plan's fan-out (``_plan.FanOut``): one part per key, run side by side.

Both drivers run a fan-out here, so every fan-out over keys (budgets, the exporter's keys, all-keys
usage) gets the same rules without dispatch of its own:

* at most ``limit`` requests in flight (``limit`` parts in progress, each making its requests one
  after another): the client's ``concurrency`` (default :data:`DEFAULT_CONCURRENCY`);
* adaptive back-off (AIMD, as TCP): a 429 halves the requests allowed in flight (once per round:
  a 429 to an attempt that started before the last cut is the same burst, not a new one), no
  attempt of the fan-out starts before the answer's ``Retry-After`` has passed, and each attempt
  that ends with no cut since it started adds ``1 / (allowed * RECOVERY)``, back up to ``limit``:
  slower than TCP's ``1 / allowed``, because each overshoot costs the whole fan-out a Retry-After
  pause; and ``PROBE`` times slower again within one of the level the last cut came at, where the
  server is likely to refuse again. Every attempt of a part waits for a slot, retries included;
* a 429 is the server's pace, not a failure: in a fan-out with a deadline it never uses up
  ``max_retries`` (:func:`paced`; the deadline bounds the retries), so a ``concurrency`` far above
  the server's own limit costs time, never keys;
* one clock: the parts share the call's deadline (the driver passes them its ``Deadline``), and the
  logs rate limit is the client's one limiter, shared by every thread and task;
* results in the parts' order, whatever the order they complete in;
* the first failure stops the fan-out: no new part starts, the parts in progress stop before their
  next attempt, and the error of the lowest part that failed is raised with ``N of M <what>
  measured`` added to its message: a partial view is never passed off as a whole;
* or, for a ``partial`` fan-out (the all-keys views, the exporter's keys), an SDK error ends its
  part alone: its place in the results holds the error, so the caller can say which parts are
  missing and why (a deadline that ends the fan-out fails every part not done, each at once). Any
  other exception (a bug) and an interrupt still end the fan-out.

The blocking driver uses daemon threads over the client's one ``httpx.Client`` (thread-safe): an
interrupt (Ctrl-C) in the calling thread ends the fan-out at once, the threads stop before their
next attempt and never keep the process alive. The ``await`` driver uses tasks, cancelled on failure
or cancellation.
"""

from __future__ import annotations

import contextlib
import contextvars
import queue
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._deadline import Deadline

__all__ = [
    "DEFAULT_CONCURRENCY",
    "MAX_CONCURRENCY",
    "FanOutCancelled",
    "NoSlotBeforeDeadline",
    "Throttle",
    "enter",
    "enter_async",
    "note_throttled",
    "paced",
    "run_tasks",
    "run_threads",
]

#: Parts of a fan-out in progress at once, by default: 16 requests in flight keep 1,000 keys at
#: 100 ms within 20 s (see benchmarks/README.md) and well under the API's concurrency limits.
DEFAULT_CONCURRENCY = 16
#: The most a caller may ask for.
MAX_CONCURRENCY = 256
#: How many times slower than TCP's one more per round the allowed in flight grow back after a cut,
#: and slower again (``PROBE``) within one of the level the last cut came at: the server refused there.
RECOVERY = 4
PROBE = 8


class FanOutCancelled(Exception):
    """Raised in a part when its fan-out has ended (another part failed, or the caller was
    interrupted): not an SDK error, never seen by a caller."""


class NoSlotBeforeDeadline(Exception):
    """Raised by :meth:`Throttle.enter` when the fan-out lets no attempt start before the part's
    deadline; :func:`enter` turns it into the caller's timeout error."""


class Throttle:
    """The attempts of one fan-out: at most ``allowed`` in flight, AIMD between 1 and ``limit``.

    The blocking driver's threads wait in :meth:`enter`, the ``await`` driver's tasks in
    :meth:`enter_async`; both leave by :meth:`leave`."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.allowed = float(limit)
        self.ceiling = float(limit)  # the allowed in flight when the last cut came
        self.in_flight = 0
        self.peak = 0
        self.resume_at = 0.0  # time.monotonic(): no attempt starts before (a Retry-After)
        self.cuts = 0  # also the round: an attempt remembers the round it started in (_ROUND)
        self.cancelled = False
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._async_changed: Any = None  # an asyncio.Event, made in the loop by enter_async

    def throttled(self, retry_after: float | None) -> None:
        """A request of the fan-out was answered 429 (``retry_after`` seconds asked, if any)."""
        with self._lock:
            if retry_after is not None:
                self.resume_at = max(self.resume_at, time.monotonic() + retry_after)
            if _ROUND.get() == self.cuts:  # the first 429 of attempts started since the last cut
                self.ceiling = self.allowed
                self.allowed = max(1.0, self.allowed / 2)
                self.cuts += 1

    def _wait(self, ends_at: float | None) -> float | None:
        """Under the lock: take a slot and return None, or the seconds to wait at most before asking
        again. Raises :class:`NoSlotBeforeDeadline` when none can come before ``ends_at`` (the part's
        deadline): a Retry-After or a full fan-out never holds a part past it."""
        if self.cancelled:
            raise FanOutCancelled
        now = time.monotonic()
        pause = self.resume_at - now
        if pause <= 0 and self.in_flight < int(self.allowed):
            _ROUND.set(self.cuts)
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            return None
        if ends_at is not None and (ends_at <= now or self.resume_at >= ends_at):
            raise NoSlotBeforeDeadline
        wait = pause if pause > 0 else 1.0  # 1.0: woken by leave() well before; a bound, not a poll
        return wait if ends_at is None else min(wait, ends_at - now)

    def enter(self, ends_at: float | None = None) -> None:
        with self._lock:
            while (wait := self._wait(ends_at)) is not None:
                self._changed.wait(wait)

    async def enter_async(self, ends_at: float | None = None) -> None:
        import asyncio

        while True:
            with self._lock:
                wait = self._wait(ends_at)
                if wait is None:
                    return
                if self._async_changed is None:
                    self._async_changed = asyncio.Event()
                changed = self._async_changed
                changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), wait)

    def leave(self) -> None:
        """An attempt ended: with no cut since it started, one more is let in, little by little."""
        with self._lock:
            self.in_flight -= 1
            if _ROUND.get() == self.cuts:
                step = 1 / (self.allowed * RECOVERY)
                if self.allowed + 1 >= self.ceiling:  # near where the server refused: probe, each overshoot pauses all
                    step /= PROBE
                self.allowed = min(float(self.limit), self.allowed + step)
            self._wake()

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            self._wake()

    def _wake(self) -> None:
        self._changed.notify_all()
        if self._async_changed is not None:
            self._async_changed.set()


#: The round (the throttle's cuts) the current attempt started in.
_ROUND: contextvars.ContextVar[int] = contextvars.ContextVar("aimlapi_billing_fan_out_round", default=-1)
#: The throttle of the fan-out the current part belongs to (set in its thread's or task's context).
CURRENT: contextvars.ContextVar[Throttle | None] = contextvars.ContextVar("aimlapi_billing_fan_out", default=None)


def enter(clock: Deadline, no_slot: Callable[[str], BaseException]) -> Throttle | None:
    """Wait for a slot for the next attempt of the current part (blocking): its fan-out's throttle,
    which the attempt leaves when it ends; None outside a fan-out. No wait outlasts the part's
    ``clock``: ``no_slot(message)`` is raised instead."""
    throttle = CURRENT.get()
    if throttle is not None:
        try:
            throttle.enter(clock.ends_at)
        except NoSlotBeforeDeadline:
            raise no_slot(_no_slot_message(throttle, clock)) from None
    return throttle


async def enter_async(clock: Deadline, no_slot: Callable[[str], BaseException]) -> Throttle | None:
    """:func:`enter` for a task."""
    throttle = CURRENT.get()
    if throttle is not None:
        try:
            await throttle.enter_async(clock.ends_at)
        except NoSlotBeforeDeadline:
            raise no_slot(_no_slot_message(throttle, clock)) from None
    return throttle


def _no_slot_message(throttle: Throttle, clock: Deadline) -> str:
    why = "the server's Retry-After" if throttle.resume_at > time.monotonic() else "the requests in flight"
    return f"no request could start before the {clock.seconds:g} s deadline: the fan-out was paused by {why}"


def paced(clock: Deadline) -> bool:
    """Whether a 429 now is the server's pace rather than a failure: inside a fan-out, whose throttle
    backs off, under a deadline that still bounds the retries (without one, max_retries must)."""
    return CURRENT.get() is not None and clock.ends_at is not None


def note_throttled(retry_after: float | None) -> None:
    """Called on each 429: the current fan-out, if any, backs off, and the part counts it."""
    throttle = CURRENT.get()
    if throttle is not None:
        throttle.throttled(retry_after)
    refused = _REFUSED.get()
    if refused is not None:
        refused[0] += 1


#: The 429s the current part was answered (one list per part, shared by its attempts' contexts).
_REFUSED: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("aimlapi_billing_refused", default=None)


def _said(error: BaseException, refused: list[int]) -> BaseException:
    """A part that ran out of time after 429s says so: "Request timed out" alone would blame the link,
    where the server kept refusing (the 429s never use up max_retries in a fan-out, so only the deadline ends them)."""
    from ._exceptions import APITimeoutError, RateLimitError

    if refused[0] and isinstance(error, APITimeoutError | RateLimitError):
        many = f"{refused[0]} times" if refused[0] > 1 else "once"
        error.add_note_to_message(f"the server kept answering 429 (rate limited) until the deadline: {many}")
    return error


class _Outcomes:
    """The results in the parts' order, and the failures, for one fan-out."""

    def __init__(self, count: int, what: str, throttle: Throttle, partial: bool) -> None:
        self.values: list[Any] = [None] * count
        self.failures: dict[int, BaseException] = {}
        self.reported = self.done = 0
        self.what = what
        self.throttle = throttle
        self.partial = partial

    def record(self, index: int, ok: bool, value: Any) -> None:
        from ._exceptions import AIMLAPIError

        self.reported += 1
        if ok:
            self.values[index] = value
            self.done += 1
        elif self.partial and isinstance(value, AIMLAPIError):  # this part is missing; the others go on
            self.values[index] = value
        elif not isinstance(value, FanOutCancelled):
            self.failures[index] = value
            self.throttle.cancel()

    def result(self) -> list[Any]:
        if self.failures:
            error = self.failures[min(self.failures)]
            note = getattr(error, "add_note_to_message", None)
            if note is not None:
                note(f"{self.done} of {len(self.values)} {self.what} measured")
            raise error
        return self.values


def run_threads(
    drive: Callable[[Any], Any], parts: Sequence[Any], limit: int, what: str, partial: bool = False
) -> list[Any]:
    """Run ``drive(part)`` for each part on at most ``limit`` daemon threads; the results in order
    (with ``partial``, a failed part's SDK error in its place)."""
    throttle = Throttle(limit)
    outcomes = _Outcomes(len(parts), what, throttle, partial)
    todo: queue.SimpleQueue[tuple[int, Any] | None] = queue.SimpleQueue()
    finished: queue.SimpleQueue[tuple[int, bool, Any]] = queue.SimpleQueue()
    context = contextvars.copy_context()
    context.run(CURRENT.set, throttle)

    def work() -> None:
        while (task := todo.get()) is not None:
            index, part = task
            refused = [0]
            try:
                if throttle.cancelled:
                    raise FanOutCancelled
                own = context.copy()
                own.run(_REFUSED.set, refused)
                finished.put((index, True, own.run(drive, part)))
            except BaseException as exc:  # handed to the calling thread, which raises it
                finished.put((index, False, _said(exc, refused)))

    workers = min(limit, len(parts))
    for index, part in enumerate(parts):
        todo.put((index, part))
    for _ in range(workers):
        todo.put(None)
        threading.Thread(target=work, name="aimlapi-billing-fan-out", daemon=True).start()
    try:
        while outcomes.reported < len(parts):
            outcomes.record(*finished.get())
    finally:  # an interrupt too: the threads stop before their next attempt, and never hold the process
        throttle.cancel()
    return outcomes.result()


async def run_tasks(
    drive: Callable[[Any], Awaitable[Any]], parts: Sequence[Any], limit: int, what: str, partial: bool = False
) -> list[Any]:
    """Run ``await drive(part)`` for each part in at most ``limit`` tasks; the results in order
    (with ``partial``, a failed part's SDK error in its place)."""
    import asyncio

    throttle = Throttle(limit)
    outcomes = _Outcomes(len(parts), what, throttle, partial)
    todo = iter(enumerate(parts))

    async def work() -> None:
        for index, part in todo:
            refused = [0]
            _REFUSED.set(refused)  # this task's context: its parts run one after another
            try:
                if throttle.cancelled:
                    raise FanOutCancelled
                outcomes.record(index, True, await drive(part))
            except Exception as exc:  # CancelledError is not one: a cancelled call ends every task
                outcomes.record(index, False, _said(exc, refused))

    token = CURRENT.set(throttle)  # each task copies the context as it is made
    try:
        async with asyncio.TaskGroup() as group:
            for _ in range(min(limit, len(parts))):
                group.create_task(work())
    finally:
        CURRENT.reset(token)
        throttle.cancel()
    return outcomes.result()
