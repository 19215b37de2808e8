#include "ai/features.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Decodes one UTF-8 character at s[*i]; advances *i; -1 for an invalid sequence. */
static long utf8_next(const unsigned char *s, size_t len, size_t *i)
{
    unsigned char c = s[*i];
    size_t need = c < 0x80             ? 0
                  : (c & 0xE0) == 0xC0 ? 1
                  : (c & 0xF0) == 0xE0 ? 2
                  : (c & 0xF8) == 0xF0 ? 3
                                       : 9;
    if (need == 9 || *i + need >= len + (need == 0)) {
        (*i)++;
        return need == 0 ? (long)c : -1;
    }
    long cp = need == 0 ? c : (long)(c & (0x3F >> need));
    for (size_t k = 1; k <= need; k++) {
        if ((s[*i + k] & 0xC0) != 0x80) {
            (*i)++;
            return -1;
        }
        cp = (cp << 6) | (s[*i + k] & 0x3F);
    }
    *i += need + 1;
    return cp;
}

/* Latin-1 and Latin Extended-A letters folded to ASCII: *n bytes at the result, 0 if none. */
static const char *fold_latin(long cp, size_t *n)
{
    static const char latin1[] = /* U+00C0 .. U+00FF, two bytes per code point */
        "a a a a a a aec e e e e i i i i d n o o o o o   o u u u u y   ss"
        "a a a a a a aec e e e e i i i i d n o o o o o   o u u u u y   y ";
    *n = 0;
    if (cp >= 0xC0 && cp <= 0xFF) {
        const char *p = latin1 + (cp - 0xC0) * 2;
        *n = p[0] == ' ' ? 0 : p[1] == ' ' ? 1 : 2;
        return p;
    }
    if (cp == 0x152 || cp == 0x153) {
        *n = 2;
        return "oe";
    }
    return "";
}

static bool is_han(long cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0xF900 && cp <= 0xFAFF);
}

static bool is_symbol(long cp)
{
    return cp == '?' || cp == '!' || (cp >= 0x2600 && cp <= 0x27BF) ||
           (cp >= 0x1F300 && cp <= 0x1FAFF);
}

struct tok_state {
    struct ai_tokens *t;
    size_t at;    /* bytes written to t->text */
    bool in_word; /* the last token is an open word */
};

/* Folds elongations ("scaaam", "betruuug") in w[0..n): a run of three or more equal ASCII
 * letters becomes one, unless the word is nothing but that letter ("aaaa" stays junk). */
static size_t fold_runs(char *w, size_t n)
{
    size_t m = 0;
    bool other = false;
    for (size_t i = 1; i < n; i++)
        other = other || w[i] != w[0];
    if (!other)
        return n;
    for (size_t i = 0; i < n; i++) {
        char c = w[i];
        w[m++] = c;
        if (c >= 'a' && c <= 'z' && i + 2 < n && w[i + 1] == c && w[i + 2] == c) {
            while (i + 1 < n && w[i + 1] == c)
                i++;
        }
    }
    return m;
}

static void tok_close(struct tok_state *s)
{
    struct ai_tokens *t = s->t;
    if (s->in_word) {
        size_t off = t->off[t->n - 1];
        s->at = off + fold_runs(t->text + off, s->at - off);
        t->len[t->n - 1] = (uint16_t)(s->at - off);
    }
    s->in_word = false;
}

/* Appends bytes to the open word (opening one when needed); false when full. */
static bool tok_put(struct tok_state *s, const char *b, size_t n, unsigned char kind)
{
    struct ai_tokens *t = s->t;
    if (!s->in_word || kind != AI_TOK_WORD) {
        tok_close(s);
        if (t->n == AI_TOKENS_MAX || s->at + n + 2 > AI_NORM_MAX)
            return false;
        if (s->at > 0)
            t->text[s->at++] = ' ';
        t->off[t->n] = (uint16_t)s->at;
        t->kind[t->n] = kind;
        t->n++;
        s->in_word = kind == AI_TOK_WORD;
    } else if (s->at + n + 1 > AI_NORM_MAX) {
        return false;
    }
    memcpy(t->text + s->at, b, n);
    s->at += n;
    if (kind != AI_TOK_WORD)
        t->len[t->n - 1] = (uint16_t)n;
    return true;
}

