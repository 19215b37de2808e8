/*
 * Text normalisation and hashed features for the intent model.
 *
 * ai_normalize() turns a message into space-separated tokens: Latin letters lower-cased with
 * accents folded (é -> e, ß -> ss, œ -> oe), every digit '0', each Han character, emoji and
 * '?' / '!' a token of its own; other punctuation separates. ai_features() hashes word
 * unigrams and bigrams and the character 3- to 5-grams of each Latin word (padded with '<'
 * and '>') with 32-bit FNV-1a into sorted, unique ids whose values have unit L2 norm.
 */
#ifndef AICOS_AI_FEATURES_H
#define AICOS_AI_FEATURES_H

#include <stddef.h>
#include <stdint.h>

#include "ai/classify.h"

#define AI_NORM_MAX   (2 * AI_TEXT_MAX + 2) /* folding ß or œ doubles a character at most */
#define AI_TOKENS_MAX 512
#define AI_FEAT_MAX   4096

struct ai_tokens {
    char text[AI_NORM_MAX]; /* tokens separated by one space, NUL-terminated */
    size_t n;
    uint16_t off[AI_TOKENS_MAX], len[AI_TOKENS_MAX];
    unsigned char kind[AI_TOKENS_MAX]; /* AI_TOK_* */
    size_t letters, han;               /* letter and Han character counts (language hints) */
};

enum { AI_TOK_WORD = 1, AI_TOK_HAN, AI_TOK_SYMBOL };

struct ai_feats {
    size_t n;
    uint32_t id[AI_FEAT_MAX];
    float val[AI_FEAT_MAX];
};

/* Tokenises the first AI_TEXT_MAX bytes of text (invalid UTF-8 bytes are dropped). */
void ai_tokenize(const char *text, size_t len, struct ai_tokens *out);

/* The features of a tokenised message. */
void ai_features(const struct ai_tokens *tok, struct ai_feats *out);

/* FNV-1a of a tag byte followed by n bytes. */
uint32_t ai_hash(char tag, const char *s, size_t n);

#endif
