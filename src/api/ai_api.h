/*
 * Intent classification over JSON (issue 15; ai_api.c): POST /api/v1/ai/classify
 * {text, lang?, region?} → {label, confidence, band, lang, urgent}. 422 when text is missing,
 * empty or not a string, or lang is not one of en es de fr it zh; 413 when text is over
 * AI_TEXT_MAX bytes. Nothing is stored.
 */
#ifndef AICOS_API_AI_API_H
#define AICOS_API_AI_API_H

#include "http/http.h"

ERR_MUST_USE enum err api_ai_classify(struct http_req *req, struct http_resp *resp,
                                      struct errbuf *eb);

#endif
