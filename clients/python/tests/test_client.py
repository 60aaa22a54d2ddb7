"""The Python client against a real Switchyard server: SWITCHYARD_URL names it (the suite's
clients/python.test.ts starts one and runs `python3 -m unittest` here)."""
import os
import threading
import unittest
import uuid

from switchyard import ApiError, BadRequestError, Client, ConflictError, NetworkError, NotFoundError, UnauthorizedError

URL = os.environ.get("SWITCHYARD_URL")


@unittest.skipUnless(URL, "set SWITCHYARD_URL to a running Switchyard server")
class ClientTest(unittest.TestCase):
    def setUp(self) -> None:
        self.skill = f"py-{uuid.uuid4().hex[:8]}"
        self.operator = Client(URL, operator_token=os.environ.get("SWITCHYARD_OPERATOR_TOKEN"))

    def plan(self, *keys: str) -> dict:
        tasks = []
        for i, key in enumerate(keys):
            task = {"key": key, "name": f"Step {key}", "required_skills": [self.skill]}
            if i > 0:
                task["depends_on"] = [keys[i - 1]]
            tasks.append(task)
        return {"tasks": tasks}

    def test_seed_000_methods(self) -> None:
        agent = Client(URL)
        reg = agent.register_agent([self.skill], name="py-agent")
        self.assertEqual(reg["skills"], [self.skill])
        self.assertTrue(agent.agent_token and agent.agent_token.startswith(reg["agent_id"] + "."))
        self.assertEqual(agent.update_heartbeat()["agent_id"], reg["agent_id"])

        goal = self.operator.decompose_goal("Python seed-000 goal", context="from unittest", plan=self.plan("A", "B"))
        self.assertEqual([t["key"] for t in goal["subtasks"]], ["A", "B"])

        first = agent.assign_tasks()
        self.assertEqual([t["key"] for t in first], ["A"])
        self.assertEqual(first[0]["goal_id"], goal["goal_id"])
        self.assertEqual(first[0]["attempt"], 1)
        self.assertEqual(agent.assign_tasks(), [], "capacity 1 and B waits on A")

        tensor = self.operator.get_task_tensor(goal_id=goal["goal_id"])
        self.assertEqual(tensor["format"], "dense")
        self.assertEqual(tensor["shape"][0], 2)
        self.assertEqual(tensor["shape"][2], 4)
        sparse = self.operator.get_task_tensor(goal_id=goal["goal_id"], format="sparse")
        self.assertEqual(sparse["shape"], tensor["shape"])

        status = self.operator.get_status()
        self.assertGreaterEqual(status["tasks"]["running"], 1)
        self.assertGreaterEqual(status["agents"]["total"], 1)

        done = agent.mark_completed(first[0]["subtask_uuid"], "result A", attempt=first[0]["attempt"])
        self.assertEqual(done["subtask"]["status"], "completed")
        self.assertEqual(len(done["released"]), 1)

        second = agent.assign_tasks()
        self.assertEqual([t["key"] for t in second], ["B"])
        self.assertEqual(second[0]["inputs"], [{"key": "A", "name": "Step A", "result": "result A"}])
        agent.mark_completed(second[0]["subtask_uuid"], {"summary": "json result"}, attempt=second[0]["attempt"])
        result = self.operator.get_result(goal["goal_id"])
        self.assertEqual(result["status"], "complete")
        self.assertEqual(result["steps_completed"], 2)
        agent.unregister()

    def test_typed_errors(self) -> None:
        with self.assertRaises(BadRequestError) as bad:
            Client(URL).register_agent(["not a skill!"])
        self.assertEqual(bad.exception.status, 400)
        self.assertEqual(bad.exception.code, "validation_failed")
        self.assertTrue(bad.exception.field and bad.exception.field.startswith("skills"))

        with self.assertRaises(BadRequestError) as empty:
            self.operator.decompose_goal("   ")
        self.assertEqual(empty.exception.field, "goal")

        with self.assertRaises(UnauthorizedError) as unauth:
            Client(URL).assign_tasks()
        self.assertEqual(unauth.exception.status, 401)

        with self.assertRaises(NotFoundError):
            self.operator.get_goal(str(uuid.uuid4()))

        with self.assertRaises(NetworkError) as away:
            Client("http://127.0.0.1:9", timeout=2).get_status()
        self.assertEqual((away.exception.status, away.exception.code), (0, "network_error"))
        self.assertTrue(away.exception.is_transient)

    def test_fail_retries_and_stale_attempt_conflicts(self) -> None:
        agent = Client(URL)
        agent.register_agent([self.skill])
        plan = {"tasks": [{"key": "F", "name": "Flaky", "required_skills": [self.skill], "max_attempts": 2}]}
        self.operator.decompose_goal("Python fail goal", plan=plan)
        task = agent.assign_tasks()[0]
        failed = agent.fail(task["subtask_uuid"], "boom", attempt=task["attempt"])
        self.assertEqual(failed["subtask"]["status"], "retrying")
        self.assertEqual(failed["subtask"]["error"], "boom")
        with self.assertRaises(ConflictError) as stale:
            agent.mark_completed(task["subtask_uuid"], "too late", attempt=task["attempt"])
        self.assertEqual(stale.exception.status, 409)
        agent.unregister()

    def test_progress(self) -> None:
        agent = Client(URL)
        agent.register_agent([self.skill])
        self.operator.decompose_goal("Python progress goal", plan=self.plan("P"))
        task = agent.assign_tasks()[0]
        agent.progress(task["subtask_uuid"], attempt=task["attempt"], progress=0.5, message="half way", output="line 1\n")
        detail = self.operator._request("GET", f"/api/tasks/{task['subtask_uuid']}", auth="operator")
        self.assertEqual(detail.get("message"), "half way")
        with self.assertRaises(BadRequestError) as bad:
            agent.progress(task["subtask_uuid"], attempt=task["attempt"], progress=2)
        self.assertEqual(bad.exception.field, "progress")
        agent.mark_completed(task["subtask_uuid"], "ok", attempt=task["attempt"])
        with self.assertRaises(ConflictError):
            agent.progress(task["subtask_uuid"], attempt=task["attempt"], message="after the end")
        agent.unregister()

    def test_run_worker_with_heartbeats(self) -> None:
        goal = self.operator.decompose_goal("Python worker goal", plan=self.plan("W1", "W2", "W3"))
        seen = []
        beats = []

        def last_beat() -> str:
            agents = self.operator._request("GET", "/api/agents", auth="operator")["agents"]
            return next(a["last_heartbeat_at"] for a in agents if a["id"] == worker.agent_id)

        def handler(task: dict) -> str:
            seen.append(task["key"])
            if task["key"] == "W1":
                beats.append(last_beat())
                threading.Event().wait(0.8)
                beats.append(last_beat())
            if task["key"] == "W2" and task["attempt"] == 1:
                raise RuntimeError("first try fails")
            inputs = ",".join(i["key"] for i in task["inputs"])
            return f"{task['key']} after [{inputs}]"

        worker = Client(URL)
        stop = threading.Event()
        handled = []
        thread = threading.Thread(target=lambda: handled.append(worker.run_worker(handler, skills=[self.skill], name="py-worker", poll_interval=0.1, heartbeat_interval=0.2, stop=stop)))
        thread.start()
        try:
            for _ in range(600):
                result = self.operator.get_result(goal["goal_id"])
                if result["status"] in ("complete", "partial", "failed", "cancelled"):
                    break
                stop.wait(0.1)
        finally:
            stop.set()
            thread.join(timeout=20)
        self.assertEqual(result["status"], "complete")
        self.assertEqual(result["result"]["final_output"], "W3 after [W2]")
        self.assertEqual(seen, ["W1", "W2", "W2", "W3"])
        self.assertEqual(handled, [4])
        self.assertEqual(result["agents_used"], ["py-worker"])
        self.assertEqual(len(beats), 2)
        self.assertGreater(beats[1], beats[0], "the heartbeat thread beat while the handler was busy")
        # run_worker unregistered on the way out
        with self.assertRaises(ApiError):
            worker.update_heartbeat()


if __name__ == "__main__":
    unittest.main()
