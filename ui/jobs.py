"""The page side of long jobs: who owns them, finding them again, and live views that poll them.

Jobs live in ``gan.jobs.REGISTRY`` (one per server process). Each visitor has an *owner token*, kept in a
cookie (and the browser's local storage) so that it survives reloads and page switches: a page finds
its visitor's job with :func:`mine`, on any page. A link with ``?run=<job id>`` shows that job to anyone
(to watch); every control goes through :func:`control`, which the engine refuses for anyone but the owner.
No Streamlit call happens in a worker: pages poll inside ``st.fragment(run_every=...)``.
"""
from __future__ import annotations

import json
import re
import secrets
from typing import Callable

import streamlit as st

from gan.jobs import REGISTRY, Job, JobError, JobLimitError, JobSpec, NotOwner, VisitorLimitError, thread_share
from ui.i18n import tr

COOKIE = "gan_owner"
TOKEN_KEY = "jobs_owner"
WATCH_PARAM = "run"
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")

__all__ = ["Job", "JobSpec", "JobError", "JobLimitError", "NotOwner", "owner", "remember_owner", "mine",
           "watched", "start", "control", "live", "thread_share"]


def error_text(job: Job, failed_en: str, failed_zh: str) -> str:
    """Why ``job`` failed, in the visitor's language: a worker that died is worded here; any other error
    follows ``failed_en`` / ``failed_zh`` as the worker reported it (in English: a Chinese page says that the
    server's own words follow, rather than mixing them into its sentence)."""
    if job.lost is not None:
        code, step = job.lost
        return tr(f"The worker process stopped unexpectedly (exit code {code}); "
                  + (f"the checkpoint from step {step} was kept." if step is not None else
                     "no checkpoint had been written yet."),
                  f"后台进程意外退出（退出码 {code}）；"
                  + (f"保留了第 {step} 步的检查点。" if step is not None else "还没有写入任何检查点。"))
    return tr(failed_en + str(job.error), f"{failed_zh}（服务器的原始英文信息）{job.error}")


def _cookie_token() -> str | None:
    try:
        value = st.context.cookies.get(COOKIE)
    except Exception:  # no browser behind this session (AppTest, bare mode)
        return None
    return value if isinstance(value, str) and _TOKEN_RE.match(value) else None


def owner() -> str:
    """This visitor's owner token: from the session, else the browser's cookie, else a new one."""
    ss = st.session_state
    token = ss.get(TOKEN_KEY)
    if not token:
        token = _cookie_token() or secrets.token_urlsafe(18)
        ss[TOKEN_KEY] = token
    return token


def remember_owner() -> None:
    """Keep the token in the browser (cookie + local storage) once per session, and note the visit (app.py
    calls this on every run).

    A browser that lost the cookie but kept local storage gets its old token back with one reload.
    """
    token = owner()
    REGISTRY.visit(token)  # others' playground runs share the server while this visitor is here
    if _cookie_token() == token or st.session_state.get(TOKEN_KEY + "_sent") == token:
        return
    st.session_state[TOKEN_KEY + "_sent"] = token
    st.html(f"""<script>
(function() {{
  var token = {json.dumps(token)}, name = {json.dumps(COOKIE)};
  var attrs = "; path=/; max-age=31536000" + (location.protocol === "https:" ? "; SameSite=None; Secure" : "; SameSite=Lax");
  var stored = null;
  try {{ stored = window.localStorage.getItem(name); }} catch (e) {{}}
  var has = document.cookie.split("; ").some(function(c) {{ return c.indexOf(name + "=") === 0; }});
  if (!has && stored && stored !== token && /^[A-Za-z0-9_-]{{16,64}}$/.test(stored)
      && !window.sessionStorage.getItem(name + "_restored")) {{
    document.cookie = name + "=" + stored + attrs;
    window.sessionStorage.setItem(name + "_restored", "1");
    location.reload();
    return;
  }}
  document.cookie = name + "=" + token + attrs;
  try {{ window.localStorage.setItem(name, token); }} catch (e) {{}}
}})();
</script>""", unsafe_allow_javascript=True, width=1)