/* The token bytes of one code point: word, Han, symbol, or 0 for a separator. */
static unsigned char classify_cp(long cp, char *buf, size_t *n, const unsigned char *src,
                                 size_t from, size_t to)
{
    if ((cp >= 'a' && cp <= 'z') || cp == '*') {
        buf[0] = (char)cp, *n = 1;
        return AI_TOK_WORD;
    }
    if (cp >= 'A' && cp <= 'Z') {
        buf[0] = (char)(cp - 'A' + 'a'), *n = 1;
        return AI_TOK_WORD;
    }
    if (cp >= '0' && cp <= '9') {
        buf[0] = '0', *n = 1;
        return AI_TOK_WORD;
    }
    size_t fn;
    const char *f = fold_latin(cp, &fn);
    if (fn > 0) {
        memcpy(buf, f, fn);
        *n = fn;
        return AI_TOK_WORD;
    }
    if (cp < 0x80 || (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F) ||
        (cp >= 0xFF00 && cp <= 0xFF20) || (cp >= 0xA0 && cp < 0xC0))
        return is_symbol(cp) ? (buf[0] = (char)cp, *n = 1, AI_TOK_SYMBOL) : 0;
    *n = to - from;
    memcpy(buf, src + from, *n);
    if (is_han(cp))
        return AI_TOK_HAN;
    if (is_symbol(cp) || (cp >= 0x1F000 && cp <= 0x1FFFF))
        return AI_TOK_SYMBOL;
    return cp >= 0x300 && cp <= 0x36F ? 0 : AI_TOK_WORD; /* combining marks drop */
}

void ai_tokenize(const char *text, size_t len, struct ai_tokens *out)
{
    memset(out, 0, offsetof(struct ai_tokens, n));
    out->n = 0;
    out->letters = out->han = 0;
    out->text[0] = '\0';
    if (len > AI_TEXT_MAX)
        len = AI_TEXT_MAX;
    struct tok_state s = {out, 0, false};
    const unsigned char *u = (const unsigned char *)text;
    for (size_t i = 0; i < len;) {
        size_t from = i;
        long cp = utf8_next(u, len, &i);
        char buf[8];
        size_t n = 0;
        unsigned char kind = cp < 0 ? 0 : classify_cp(cp, buf, &n, u, from, i);
        if (kind == 0) {
            tok_close(&s);
            continue;
        }
        if (kind == AI_TOK_HAN)
            out->han++;
        else if (kind == AI_TOK_WORD && buf[0] != '0')
            out->letters++;
        if (!tok_put(&s, buf, n, kind))
            break;
    }
    tok_close(&s);
    out->text[s.at] = '\0';
}

uint32_t ai_hash(char tag, const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    h = (h ^ (unsigned char)tag) * 16777619u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static void feat_add(struct ai_feats *f, uint32_t id, float v)
{
    if (f->n < AI_FEAT_MAX) {
        f->id[f->n] = id;
        f->val[f->n] = v;
        f->n++;
    }
}

/* Character 3..5-grams of "<word>" (bytes; Latin words are ASCII after folding). */
static void char_grams(struct ai_feats *f, const char *w, size_t n)
{
    char pad[AI_NORM_MAX + 2];
    if (n + 2 > sizeof pad)
        return;
    pad[0] = '<';
    memcpy(pad + 1, w, n);
    pad[n + 1] = '>';
    size_t m = n + 2;
    for (size_t g = 3; g <= 5; g++) {
        for (size_t i = 0; i + g <= m; i++)
            feat_add(f, ai_hash('c', pad + i, g), 0.5f);
    }
}

static int by_id(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Sorts by id, sums the values of equal ids and scales to unit L2 norm. */
static void feat_finish(struct ai_feats *f)
{
    struct pair {
        uint32_t id;
        float v;
    } p[AI_FEAT_MAX];
    for (size_t i = 0; i < f->n; i++)
        p[i] = (struct pair){f->id[i], f->val[i]};
    qsort(p, f->n, sizeof p[0], by_id);
    size_t m = 0;
    for (size_t i = 0; i < f->n; i++) {
        if (m > 0 && f->id[m - 1] == p[i].id) {
            f->val[m - 1] += p[i].v;
        } else {
            f->id[m] = p[i].id;
            f->val[m] = p[i].v;
            m++;
        }
    }
    f->n = m;
    double sum = 0;
    for (size_t i = 0; i < m; i++)
        sum += (double)f->val[i] * f->val[i];
    double norm = sum > 0 ? sqrt(sum) : 1;
    for (size_t i = 0; i < m; i++)
        f->val[i] = (float)(f->val[i] / norm);
}

void ai_features(const struct ai_tokens *t, struct ai_feats *f)
{
    f->n = 0;
    char pair[2 * AI_NORM_MAX];
    for (size_t i = 0; i < t->n; i++) {
        const char *w = t->text + t->off[i];
        size_t n = t->len[i];
        feat_add(f, ai_hash('w', w, n), 1.0f);
        if (t->kind[i] == AI_TOK_WORD)
            char_grams(f, w, n);
        if (t->kind[i] == AI_TOK_WORD && n >= 6) /* a crude stem: the first five letters */
            feat_add(f, ai_hash('p', w, 5), 1.0f);
        if (i + 1 < t->n) {
            size_t m = t->len[i + 1];
            memcpy(pair, w, n);
            pair[n] = ' ';
            memcpy(pair + n + 1, t->text + t->off[i + 1], m);
            feat_add(f, ai_hash('b', pair, n + 1 + m), 1.0f);
        }
    }
    feat_finish(f);
}
