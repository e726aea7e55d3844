"""A Streamlit session without a browser: the websocket protocol spoken with the installed streamlit's protobufs.

Used by ``w6_server_load.py`` to drive many sessions from one asyncio process. It does what the browser's
frontend does, as the server code of streamlit 1.67 implies it (web/server/starlette/starlette_websocket.py,
starlette_routes.py, runtime/app_session.py, runtime/websocket_session_manager.py):

* Handshake: ``GET /_stcore/health`` sets the ``_streamlit_xsrf`` cookie. The websocket ``/_stcore/stream`` is
  opened with the cookie, an Origin header of the same host, and the subprotocol list
  ``["streamlit", <xsrf token>, <old session id, when reconnecting>]``: the server reads the second entry as the
  XSRF token and the third as the session to resume.
* A run: a ``BackMsg.rerun_script`` with a ``ClientState`` (query string, widget states, page script hash or,
  on the first load of a deep link, the page name from the URL path, and the hashes of the big messages this
  client has cached). The server answers with ForwardMsgs: ``new_session`` (run started; it carries the
  session id, the page and the main script hash), ``navigation`` (the pages), ``delta`` (one element or block
  at ``metadata.delta_path``), ``page_info_changed`` (the new query string), then ``script_finished``.
  ``FINISHED_EARLY_FOR_RERUN`` (an ``st.rerun()``) is followed by another ``new_session``: the run is over only
  at a final status.
* Message cache: every cacheable element (``metadata.cacheable``, >= ``global.minCachedMessageSize``) is kept
  by hash; the next rerun lists the hashes and the server sends ``ref_hash`` stand-ins for those, which are
  resolved here. Entries expire after ``max_cached_message_age`` finished runs without use, as in the frontend.
* Widgets: every widget element carries its id (``$$ID-<hash>-<key>`` for keyed widgets). After each run the
  client keeps one value per rendered widget, as the frontend does: the server's value when the element has
  ``set_value``, else the value this client held, else the element's default. A rerun sends all of them plus
  the changes of this step (``int/double/string/bool/array`` values, ``trigger_value`` for buttons,
  ``json_trigger_value`` for the events of a v2 component).
* Page change: ``page_script_hash`` of the target, the query string cleared, and only the widgets the main
  script drew (``metadata.active_script_hash == main_script_hash``), as the frontend's ``onPageChange``.
* Upload: ``BackMsg.file_urls_request`` -> ``file_urls_response`` (file id, upload URL), a multipart ``PUT``
  with the ``X-Xsrftoken`` header and the cookie, then the uploader's ``file_uploader_state_value`` in a rerun.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import FileUploaderState, UploadedFileInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

XSRF_COOKIE = "_streamlit_xsrf"
FINAL = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
         ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}
# element type -> WidgetState field its value travels in (streamlit/elements/widgets/*: value_type=...)
VALUE_FIELD = {"slider": "double_array_value", "number_input": None, "selectbox": "string_value",
               "radio": "string_value", "checkbox": "bool_value", "text_input": "string_value",
               "text_area": "string_value", "button_group": "string_array_value", "multiselect": "string_array_value",
               "file_uploader": "file_uploader_state_value"}
TRIGGER_TYPES = {"button", "download_button", "bidi_component"}


class ProtocolError(Exception):
    """The server closed the connection or broke the protocol (what was expected, what arrived)."""


@dataclass
class Element:
    kind: str          # element oneof name ("slider", "bidi_component", "alert", ...) or "block"
    proto: Any         # the element (or Block) message
    script: str        # metadata.active_script_hash: which script drew it
    size: int          # bytes of its ForwardMsg


@dataclass
class Run:
    """One finished script run as this client saw it."""

    status: int = -1
    sent: float = 0.0          # perf_counter when the rerun BackMsg was sent
    done: float = 0.0          # perf_counter when the final script_finished arrived
    elements: dict = field(default_factory=dict)   # delta_path tuple -> Element
    page_hash: str = ""
    query_string: str = ""
    bytes_in: int = 0
    messages: int = 0
    early_reruns: int = 0      # FINISHED_EARLY_FOR_RERUN before the final status
    cache_refs: int = 0        # ref_hash messages resolved from the cache
    session_events: list = field(default_factory=list)

    @property
    def ms(self) -> float:
        return (self.done - self.sent) * 1000

    def of_kind(self, kind: str) -> list[Element]:
        return [e for _, e in sorted(self.elements.items()) if e.kind == kind]

    def texts(self) -> list[str]:
        """Markdown, captions, headings, alerts and metric texts, in page order."""
        out = []
        for _, e in sorted(self.elements.items()):
            p = e.proto
            if e.kind in ("markdown", "heading", "text"):
                out.append(p.body)
            elif e.kind == "alert":
                out.append(p.body)
            elif e.kind == "metric":
                out.append(f"{p.label}: {p.body}")
        return out

    def component(self, key: str) -> dict | None:
        """The ``data`` dict of the v2 component (bidi) whose id ends with ``-<key>``."""
        for e in self.of_kind("bidi_component"):
            if e.proto.id.endswith("-" + key):
                return json.loads(e.proto.json) if e.proto.json else {}
        return None


def widget_key(widget_id: str) -> str | None:
    """The user key of a widget id ``$$ID-<hash>-<key>`` (None for unkeyed widgets)."""
    if not widget_id.startswith("$$ID-"):
        return None
    key = widget_id.split("-", 2)[2] if widget_id.count("-") >= 2 else ""
    return None if key in ("", "None") else key


def _default_value(kind: str, p) -> Any:
    """What the frontend holds for a widget it has just mounted (the server's value if it set one)."""
    if kind == "slider":
        return list(p.value) if p.set_value else list(p.default)
    if kind == "number_input":
        if p.set_value:
            return p.value if p.HasField("value") else None
        return p.default if p.HasField("default") else None
    if kind in ("selectbox", "radio"):
        if p.set_value:
            return p.raw_value if p.HasField("raw_value") else None
        return p.options[p.default] if p.HasField("default") and 0 <= p.default < len(p.options) else None
    if kind == "checkbox":
        return p.value if p.set_value else p.default
    if kind in ("text_input", "text_area"):
        if p.set_value:
            return p.value if p.HasField("value") else None
        return p.default if p.HasField("default") else None
    if kind == "button_group":
        if p.set_value:
            return list(p.raw_values)
        return [p.options[i].content for i in p.default if 0 <= i < len(p.options)]
    if kind == "multiselect":
        return list(p.raw_values) if p.set_value else [p.options[i] for i in p.default]
    return None


def fill(ws: WidgetState, kind: str, proto, value) -> None:
    """Put ``value`` into the WidgetState field the element's type uses."""
    if kind == "number_input":
        if proto.data_type == proto.INT:
            ws.int_value = int(value)
        else:
            ws.double_value = float(value)
    elif kind == "slider":
        ws.double_array_value.data[:] = [float(v) for v in value]
    elif kind in ("button_group", "multiselect"):
        ws.string_array_value.data[:] = [str(v) for v in value]
    elif kind == "checkbox":
        ws.bool_value = bool(value)
    elif kind == "file_uploader":
        ws.file_uploader_state_value.CopyFrom(value)
    else:
        ws.string_value = str(value)


@dataclass
class Widget:
    kind: str
    proto: Any
    script: str
    value: Any


class Session:
    """One simulated browser tab. All methods run on one asyncio loop."""

    def __init__(self, base_url: str, *, name: str = ""):
        self.base = base_url.rstrip("/")
        self.name = name
        self.ws = None
        self.xsrf = ""
        self.cookie = ""
        self.session_id = ""
        self.main_hash = ""
        self.page_hash = ""
        self.pages: list[tuple[str, str, str]] = []  # (page_script_hash, title, url_pathname)
        self.query_string = ""
        self.widgets: dict[str, Widget] = {}
        self.cache: dict[str, list] = {}  # hash -> [ForwardMsg, last run count used]
        self.max_age = 2
        self.run_count = 0
        self.closed: str | None = None  # why the connection ended
        self.close_code: int | None = None
        self._run: Run | None = None
        self._done: asyncio.Future | None = None
        self._urls: dict[str, asyncio.Future] = {}
        self._reader: asyncio.Task | None = None
        self.first_message = asyncio.Event()

    # -----------------------------------------------------------------------------------------------------
    # connection

    async def connect(self, *, resume: str | None = None, timeout: float = 30) -> None:
        if not self.xsrf:
            def hello() -> dict[str, str]:
                """Every cookie the first response sets, as a browser keeps them (the XSRF cookie; behind
                scripts/run_replicas.sh also the load balancer's sticky-session cookie)."""
                jar = {}
                with urllib.request.urlopen(f"{self.base}/_stcore/health", timeout=timeout) as r:
                    for h in r.headers.get_all("set-cookie") or []:
                        name, _, rest = h.partition("=")
                        jar[name.strip()] = rest.split(";", 1)[0]
                if XSRF_COOKIE not in jar:
                    raise ProtocolError("GET /_stcore/health set no _streamlit_xsrf cookie")
                return jar
            jar = await asyncio.to_thread(hello)
            self.xsrf = jar[XSRF_COOKIE]
            self.cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
        host = self.base.split("://", 1)[1]
        protocols = ["streamlit", self.xsrf] + ([resume] if resume else [])
        self.ws = await websockets.connect(
            f"ws://{host}/_stcore/stream", subprotocols=protocols, max_size=None, open_timeout=timeout,
            additional_headers={"Cookie": self.cookie, "Origin": self.base}, ping_interval=None,
            compression=None)
        self.closed = None
        self.close_code = None
        self._reader = asyncio.create_task(self._read(), name=f"reader-{self.name}")

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            try:
                await asyncio.wait_for(self._reader, 5)
            except (asyncio.TimeoutError, asyncio.CancelledError):
                self._reader.cancel()

    async def send_raw(self, data: bytes | str) -> None:
        await self.ws.send(data)

    # -----------------------------------------------------------------------------------------------------
    # runs

    def _state(self, changes: dict[str, Any], triggers: dict[str, Any], main_only: bool) -> Any:
        """ClientState.widget_states: every held widget value, this step's changes, one-shot triggers."""
        states = BackMsg().rerun_script.widget_states
        for wid, w in self.widgets.items():
            if main_only and w.script != self.main_hash:
                continue
            value = changes.get(wid, w.value)
            if value is None or w.kind not in VALUE_FIELD:
                continue
            fill(states.widgets.add(id=wid), w.kind, w.proto, value)
            w.value = value
        for wid, value in triggers.items():
            s = states.widgets.add(id=wid)
            if isinstance(value, bool):
                s.trigger_value = value
            else:
                s.json_trigger_value = json.dumps(value)
        return states

    def widget_id(self, key: str) -> str | None:
        for wid in self.widgets:
            if widget_key(wid) == key:
                return wid
        return None

    def widget(self, key: str) -> Widget | None:
        wid = self.widget_id(key)
        return self.widgets.get(wid) if wid else None

    async def rerun(self, *, changes: dict[str, Any] | None = None, triggers: dict[str, Any] | None = None,
                    page: str | None = None, page_name: str | None = None, query_string: str | None = None,
                    timeout: float = 60, raw_widget_states=None) -> Run:
        """Send one rerun and wait for its final script_finished.

        changes: widget key -> new value; triggers: widget id -> True (button) or a JSON payload (v2 events);
        page: page_script_hash of a page to change to; page_name: the URL path on a first load.
        Raises asyncio.TimeoutError (the run may still finish later) or ProtocolError (connection gone)."""
        if self.closed:
            raise ProtocolError(f"connection closed ({self.closed})")
        if self._done is not None and not self._done.done():
            raise ProtocolError("a run is still in flight")
        ids = {}
        for key, value in (changes or {}).items():
            wid = self.widget_id(key)
            if wid is None:
                raise KeyError(f"no widget with key {key!r} in the last run")
            ids[wid] = value
        change_page = page is not None and page != self.page_hash
        msg = BackMsg()
        cs = msg.rerun_script
        if raw_widget_states is not None:
            cs.widget_states.CopyFrom(raw_widget_states)
        else:
            cs.widget_states.CopyFrom(self._state(ids, triggers or {}, main_only=change_page))
        cs.query_string = "" if change_page else (self.query_string if query_string is None else query_string)
        cs.page_script_hash = page if page is not None else self.page_hash
        cs.page_name = page_name or ""
        cs.cached_message_hashes[:] = list(self.cache)
        self._run = Run()
        self._done = asyncio.get_running_loop().create_future()
        self._done.add_done_callback(lambda f: f.cancelled() or f.exception())  # never "not retrieved"
        self._run.sent = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        return await asyncio.wait_for(asyncio.shield(self._done), timeout)

    async def wait_current(self, timeout: float) -> Run:
        """Wait for the run in flight (after a timeout of ``rerun``)."""
        return await asyncio.wait_for(asyncio.shield(self._done), timeout)

    async def upload(self, uploader_key: str, name: str, data: bytes, mime: str, *, timeout: float = 60
                     ) -> tuple[Run, float]:
        """Upload a file through the uploader ``uploader_key`` as the frontend does. Returns (run, PUT ms)."""
        wid = self.widget_id(uploader_key)
        if wid is None:
            raise KeyError(f"no file uploader with key {uploader_key!r} in the last run")
        req = str(uuid.uuid4())
        fut = asyncio.get_running_loop().create_future()
        fut.add_done_callback(lambda f: f.cancelled() or f.exception())
        self._urls[req] = fut
        msg = BackMsg()
        msg.file_urls_request.request_id = req
        msg.file_urls_request.file_names.append(name)
        msg.file_urls_request.session_id = self.session_id
        await self.ws.send(msg.SerializeToString())
        urls = await asyncio.wait_for(fut, timeout)
        t0 = time.perf_counter()
        await asyncio.to_thread(self._put, urls.upload_url, name, data, mime, timeout)
        put_ms = (time.perf_counter() - t0) * 1000
        state = FileUploaderState()
        state.uploaded_file_info.append(UploadedFileInfo(name=name, size=len(data), file_id=urls.file_id,
                                                         file_urls=urls))
        return await self.rerun(changes={uploader_key: state}, timeout=timeout), put_ms

    def _put(self, upload_url: str, name: str, data: bytes, mime: str, timeout: float) -> None:
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                f"Content-Type: {mime}\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        url = upload_url if upload_url.startswith("http") else self.base + upload_url
        req = urllib.request.Request(url, data=body, method="PUT", headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}", "X-Xsrftoken": self.xsrf,
            "Cookie": self.cookie, "Origin": self.base})
        with urllib.request.urlopen(req, timeout=timeout) as r:
            if r.status not in (200, 204):
                raise ProtocolError(f"upload PUT answered {r.status}")

    # -----------------------------------------------------------------------------------------------------
    # forward messages

    async def _read(self) -> None:
        try:
            async for data in self.ws:
                if isinstance(data, str):
                    raise ProtocolError(f"text frame from the server: {data[:80]!r}")
                self._on_message(data)
        except websockets.ConnectionClosed as e:
            self.close_code = e.rcvd.code if e.rcvd else None
            self.closed = f"closed by the server, code {self.close_code}" if e.rcvd else "connection lost"
        except Exception as e:  # noqa: BLE001 - any reader failure ends the session; it is reported
            self.closed = f"{type(e).__name__}: {e}"
        else:
            self.close_code = self.ws.close_code
            self.closed = f"closed, code {self.close_code}"
        finally:
            err = ProtocolError(f"connection ended during a run: {self.closed}")
            if self._done is not None and not self._done.done():
                self._done.set_exception(err)
            for fut in self._urls.values():
                if not fut.done():
                    fut.set_exception(err)

    def _on_message(self, data: bytes) -> None:
        msg = ForwardMsg()
        msg.ParseFromString(data)
        self.first_message.set()
        run = self._run
        if run is not None:
            run.bytes_in += len(data)
            run.messages += 1
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            entry = self.cache.get(msg.ref_hash)
            if entry is None:
                raise ProtocolError(f"ref_hash {msg.ref_hash} not in this client's cache")
            entry[1] = self.run_count
            meta = msg.metadata
            msg = ForwardMsg()
            msg.CopyFrom(entry[0])
            msg.metadata.CopyFrom(meta)
            kind = msg.WhichOneof("type")
            if run is not None:
                run.cache_refs += 1
        elif msg.metadata.cacheable and msg.hash:
            self.cache[msg.hash] = [msg, self.run_count]
        if kind == "new_session":
            ns = msg.new_session
            self.session_id = ns.initialize.session_id or self.session_id
            self.main_hash = ns.main_script_hash
            self.page_hash = ns.page_script_hash
            self.max_age = ns.config.max_cached_message_age or self.max_age
            if run is not None:
                run.elements = {}  # a new run (also after st.rerun()) redraws the page
                run.page_hash = ns.page_script_hash
        elif kind == "navigation":
            nav = msg.navigation
            self.pages = [(p.page_script_hash, p.page_name, p.url_pathname) for p in nav.app_pages]
            if nav.page_script_hash:  # the page st.navigation runs (new_session names the requested one)
                self.page_hash = nav.page_script_hash
        elif kind == "delta":
            if run is None:
                return
            d = msg.delta
            path = tuple(msg.metadata.delta_path)
            if d.WhichOneof("type") == "new_element":
                ek = d.new_element.WhichOneof("type")
                run.elements[path] = Element(ek, getattr(d.new_element, ek), msg.metadata.active_script_hash,
                                             len(data))
            elif d.WhichOneof("type") == "add_block":
                run.elements[path] = Element("block", d.add_block, msg.metadata.active_script_hash, len(data))
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "file_urls_response":
            r = msg.file_urls_response
            fut = self._urls.pop(r.response_id, None)
            if fut is not None and not fut.done():
                if r.error_msg or not r.file_urls:
                    fut.set_exception(ProtocolError(f"file_urls_response: {r.error_msg or 'no URL'}"))
                else:
                    fut.set_result(r.file_urls[0])
        elif kind == "session_event":
            if run is not None:
                run.session_events.append(str(msg.session_event).strip()[:300])
        elif kind == "script_finished":
            if run is None:
                return
            if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                run.early_reruns += 1
                return
            if msg.script_finished in FINAL:
                run.status = msg.script_finished
                run.done = time.perf_counter()
                run.query_string = self.query_string
                run.page_hash = self.page_hash
                self._after_run(run)
                if self._done is not None and not self._done.done():
                    self._done.set_result(run)

    def _after_run(self, run: Run) -> None:
        """Keep one value per rendered widget (the frontend's widget manager), expire cached messages."""
        old = self.widgets
        new: dict[str, Widget] = {}
        for e in run.elements.values():
            wid = getattr(e.proto, "id", "") if e.kind != "block" else ""
            if not wid:
                continue
            if e.kind in VALUE_FIELD:
                prev = old.get(wid)
                keep = prev is not None and prev.kind == e.kind and not getattr(e.proto, "set_value", False)
                value = prev.value if keep else _default_value(e.kind, e.proto)
                if e.kind == "file_uploader":
                    value = prev.value if prev is not None else None
                new[wid] = Widget(e.kind, e.proto, e.script, value)
            elif e.kind in TRIGGER_TYPES:
                new[wid] = Widget(e.kind, e.proto, e.script, None)
        self.widgets = new
        if run.status != ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
            self.run_count += 1
            for h in [h for h, (_, used) in self.cache.items() if self.run_count - used > self.max_age]:
                del self.cache[h]

    def page_by(self, url_path: str, title: str) -> str | None:
        """page_script_hash of the page with this URL path (or, for the default page with path "", this title)."""
        for h, name, path in self.pages:
            if path == url_path and url_path:
                return h
        for h, name, path in self.pages:
            if name == title:
                return h
        return None