def mine(tag: str) -> Job | None:
    """This visitor's newest job with ``tag`` (e.g. "train", "style"), wherever it was started."""
    return REGISTRY.latest(owner(), where=lambda j: j.spec.tag == tag)


def watched(tag: str) -> Job | None:
    """The job the URL's ``?run=`` names (anyone may watch it), else this visitor's own."""
    job = REGISTRY.get(st.query_params.get(WATCH_PARAM))
    if job is not None and job.spec.tag == tag:
        return job
    return mine(tag)


def is_mine(job: Job | None) -> bool:
    return job is not None and job.owner == owner()


def start(spec: JobSpec, *, backend: str = "thread", replace: Job | None = None) -> Job | None:
    """Start a job for this visitor; on a refusal (server busy, bad settings) show why and return None."""
    try:
        return REGISTRY.start(spec, owner(), backend=backend, replace=replace)
    except VisitorLimitError as e:
        st.warning(tr(f"You already have {_running(owner())} jobs running on this server (the limit per visitor "
                      "is reached); stop one (training, style transfer or the playground) first.",
                      f"你在本服务器上已有 {_running(owner())} 个任务在运行（已达到每位访问者的上限）；"
                      "请先停止一个（训练、风格迁移或游乐场）。"), icon=":material/hourglass_top:")
    except JobLimitError as e:
        st.warning(tr("The server is busy: ", "服务器正忙：") + str(e), icon=":material/hourglass_top:")
    except (JobError, NotOwner) as e:
        st.error(str(e))
    return None


def _running(token: str) -> int:
    return sum(1 for j in REGISTRY.owned(token) if not j.ended)


def control(job: Job | None, op: str, arg=None) -> bool:
    """Send ``op`` to ``job`` as this visitor; a refusal becomes a message on the page."""
    if job is None:
        return False
    try:
        job.control(owner(), op, arg)
        return True
    except NotOwner:
        st.session_state["jobs_refused"] = tr(
            "This run belongs to another visitor: you can watch it, but only they can change it.",
            "这次训练属于另一位访问者：你可以观看，但只有对方能控制它。")
        return False


def show_refusal() -> None:
    msg = st.session_state.pop("jobs_refused", None)
    if msg:
        st.error(msg, icon=":material/lock:")


def watching_caption(job: Job | None) -> None:
    """Whose run this is: for a watcher, that they only watch; for the owner, the link others can watch at."""
    if job is None:
        return
    if not is_mine(job):
        st.caption(tr("You are watching a run someone else started (from its link).",
                      "你正在通过链接观看别人开始的训练。"))
    elif job.running:
        try:
            base = str(st.context.url or "").split("?")[0]
        except Exception:  # no browser behind this session
            base = ""
        st.caption(tr("Others can watch (not change) this run at", "其他人可以在此链接观看（但不能控制）这次训练")
                   + f": `{base}?{WATCH_PARAM}={job.id}`")


def live(get_jobs: Callable[[], list[Job]], views: list[tuple[Callable[[], None], float | Callable[[list[Job]], float | None]]]) -> None:
    """Draw each view in its own fragment; a view re-runs every ``every`` seconds while a job is alive.

    ``every`` is a number (seconds while any of ``get_jobs()`` is alive) or a function of the jobs giving
    seconds or None. Each poll marks the jobs as looked at (jobs with an idle stop stay alive). When the
    last job ends, one full rerun follows, so the rest of the page (buttons, results) shows the final state.
    """
    found = [j for j in get_jobs() if j is not None]
    flag = "jobs_live_" + ",".join(j.id for j in found)

    def interval(every):
        if callable(every):
            return every(found)
        return every if any(j.running for j in found) else None

    for i, (render, every) in enumerate(views):
        def body(render=render, watch=(i == 0)) -> None:
            now = [j for j in get_jobs() if j is not None]
            for j in now:
                j.touch()
            render()
            if watch:
                alive = any(j.running for j in now)
                if st.session_state.get(flag) and not alive:
                    st.session_state[flag] = False
                    st.rerun(scope="app")
                st.session_state[flag] = alive

        st.fragment(body, run_every=interval(every))()
