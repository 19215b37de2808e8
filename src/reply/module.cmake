# Buyer-case reply drafts (issue 15): the facts of a case from the database, the templates and
# their guards, the optional OpenAI-compatible LLM rewording (libcurl), the stored
# classification per case and the drafts' outcomes.
aicos_module(reply
  SOURCES facts.c guard.c draft.c draft_text.c llm.c triage.c cases.c
  DEPS aicos_tracking aicos_ai aicos_sync aicos_store aicos_base PkgConfig::CURL Threads::Threads)
