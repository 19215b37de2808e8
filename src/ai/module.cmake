# PLACEHOLDER (drafts branch): the buyer-message classifier's interface (classify.h) with a
# keyword stand-in; the triage branch's module.cmake replaces this one at merge time.
aicos_module(ai
  SOURCES classify_placeholder.c
  DEPS aicos_store aicos_base)
