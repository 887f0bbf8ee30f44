"""The LLM agent for the questions the rule planner cannot parse.

    settings.py   ModelSettings from OPENAI_API_KEY / OPENAI_BASE_URL / OPENAI_MODEL, AgentLimits,
                  agent_from_env(); imports no LangChain or OpenAI
    model.py      the chat model for those settings, and its errors in words
    prompt.py     the short system prompt, and prompt-size estimates
    tools.py      search_catalog, find_values, run_semantic_query, run_sql for one viewer
    limits.py     per-question caps (tool calls, tokens, wall time) and the one retry
    grounding.py  numbers in the model's text must appear in a tool result
    agent.py      `Agent.answer(question, viewer, conversation, assistant) -> Answer`

Catalogue search is the planner's own retrieval (assistant/planner/candidates.py), so the
agent and the rules rank the catalogue alike. `agent_from_env()` is None when no OPENAI_*
variable configures a model; nothing then touches the network, and LangChain and OpenAI
are not even imported (they cost seconds of start-up): import `Agent` from
`assistant.agent.agent`.
"""

from assistant.agent.settings import AgentLimits, ModelSettings, agent_from_env

__all__ = ["AgentLimits", "ModelSettings", "agent_from_env"]
