"""Without an OPENAI_* variable, `cs-assistant ask` never imports LangChain or OpenAI (they cost
seconds of start-up); with one, the agent and its libraries are loaded to answer."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from agent.fake_openai import FakeOpenAI, Reply

# Runs the real CLI entry point, then reports which model libraries the process ended up holding.
PROBE = """
import json, sys
from assistant.cli import main
code = main(sys.argv[1:])
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("langchain", "langchain_core", "langchain_openai",
                                                              "langgraph", "openai"))
print("\\nPROBE " + json.dumps({"code": code, "loaded": loaded}))
"""


def _ask(warehouse, env_extra: dict[str, str]) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")} | env_extra
    done = subprocess.run([sys.executable, "-c", PROBE, "ask", "mrr", "--warehouse", str(warehouse)],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.rsplit("PROBE ", 1)[1])


def test_ask_without_a_key_imports_no_model_library(tiny_path):
    probe = _ask(tiny_path, {})
    assert probe == {"code": 0, "loaded": []}


def test_ask_with_a_model_configured_loads_the_agent(tiny_path):
    with FakeOpenAI([Reply("unused")]) as fake:
        probe = _ask(tiny_path, fake.env())
    assert probe["code"] == 0
    assert {"openai", "langchain_openai", "langchain.agents"} <= set(probe["loaded"])
