"""The Switchyard client: seed 000's methods over the HTTP API, standard library only."""
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Callable, Dict, List, Optional, Union

from .errors import ApiError, error_for

Json = Dict[str, Any]
Result = Union[str, int, float, bool, List[Any], Dict[str, Any]]


class Client:
    """A client of one Switchyard server.

    Agent calls (assign_tasks, mark_completed, fail, progress, update_heartbeat) use the
    agent token that register_agent() keeps (or one passed in); operator calls
    (decompose_goal, get_status, get_task_tensor, goals) use the operator token when the
    server has one.
    """

    def __init__(
        self,
        base_url: str = "http://localhost:3000",
        agent_token: Optional[str] = None,
        operator_token: Optional[str] = None,
        registration_token: Optional[str] = None,
        timeout: float = 30.0,
    ):
        self.base_url = base_url.rstrip("/")
        self.agent_token = agent_token
        self.agent_id: Optional[str] = agent_token.split(".")[0] if agent_token else None
        self.operator_token = operator_token
        self.registration_token = registration_token
        self.timeout = timeout

    # ── transport ────────────────────────────────────────────────────────────────
    def _request(self, method: str, path: str, body: Optional[Json] = None, query: Optional[Dict[str, Any]] = None, auth: str = "none") -> Any:
        url = self.base_url + path
        if query:
            q = {k: v for k, v in query.items() if v is not None}
            if q:
                url += "?" + urllib.parse.urlencode(q)
        headers = {"accept": "application/json"}
        token = {"agent": self.agent_token, "operator": self.operator_token, "registration": self.registration_token or self.operator_token}.get(auth)
        if auth == "agent" and not token:
            raise error_for(401, "unauthorized", "this client has no agent token: call register_agent() first or pass agent_token")
        if token:
            headers["authorization"] = f"Bearer {token}"
        data = None
        if body is not None:
            headers["content-type"] = "application/json"
            data = json.dumps({k: v for k, v in body.items() if v is not None}).encode("utf-8")
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
                content_type = response.headers.get("content-type", "")
        except urllib.error.HTTPError as error:
            raise _to_api_error(error) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise error_for(0, "network_error", f"cannot reach {self.base_url}: {reason}") from None
        if "json" in content_type:
            return json.loads(raw.decode("utf-8")) if raw else None
        return raw.decode("utf-8")

    def _require_agent_id(self) -> str:
        if not self.agent_id:
            raise error_for(401, "unauthorized", "this client has no agent id: call register_agent() first or pass agent_token")
        return self.agent_id

    # ── seed 000's methods ───────────────────────────────────────────────────────
    def register_agent(self, skills: List[str], name: Optional[str] = None, capacity: Optional[int] = None, context_id: Optional[str] = None) -> Json:
        """Registers an agent; keeps its agent_id and token on this client (save `token` to come back as the same agent)."""
        res = self._request("POST", "/api/orchestration/register", {"skills": skills, "name": name, "capacity": capacity, "context_id": context_id}, auth="registration")
        self.agent_id = res["agent_id"]
        self.agent_token = res["token"]
        return res

    def decompose_goal(self, goal: str, context: Optional[str] = None, plan: Optional[Json] = None, plan_markdown: Optional[str] = None, dry_run: Optional[bool] = None) -> Json:
        """Creates a goal and its subtasks: {goal_id, template, subtasks}."""
        return self._request("POST", "/api/orchestration/decompose", {"goal": goal, "context": context, "plan": plan, "plan_markdown": plan_markdown, "dry_run": dry_run}, auth="operator")

    def assign_tasks(self, max: Optional[int] = None) -> List[Json]:
        """This agent pulls up to `max` tasks (default: its free capacity); each has subtask_uuid, attempt, goal, inputs, timeout_s, deadline_at…"""
        res = self._request("POST", "/api/orchestration/assign", {"agent_id": self._require_agent_id(), "max": max}, auth="agent")
        return res["assignments"]

    def get_status(self) -> Json:
        """Counts of agents, tasks and goals by status."""
        return self._request("GET", "/api/orchestration/status", auth="operator")

    def get_task_tensor(self, goal_id: Optional[str] = None, format: str = "dense") -> Json:
        """T_task[n_tasks, n_agents, 4]: {shape, task_ids, agent_ids, data} (dense) or {entries} (sparse)."""
        if format not in ("dense", "sparse"):
            raise ValueError("format must be dense or sparse")
        return self._request("GET", "/api/orchestration/tensor", query={"goal_id": goal_id, "format": format}, auth="operator")

    def mark_completed(self, subtask_uuid: str, result: Result, attempt: Optional[int] = None, usage: Optional[Json] = None) -> Json:
        """Reports the task's result (text or JSON). Pass the assignment's attempt: a superseded attempt is a ConflictError."""
        return self._request("POST", "/api/orchestration/complete", {"subtask_uuid": subtask_uuid, "result": result, "attempt": attempt, "usage": usage}, auth="agent")

    def update_heartbeat(self) -> Json:
        """Tells the server this agent is alive."""
        return self._request("POST", "/api/orchestration/heartbeat", {"agent_id": self._require_agent_id()}, auth="agent")

    # ── beyond seed 000 ──────────────────────────────────────────────────────────
    def fail(self, subtask_uuid: str, error: str, attempt: Optional[int] = None) -> Json:
        """Reports the attempt failed; the server retries with backoff up to the task's max_attempts."""
        return self._request("POST", "/api/orchestration/fail", {"subtask_uuid": subtask_uuid, "error": error, "attempt": attempt}, auth="agent")

    def progress(self, subtask_uuid: str, attempt: Optional[int] = None, progress: Optional[float] = None, message: Optional[str] = None, output: Optional[str] = None, usage: Optional[Json] = None) -> Json:
        """Reports progress (0..1), a message and/or a chunk of output while the task runs (POST /api/orchestration/progress)."""
        return self._request("POST", "/api/orchestration/progress", {"subtask_uuid": subtask_uuid, "attempt": attempt, "progress": progress, "message": message, "output": output, "usage": usage}, auth="agent")

    def unregister(self) -> Json:
        """Leaves the pool; the agent's running tasks go back to it."""
        return self._request("POST", "/api/orchestration/unregister", {"agent_id": self._require_agent_id()}, auth="agent")

    def get_goal(self, goal_id: str) -> Json:
        return self._request("GET", f"/api/goals/{urllib.parse.quote(goal_id)}", auth="operator")

    def get_result(self, goal_id: str) -> Json:
        """Seed 002's workflow result: {status, result: {final_output, outputs}, steps_completed, …}."""
        return self._request("GET", f"/api/goals/{urllib.parse.quote(goal_id)}/result", auth="operator")

    def goals(self, status: Optional[str] = None, limit: Optional[int] = None) -> List[Json]:
        return self._request("GET", "/api/goals", query={"status": status, "limit": limit}, auth="operator")["goals"]

    def health(self) -> Json:
        return self._request("GET", "/api/health")

    # ── the worker loop ──────────────────────────────────────────────────────────
    def run_worker(
        self,
        handler: Callable[[Json], Result],
        skills: Optional[List[str]] = None,
        name: Optional[str] = None,
        poll_interval: float = 1.0,
        heartbeat_interval: float = 10.0,
        stop: Optional[threading.Event] = None,
        max_tasks: Optional[int] = None,
        unregister_on_exit: bool = True,
    ) -> int:
        """Pulls tasks one at a time and runs `handler(task)` on each: its return value is the
        result, an exception fails the attempt (the server retries). Heartbeats run on a
        background thread. Registers first (with `skills`, `name`) unless this client already
        has an agent token. Returns the number of tasks handled when `stop` is set or after
        `max_tasks`; transient errors (server away, 5xx, 429) back off and carry on.
        """
        if not self.agent_token:
            self.register_agent(skills or [], name=name, capacity=1)
        stop = stop or threading.Event()
        beat_stop = threading.Event()

        def beat() -> None:
            while not beat_stop.wait(heartbeat_interval):
                try:
                    self.update_heartbeat()
                except ApiError:
                    pass  # the next beat (or pull) tries again

        beats = threading.Thread(target=beat, name="switchyard-heartbeat", daemon=True)
        beats.start()
        handled = 0
        backoff = poll_interval
        try:
            while not stop.is_set() and (max_tasks is None or handled < max_tasks):
                try:
                    tasks = self.assign_tasks(max=1)
                    backoff = poll_interval
                except ApiError as error:
                    if not error.is_transient:
                        raise
                    stop.wait(error.retry_after_s or backoff)
                    backoff = min(backoff * 2, 30.0)
                    continue
                if not tasks:
                    stop.wait(poll_interval)
                    continue
                for task in tasks:
                    self._run_one(handler, task)
                    handled += 1
        finally:
            beat_stop.set()
            beats.join(timeout=1.0)
            if unregister_on_exit:
                try:
                    self.unregister()
                except ApiError:
                    pass
        return handled

    def _run_one(self, handler: Callable[[Json], Result], task: Json) -> None:
        try:
            result = handler(task)
        except Exception as error:  # the handler's failure is the attempt's failure
            message = f"{type(error).__name__}: {error}"[:10_000] or "handler failed"
            self._report(lambda: self.fail(task["subtask_uuid"], message, attempt=task.get("attempt")))
            return
        self._report(lambda: self.mark_completed(task["subtask_uuid"], "" if result is None else result, attempt=task.get("attempt")))

    @staticmethod
    def _report(send: Callable[[], Any], tries: int = 5) -> None:
        delay = 0.5
        for i in range(tries):
            try:
                send()
                return
            except ApiError as error:
                if error.status == 409 or not error.is_transient or i == tries - 1:
                    return  # superseded or refused: the server has moved on
                time.sleep(error.retry_after_s or delay)
                delay = min(delay * 2, 10.0)


def _to_api_error(error: "urllib.error.HTTPError") -> ApiError:
    try:
        text = error.read().decode("utf-8", "replace")
    except Exception:
        text = ""
    retry_after = error.headers.get("retry-after") if error.headers else None
    try:
        retry_after_s = float(retry_after) if retry_after else None
    except ValueError:
        retry_after_s = None
    try:
        body = json.loads(text)
        e = body.get("error") if isinstance(body, dict) else None
        if isinstance(e, dict) and isinstance(e.get("code"), str):
            return error_for(error.code, e["code"], e.get("message") or str(error.reason), e.get("field"), retry_after_s)
    except ValueError:
        pass
    code = "internal" if error.code >= 500 else "http_error"
    return error_for(error.code, code, f"{error.code} {error.reason}: {text[:200]}", None, retry_after_s)
