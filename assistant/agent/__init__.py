"""The LLM agent for the questions the rule planner cannot parse.

    model.py      the chat model from OPENAI_API_KEY / OPENAI_BASE_URL / OPENAI_MODEL
    prompt.py     the short system prompt, and prompt-size estimates
    tools.py      search_catalog, find_values, run_semantic_query, run_sql for one viewer
    limits.py     per-question caps (tool calls, tokens, wall time) and the one retry
    grounding.py  numbers in the model's text must appear in a tool result
    agent.py      `Agent.answer(question, viewer, conversation, assistant) -> Answer`

Catalogue search is the planner's own retrieval (assistant/planner/candidates.py), so the
agent and the rules rank the catalogue alike. `agent_from_env()` is None when no OPENAI_* variable configures a model; nothing then
touches the network.
"""

from assistant.agent.agent import Agent, agent_from_env
from assistant.agent.limits import AgentLimits

__all__ = ["Agent", "AgentLimits", "agent_from_env"]
