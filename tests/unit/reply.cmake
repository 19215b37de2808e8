# Unit tests of the reply drafts (src/reply): templates × fact states × languages, the
# guards, and the LLM rewording against a stub OpenAI-compatible server on loopback.
aicos_unit_test(test_reply test_reply.c)
aicos_unit_test(test_reply_llm test_reply_llm.c)
