"""Notebook kernels of ``ntm render``: quiet, and kept warm from one page to the next.

Starting a kernel and importing the package cost more than most pages' own
cells (a commune profile: ~1 s to start, ~1-3 s for the import cell, well
under a second for the rest). So each thread that runs pages keeps its kernel
for its next page of the same kernel name and environment. Between pages the
kernel's namespace is cleared (as ``%reset -f``, in a new history session),
its figures are closed and its execution count is set back to 1: the next
notebook runs as in a fresh kernel, except that modules stay imported and the
package's per-kernel caches (the review read from the batch's snapshot) stay
filled. A kernel whose page failed,
or that does not answer the reset, is shut down, never reused.

:func:`close_kernels` shuts down every kept kernel of this process; ``ntm
render`` calls it at the end of a batch (on every Dask worker too), and at exit.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import subprocess
import threading
from dataclasses import dataclass
from typing import Any

#: Seconds a kept kernel has to answer the reset before it is shut down instead.
RESET_TIMEOUT = 30
#: Run in a kept kernel after a page: what the next page must not see is removed.
RESET_CODE = (
    "import sys as _ntm_sys\n"
    "if 'matplotlib.pyplot' in _ntm_sys.modules:\n"
    "    _ntm_sys.modules['matplotlib.pyplot'].close('all')\n"
    "get_ipython().reset(new_session=True)\n"  # %reset -f, a new history session, count 1
)

_MANAGER_CLASSES: dict[tuple, type] = {}
_KEPT: dict[tuple, Any] = {}  # (thread, kernel name, environment) -> kernel manager
_LOCK = threading.Lock()


def quiet_kernel_manager(env: dict | None = None) -> type:
    """A kernel manager class whose kernels' own logs are muted, whose kernels get ``env``
    on top of this process's environment, and which remembers the clients it hands out.

    Kernel start-up chatter would otherwise interleave with the progress bar;
    errors of the notebook itself still come back through the notebook. One
    class per distinct ``env`` (papermill takes a class, not an instance).
    """
    key = tuple(sorted((env or {}).items()))
    with _LOCK:
        if key not in _MANAGER_CLASSES:
            from jupyter_client.manager import AsyncKernelManager

            extra = dict(key)

            class QuietKernelManager(AsyncKernelManager):
                async def _async_launch_kernel(self, kernel_cmd, **kw):
                    kw.setdefault("stderr", subprocess.DEVNULL)
                    kw["env"] = {**(kw.get("env") or os.environ), **extra}
                    return await super()._async_launch_kernel(kernel_cmd, **kw)

                def client(self, **kw):
                    kc = super().client(**kw)
                    self.__dict__.setdefault("handed_out", []).append(kc)
                    return kc

            _MANAGER_CLASSES[key] = QuietKernelManager
        return _MANAGER_CLASSES[key]


@dataclass
class PageKernel:
    """The kernel manager one page runs on (its kernel starts with the page if it is new)."""

    manager: Any
    key: tuple
    warm: bool  # kept from an earlier page of this thread

    def release(self, *, reuse: bool) -> None:
        """After the page: keep the kernel for this thread's next page when the page ran
        and the reset worked; otherwise shut it down."""
        for kc in self.manager.__dict__.pop("handed_out", []):
            with contextlib.suppress(Exception):
                kc.stop_channels()
        if reuse and self.manager.has_kernel and _reset(self.manager):
            with _LOCK:
                old = _KEPT.pop(self.key, None)
                _KEPT[self.key] = self.manager
            if old is not None and old is not self.manager:
                _shutdown(old)
            return
        _shutdown(self.manager)


def page_kernel(kernel_name: str, env: dict | None = None) -> PageKernel:
    """The kernel for this thread's next page: the one its last page left, or a new one."""
    env = dict(env or {})
    key = (threading.get_ident(), kernel_name, tuple(sorted(env.items())))
    with _LOCK:
        kept = _KEPT.pop(key, None)
    if kept is not None:
        return PageKernel(kept, key, warm=True)
    return PageKernel(quiet_kernel_manager(env)(kernel_name=kernel_name), key, warm=False)


def kept_kernels() -> int:
    """How many warm kernels this process keeps."""
    with _LOCK:
        return len(_KEPT)


def close_kernels() -> int:
    """Shut down every kernel this process keeps; returns how many."""
    with _LOCK:
        managers = list(_KEPT.values())
        _KEPT.clear()
    _shutdown(*managers)
    return len(managers)


def _reset(km: Any) -> bool:
    """Clear the kernel's namespace for the next page; False when it does not answer."""
    kc = km.blocking_client()
    try:
        kc.start_channels()
        msg_id = kc.execute(RESET_CODE, silent=True, store_history=False)
        while True:
            reply = kc.get_shell_msg(timeout=RESET_TIMEOUT)
            if reply.get("parent_header", {}).get("msg_id") == msg_id:
                return reply["content"].get("status") == "ok"
    except Exception:  # no answer in time, or a dead kernel
        return False
    finally:
        with contextlib.suppress(Exception):
            kc.stop_channels()


def _shutdown(*managers: Any) -> None:
    """Shut the kernels down, each on a thread of its own.

    Never on the calling thread's event loop: that would set one up for the
    thread, which a caller's own asyncio code (a Jupyter session, an
    in-process Dask cluster) must not inherit.
    """

    def stop(km: Any) -> None:
        with contextlib.suppress(Exception):  # already gone: nothing to shut down
            if km.has_kernel:
                asyncio.run(km.shutdown_kernel(now=True))  # also removes its connection file

    threads = [threading.Thread(target=stop, args=(km,), name="ntm-kernel-stop") for km in managers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


atexit.register(close_kernels)
